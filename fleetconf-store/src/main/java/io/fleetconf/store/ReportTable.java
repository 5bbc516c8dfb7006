package io.fleetconf.store;

import io.fleetconf.core.DeviceId;
import io.fleetconf.core.Report;
import io.fleetconf.core.Revision;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** The {@code reports} table: agents' reports, the last few per device and namespace. */
final class ReportTable {
  private static final String COLUMNS =
      "device, namespace, revision, content_hash, status, error, agent_version, time_ms, running_revision";

  private ReportTable() {}

  static void add(Connection connection, Report report) throws SQLException {
    try (PreparedStatement insert = connection.prepareStatement(
        "INSERT INTO reports (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
      insert.setString(1, report.device().value());
      insert.setString(2, report.namespace());
      insert.setLong(3, report.revision().value());
      insert.setString(4, report.contentHash());
      insert.setString(5, report.status().wire());
      insert.setString(6, report.error().orElse(null));
      insert.setString(7, report.agentVersion());
      insert.setLong(8, report.time().toEpochMilli());
      if (report.runningRevision().isPresent()) {
        insert.setLong(9, report.runningRevision().get().value());
      } else {
        insert.setNull(9, java.sql.Types.BIGINT);
      }
      insert.executeUpdate();
    }
    try (PreparedStatement trim = connection.prepareStatement(
        "DELETE FROM reports WHERE device = ? AND namespace = ? AND id NOT IN (SELECT id FROM reports"
            + " WHERE device = ? AND namespace = ? ORDER BY id DESC LIMIT " + Store.REPORT_HISTORY + ")")) {
      trim.setString(1, report.device().value());
      trim.setString(2, report.namespace());
      trim.setString(3, report.device().value());
      trim.setString(4, report.namespace());
      trim.executeUpdate();
    }
  }

  static List<Report> latest(Connection connection) throws SQLException {
    return Statements.query(connection, "SELECT " + COLUMNS + " FROM reports WHERE id IN"
        + " (SELECT MAX(id) FROM reports GROUP BY device, namespace) ORDER BY device, namespace",
        List.of(), ReportTable::report);
  }

  static List<Report> of(Connection connection, DeviceId device, int limit) throws SQLException {
    return Statements.query(connection, "SELECT " + COLUMNS + " FROM reports WHERE device = ? ORDER BY id DESC LIMIT ?",
        List.of(device.value(), limit), ReportTable::report);
  }

  private static Report report(ResultSet rows) throws SQLException {
    return new Report(DeviceId.of(rows.getString(1)), rows.getString(2), Revision.of(rows.getLong(3)),
        rows.getString(4), Report.Status.parse(rows.getString(5)), Optional.ofNullable(rows.getString(6)),
        rows.getString(7), Instant.ofEpochMilli(rows.getLong(8)), runningRevision(rows));
  }

  private static Optional<Revision> runningRevision(ResultSet rows) throws SQLException {
    long running = rows.getLong(9);
    return rows.wasNull() ? Optional.empty() : Optional.of(Revision.of(running));
  }
}
