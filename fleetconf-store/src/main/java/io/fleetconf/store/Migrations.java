package io.fleetconf.store;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/** Brings a database's schema to the current version, one numbered script at a time. */
final class Migrations {
  private Migrations() {}

  static void apply(Connection connection, Dialect dialect) throws SQLException {
    dialect.lockMigrations(connection, true);
    try {
      migrate(connection, dialect);
    } finally {
      dialect.lockMigrations(connection, false);
    }
  }

  private static void migrate(Connection connection, Dialect dialect) throws SQLException {
    List<String> scripts = dialect.migrationResources();
    try (Statement statement = connection.createStatement()) {
      statement.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)");
    }
    int current = currentVersion(connection);
    if (current > scripts.size()) {
      throw new StoreException("the database schema is version " + current
          + ", newer than this fleetconf understands (" + scripts.size() + "); upgrade fleetconf");
    }
    for (int version = current + 1; version <= scripts.size(); version++) {
      connection.setAutoCommit(false);
      try (Statement statement = connection.createStatement()) {
        for (String sql : statements(scripts.get(version - 1))) {
          statement.execute(sql);
        }
        statement.execute("DELETE FROM schema_version");
        statement.execute("INSERT INTO schema_version (version) VALUES (" + version + ")");
        connection.commit();
      } catch (SQLException e) {
        connection.rollback();
        throw e;
      } finally {
        connection.setAutoCommit(true);
      }
    }
  }

  private static int currentVersion(Connection connection) throws SQLException {
    try (Statement statement = connection.createStatement();
        ResultSet rows = statement.executeQuery("SELECT MAX(version) FROM schema_version")) {
      return rows.next() ? rows.getInt(1) : 0;
    }
  }

  private static List<String> statements(String resource) {
    try (InputStream in = Migrations.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new StoreException("missing migration " + resource);
      }
      String script = new String(in.readAllBytes(), StandardCharsets.UTF_8).replaceAll("(?m)^--.*$", "");
      return List.of(script.split(";\\s*\\n")).stream().map(String::strip).filter(s -> !s.isEmpty()).toList();
    } catch (IOException e) {
      throw new StoreException("cannot read migration " + resource, e);
    }
  }
}
