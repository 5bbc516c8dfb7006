package io.fleetconf.store;

import io.fleetconf.core.DeviceId;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The {@code device_seen} table: when each device last called in, to the millisecond. */
final class SeenTable {
  private SeenTable() {}

  /** Keeps the later of the stored and the given time of each device. */
  static void save(Connection connection, Map<DeviceId, Instant> seen) throws SQLException {
    try (PreparedStatement upsert = connection.prepareStatement(
        "INSERT INTO device_seen (device, seen_ms) VALUES (?, ?) ON CONFLICT (device) DO UPDATE SET seen_ms ="
            + " CASE WHEN excluded.seen_ms > device_seen.seen_ms THEN excluded.seen_ms ELSE device_seen.seen_ms END")) {
      for (var device : seen.entrySet()) {
        upsert.setString(1, device.getKey().value());
        upsert.setLong(2, device.getValue().toEpochMilli());
        upsert.addBatch();
      }
      upsert.executeBatch();
    }
  }

  static Map<DeviceId, Instant> all(Connection connection) throws SQLException {
    Map<DeviceId, Instant> out = new HashMap<>();
    Statements.query(connection, "SELECT device, seen_ms FROM device_seen", List.of(),
        rows -> Map.entry(DeviceId.of(rows.getString(1)), Instant.ofEpochMilli(rows.getLong(2))))
        .forEach(seen -> out.put(seen.getKey(), seen.getValue()));
    return out;
  }
}
