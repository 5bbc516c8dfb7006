package io.fleetconf.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.locks.ReentrantLock;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

/** Where the JDBC store's connections come from. */
sealed interface Connections extends AutoCloseable {

  @FunctionalInterface
  interface Work<T> {
    T run(Connection connection) throws SQLException;
  }

  /** Runs {@code work} with a connection that no one else uses meanwhile. */
  <T> T with(Work<T> work) throws SQLException;

  /** Word of commits made by other servers on the same database. */
  CommitSignal commitSignal(Dialect dialect);

  /** Which of the servers on the same database does what. */
  Leadership leadership();

  @Override
  void close();

  /** One connection under a lock: SQLite, where one process writes. */
  final class Single implements Connections {
    private final Connection connection;
    private final ReentrantLock lock = new ReentrantLock();

    Single(Connection connection) {
      this.connection = connection;
    }

    @Override
    public <T> T with(Work<T> work) throws SQLException {
      lock.lock();
      try {
        return work.run(connection);
      } finally {
        lock.unlock();
      }
    }

    /** No other server writes an embedded store: the signal only waits. */
    @Override
    public CommitSignal commitSignal(Dialect dialect) {
      return new CommitSignal() {
        @Override
        public java.util.List<String> await(Duration timeout) throws InterruptedException {
          Thread.sleep(timeout.toMillis());
          return java.util.List.of();
        }

        @Override
        public void close() {}
      };
    }

    @Override
    public Leadership leadership() {
      return Leadership.ALONE;
    }

    @Override
    public void close() {
      lock.lock();
      try {
        connection.close();
      } catch (SQLException e) {
        throw new StoreException("cannot close the store: " + e.getMessage(), e);
      } finally {
        lock.unlock();
      }
    }
  }

  /** A HikariCP pool: PostgreSQL, shared by several servers. */
  final class Pool implements Connections {
    private final HikariDataSource pool;
    private final String jdbcUrl;
    private final Properties properties;
    private final String display;

    private Pool(HikariDataSource pool, String jdbcUrl, Properties properties, String display) {
      this.pool = pool;
      this.jdbcUrl = jdbcUrl;
      this.properties = properties;
      this.display = display;
    }

    /** A pool of {@code size} connections to {@code jdbcUrl}; {@code display} names it, without password, in errors. */
    static Pool of(String jdbcUrl, Properties properties, int size, String display) {
      HikariConfig config = new HikariConfig();
      config.setJdbcUrl(jdbcUrl);
      config.setDataSourceProperties(properties);
      config.setMaximumPoolSize(size);
      config.setPoolName("fleetconf-store");
      // A database that is down must not hang requests: fail fast and let readiness say so.
      config.setConnectionTimeout(Duration.ofSeconds(5).toMillis());
      config.setInitializationFailTimeout(Duration.ofSeconds(10).toMillis());
      try {
        return new Pool(new HikariDataSource(config), jdbcUrl, properties, display);
      } catch (RuntimeException e) {
        throw new StoreException("cannot connect to " + display + ": " + rootMessage(e), e);
      }
    }

    @Override
    public <T> T with(Work<T> work) throws SQLException {
      try (Connection connection = pool.getConnection()) {
        return work.run(connection);
      }
    }

    /** A connection of its own, outside the pool, that LISTENs for other servers' commits. */
    @Override
    public CommitSignal commitSignal(Dialect dialect) {
      try {
        Connection connection = DriverManager.getConnection(jdbcUrl, properties);
        try (Statement statement = connection.createStatement()) {
          statement.execute("LISTEN " + Dialect.CHANNEL);
        }
        PGConnection listener = connection.unwrap(PGConnection.class);
        return new CommitSignal() {
          @Override
          public java.util.List<String> await(Duration timeout) {
            try {
              PGNotification[] notes = listener.getNotifications((int) Math.max(1, timeout.toMillis()));
              if (notes == null && !connection.isValid(2)) {
                throw new StoreException("lost the connection to " + display);
              }
              return notes == null ? java.util.List.of()
                  : java.util.Arrays.stream(notes).map(PGNotification::getParameter).toList();
            } catch (SQLException e) {
              throw new StoreException("lost the connection to " + display + ": " + e.getMessage(), e);
            }
          }

          @Override
          public void close() {
            try {
              connection.close();
            } catch (SQLException ignored) {
              // closing a broken connection: nothing left to release
            }
          }
        };
      } catch (SQLException e) {
        throw new StoreException("cannot listen on " + display + ": " + e.getMessage(), e);
      }
    }

    /** Locks held on a connection of their own, outside the pool, so that they live as long as it does. */
    @Override
    public Leadership leadership() {
      return new AdvisoryLeadership(unused -> DriverManager.getConnection(jdbcUrl, properties), display);
    }

    @Override
    public void close() {
      pool.close();
    }

    private static String rootMessage(Throwable e) {
      Throwable root = e;
      while (root.getCause() != null) {
        root = root.getCause();
      }
      return root.getMessage();
    }
  }
}
