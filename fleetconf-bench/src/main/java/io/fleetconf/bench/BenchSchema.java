package io.fleetconf.bench;

import io.fleetconf.store.StoreUrl;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HexFormat;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A fresh PostgreSQL schema for one bench server, dropped when closed, and on Ctrl-C too (after
 * stopping the server that uses it, so that its transactions end first).
 */
final class BenchSchema implements AutoCloseable {
  private static final SecureRandom RANDOM = new SecureRandom();
  private final String baseUrl;
  private final String name;
  private final Thread dropper;
  /** The server on the schema, once started: stopped before the drop when the JVM is interrupted. */
  final AtomicReference<AutoCloseable> server = new AtomicReference<>();

  private BenchSchema(String baseUrl, String name) {
    this.baseUrl = baseUrl;
    this.name = name;
    this.dropper = new Thread(() -> {
      AutoCloseable running = server.get();
      if (running != null) {
        try {
          running.close();
        } catch (Exception e) {
          // the drop ends the sessions that still hold locks in the schema
        }
      }
      drop();
    });
  }

  /** Makes {@code fc_bench_<random>} in the database {@code baseUrl} names. */
  static BenchSchema create(String baseUrl) {
    byte[] id = new byte[6];
    RANDOM.nextBytes(id);
    BenchSchema schema = new BenchSchema(baseUrl, "fc_bench_" + HexFormat.of().formatHex(id));
    execute(baseUrl, "CREATE SCHEMA " + schema.name);
    Runtime.getRuntime().addShutdownHook(schema.dropper);
    return schema;
  }

  String name() {
    return name;
  }

  /** The store URL of the schema: the base URL with {@code currentSchema}. */
  String url() {
    return baseUrl + (baseUrl.contains("?") ? "&" : "?") + "currentSchema=" + name;
  }

  @Override
  public void close() {
    try {
      Runtime.getRuntime().removeShutdownHook(dropper);
    } catch (IllegalStateException shuttingDown) {
      return; // the hook drops it
    }
    drop();
  }

  /**
   * Has PostgreSQL gather statistics on the schema's tables, as autovacuum does within its first
   * minute (autovacuum_naptime) of a table's growth: until then the planner knows nothing of a
   * table that was empty when the server's connections prepared their statements, and the plans
   * they cached (sequential scans) stay until statistics arrive. A bench case lasts less than that
   * minute, so without this it measures a store's first minute, not its steady state.
   */
  void analyze() {
    execute(url(), "ANALYZE");
  }

  static Connection connect(String url) throws SQLException {
    StoreUrl.Postgres postgres = (StoreUrl.Postgres) StoreUrl.parse(url, Optional.empty());
    Properties properties = new Properties();
    postgres.parameters().forEach(properties::setProperty);
    postgres.user().ifPresent(user -> properties.setProperty("user", user));
    postgres.password().ifPresent(password -> properties.setProperty("password", password));
    properties.setProperty("ApplicationName", "fleetconf-bench");
    String host = postgres.host().contains(":") ? "[" + postgres.host() + "]" : postgres.host();
    return DriverManager.getConnection("jdbc:postgresql://" + host + ":" + postgres.port() + "/" + postgres.database(),
        properties);
  }

  private static void execute(String url, String sql) {
    try (Connection connection = connect(url); Statement statement = connection.createStatement()) {
      statement.execute(sql);
    } catch (SQLException e) {
      throw new BenchException("cannot run '" + sql + "': " + e.getMessage(), e);
    }
  }

  /**
   * Drops the schema. If a session still holds locks in it (a transaction cut short by Ctrl-C),
   * the drop gives up after a few seconds, ends the sessions holding locks on the schema's own
   * tables (only the bench's server uses them), and tries once more.
   */
  private void drop() {
    try (Connection connection = connect(baseUrl); Statement statement = connection.createStatement()) {
      statement.execute("SET lock_timeout = '5s'");
      try {
        statement.execute("DROP SCHEMA IF EXISTS " + name + " CASCADE");
      } catch (SQLException e) {
        try (var end = connection.prepareStatement("SELECT pg_terminate_backend(pid) FROM (SELECT DISTINCT l.pid"
            + " FROM pg_locks l JOIN pg_class c ON c.oid = l.relation JOIN pg_namespace n ON n.oid = c.relnamespace"
            + " WHERE n.nspname = ? AND l.pid <> pg_backend_pid()) holders")) {
          end.setString(1, name);
          end.execute();
        }
        statement.execute("DROP SCHEMA IF EXISTS " + name + " CASCADE");
      }
      System.err.println("[postgresql] dropped schema " + name);
    } catch (SQLException e) {
      System.err.println("[postgresql] could not drop schema " + name + " (drop it by hand): " + e.getMessage());
    }
  }
}
