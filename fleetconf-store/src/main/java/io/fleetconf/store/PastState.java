package io.fleetconf.store;

import io.fleetconf.core.Device;
import io.fleetconf.core.DeviceId;
import io.fleetconf.core.Entry;
import io.fleetconf.core.Key;
import io.fleetconf.core.Revision;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/** The entries and devices as they were right after a past revision, rebuilt from the {@code changes} table. */
final class PastState {
  private PastState() {}

  /** The entries at or below {@code prefix} at {@code at}. */
  static List<Entry> entries(Connection connection, Codec codec, Revision at, Key prefix) throws SQLException {
    String name = prefix.toString();
    return entries(connection, codec, at, "AND (name = ? OR (name >= ? AND name < ?))",
        List.of(name, name + "/", name + "0"));
  }

  /** Every entry at {@code at}. */
  static List<Entry> entries(Connection connection, Codec codec, Revision at) throws SQLException {
    return entries(connection, codec, at, "", List.of());
  }

  private static List<Entry> entries(Connection connection, Codec codec, Revision at, String filter,
      List<Object> filterArgs) throws SQLException {
    List<Object> args = new ArrayList<>();
    args.add(at.value());
    args.addAll(filterArgs);
    return Statements.query(connection,
        "SELECT c.name, c.after FROM changes c JOIN (SELECT name, MAX(revision) AS revision FROM changes"
            + " WHERE kind = 'entry' AND revision <= ? " + filter + " GROUP BY name) last"
            + " ON c.kind = 'entry' AND c.name = last.name AND c.revision = last.revision"
            + " WHERE c.after IS NOT NULL ORDER BY c.name",
        args, rows -> codec.entryState(Key.parse(rows.getString(1)), rows.getString(2)));
  }

  static List<Device> devices(Connection connection, Revision at) throws SQLException {
    return Statements.query(connection,
        "SELECT c.name, c.after FROM changes c JOIN (SELECT name, MAX(revision) AS revision FROM changes"
            + " WHERE kind = 'device' AND revision <= ? GROUP BY name) last"
            + " ON c.kind = 'device' AND c.name = last.name AND c.revision = last.revision"
            + " WHERE c.after IS NOT NULL ORDER BY c.name",
        List.of(at.value()), rows -> Codec.device(DeviceId.of(rows.getString(1)), rows.getString(2)));
  }
}
