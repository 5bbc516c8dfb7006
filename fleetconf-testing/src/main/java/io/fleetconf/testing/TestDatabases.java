package io.fleetconf.testing;

import io.fleetconf.store.StoreUrl;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The PostgreSQL that tests run against, from {@value #ENV} (which {@code .ci/run} and
 * {@code run-tests} set, e.g. {@code postgresql://postgres@127.0.0.1:5432/test}). Each test gets
 * a schema of its own, dropped when the JVM exits. Without the variable, PostgreSQL tests are
 * skipped (see {@code @EnabledIfEnvironmentVariable} on them).
 */
public final class TestDatabases {
  public static final String ENV = "FLEETCONF_TEST_POSTGRES_URL";
  public static final String SKIPPED = ENV + " is not set: no PostgreSQL to test against (run-tests sets it when one"
      + " answers on 127.0.0.1:5432)";
  private static final List<String> CREATED = new CopyOnWriteArrayList<>();
  private static final SecureRandom RANDOM = new SecureRandom();

  static {
    Runtime.getRuntime().addShutdownHook(new Thread(TestDatabases::dropAll));
  }

  private TestDatabases() {}

  public static Optional<String> url() {
    return Optional.ofNullable(System.getenv(ENV)).filter(url -> !url.isBlank());
  }

  /** The store URL of a new, empty schema. */
  public static String freshSchema() {
    String base = url().orElseThrow(() -> new IllegalStateException(SKIPPED));
    byte[] id = new byte[6];
    RANDOM.nextBytes(id);
    String schema = "fc_test_" + HexFormat.of().formatHex(id);
    execute(base, "CREATE SCHEMA " + schema);
    CREATED.add(schema);
    return base + (base.contains("?") ? "&" : "?") + "currentSchema=" + schema;
  }

  /** Runs one statement as the test database's user, e.g. to end other sessions. */
  public static void execute(String url, String sql) {
    StoreUrl.Postgres postgres = (StoreUrl.Postgres) StoreUrl.parse(url, Optional.empty());
    try (Connection connection = connect(postgres); Statement statement = connection.createStatement()) {
      statement.execute(sql);
    } catch (SQLException e) {
      throw new IllegalStateException("cannot run '" + sql + "' on " + postgres.display() + ": " + e.getMessage(), e);
    }
  }

  /**
   * Ends the database session that holds a {@link io.fleetconf.store.Leadership} name in the store
   * at {@code url}, as the death of its server's process would; PostgreSQL frees its locks a moment
   * later.
   */
  public static void endSessionHolding(String url, String name) {
    String schema = ((StoreUrl.Postgres) StoreUrl.parse(url, Optional.empty())).parameters().get("currentSchema");
    execute(url, "SELECT pg_terminate_backend(pid) FROM pg_locks WHERE locktype = 'advisory' AND granted"
        + " AND objsubid = 2 AND classid = " + io.fleetconf.store.Leadership.POSTGRES_LOCK_CLASS
        + " AND objid = (hashtext('" + schema + ":" + name + "')::bigint & 4294967295)::oid");
  }

  /** A plain JDBC connection to {@code postgres}, as the test database's user (not through a store). */
  private static Connection connect(StoreUrl.Postgres postgres) throws SQLException {
    Properties properties = new Properties();
    postgres.parameters().forEach(properties::setProperty);
    postgres.user().ifPresent(user -> properties.setProperty("user", user));
    postgres.password().ifPresent(password -> properties.setProperty("password", password));
    String host = postgres.host().contains(":") ? "[" + postgres.host() + "]" : postgres.host();
    return DriverManager.getConnection(
        "jdbc:postgresql://" + host + ":" + postgres.port() + "/" + postgres.database(), properties);
  }

  private static void dropAll() {
    url().ifPresent(base -> CREATED.forEach(schema -> {
      try {
        execute(base, "DROP SCHEMA IF EXISTS " + schema + " CASCADE");
      } catch (IllegalStateException e) {
        // the database went away first; the schema is left for a later clean-up
      }
    }));
  }
}
