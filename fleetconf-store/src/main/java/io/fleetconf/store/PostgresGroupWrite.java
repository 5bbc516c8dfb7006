package io.fleetconf.store;

import io.fleetconf.core.Change;
import io.fleetconf.core.ChangeSet;
import io.fleetconf.core.Device;
import io.fleetconf.core.DeviceId;
import io.fleetconf.core.Entry;
import io.fleetconf.core.Key;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A group commit's writes on PostgreSQL as one statement, so one round trip to the database
 * however many change sets the group holds: each table's rows travel as arrays, unnested by
 * data-modifying {@code WITH} parts (which PostgreSQL runs to completion whether or not anything
 * reads them), and the statement's own result is the {@code NOTIFY} that tells the other servers.
 */
final class PostgresGroupWrite {
  private static final String SQL = """
      WITH history AS (
        INSERT INTO change_sets (revision, author, time_ms, message, source, git_commit)
        SELECT * FROM unnest(?::bigint[], ?::text[], ?::bigint[], ?::text[], ?::text[], ?::text[])
      ), changed AS (
        INSERT INTO changes (revision, seq, kind, name, before, after)
        SELECT * FROM unnest(?::bigint[], ?::integer[], ?::text[], ?::text[], ?::text[], ?::text[])
      ), entries_gone AS (
        DELETE FROM entries WHERE key = ANY(?::text[])
      ), entries_set AS (
        INSERT INTO entries (key, value, create_revision, mod_revision, version, secret, flags, replaces)
        SELECT * FROM unnest(?::text[], ?::text[], ?::bigint[], ?::bigint[], ?::bigint[], ?::integer[], ?::bigint[],
            ?::integer[])
        ON CONFLICT (key) DO UPDATE SET value = excluded.value, create_revision = excluded.create_revision,
            mod_revision = excluded.mod_revision, version = excluded.version, secret = excluded.secret,
            flags = excluded.flags, replaces = excluded.replaces
      ), devices_gone AS (
        DELETE FROM devices WHERE id = ANY(?::text[])
      ), devices_set AS (
        INSERT INTO devices (id, doc) SELECT * FROM unnest(?::text[], ?::text[])
        ON CONFLICT (id) DO UPDATE SET doc = excluded.doc
      )
      SELECT pg_notify(?, ?)""";

  private PostgresGroupWrite() {}

  /**
   * Records {@code changeSets} and brings the current-state tables to {@code entries} and
   * {@code devices} (empty: deleted; no entry newly secret), announcing {@code announcement} on
   * {@code channel} when the transaction commits.
   */
  static void write(Connection connection, Codec codec, List<ChangeSet> changeSets, Map<Key, Optional<Entry>> entries,
      Map<DeviceId, Optional<Device>> devices, String channel, String announcement) throws SQLException {
    Columns history = new Columns(6);
    Columns changes = new Columns(6);
    for (ChangeSet changeSet : changeSets) {
      history.add(changeSet.revision().value(), changeSet.author(), changeSet.time().toEpochMilli(),
          changeSet.message(), changeSet.source(), changeSet.commit().orElse(null));
      int seq = 0;
      for (Change change : changeSet.changes()) {
        switch (change) {
          case Change.EntryChange entry -> changes.add(changeSet.revision().value(), seq++, "entry",
              entry.key().toString(), entry.before().map(codec::entryState).orElse(null),
              entry.after().map(codec::entryState).orElse(null));
          case Change.DeviceChange device -> changes.add(changeSet.revision().value(), seq++, "device",
              device.id().value(), device.before().map(Codec::device).orElse(null),
              device.after().map(Codec::device).orElse(null));
        }
      }
    }
    Columns entriesGone = new Columns(1);
    Columns entriesSet = new Columns(8);
    entries.forEach((key, after) -> after.ifPresentOrElse(
        entry -> entriesSet.add(key.toString(), codec.value(entry), entry.createRevision().value(),
            entry.modRevision().value(), entry.version(), entry.secret() ? 1 : 0, entry.flags(), entry.replace() ? 1 : 0),
        () -> entriesGone.add(key.toString())));
    Columns devicesGone = new Columns(1);
    Columns devicesSet = new Columns(2);
    devices.forEach((id, after) -> after.ifPresentOrElse(
        device -> devicesSet.add(id.value(), Codec.device(device)), () -> devicesGone.add(id.value())));

    try (PreparedStatement statement = connection.prepareStatement(SQL)) {
      int at = 1;
      at = history.bind(connection, statement, at, "bigint", "text", "bigint", "text", "text", "text");
      at = changes.bind(connection, statement, at, "bigint", "integer", "text", "text", "text", "text");
      at = entriesGone.bind(connection, statement, at, "text");
      at = entriesSet.bind(connection, statement, at, "text", "text", "bigint", "bigint", "bigint", "integer", "bigint",
          "integer");
      at = devicesGone.bind(connection, statement, at, "text");
      at = devicesSet.bind(connection, statement, at, "text", "text");
      statement.setString(at++, channel);
      statement.setString(at, announcement);
      statement.execute();
    }
  }

  /** One table's rows, column by column, to be bound as arrays. */
  private static final class Columns {
    private final List<List<Object>> columns = new ArrayList<>();

    Columns(int count) {
      for (int i = 0; i < count; i++) {
        columns.add(new ArrayList<>());
      }
    }

    void add(Object... row) {
      for (int i = 0; i < row.length; i++) {
        columns.get(i).add(row[i]);
      }
    }

    /** Binds each column as an array of its type from parameter {@code at}; answers the next parameter. */
    int bind(Connection connection, PreparedStatement statement, int at, String... types) throws SQLException {
      for (int i = 0; i < types.length; i++) {
        statement.setArray(at++, connection.createArrayOf(types[i], columns.get(i).toArray()));
      }
      return at;
    }
  }
}
