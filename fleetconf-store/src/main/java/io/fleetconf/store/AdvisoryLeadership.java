package io.fleetconf.store;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * {@link Leadership} over PostgreSQL: one session advisory lock per name (key: a fixed class id and
 * the {@code hashtext} of {@code <schema>:<name>}), all held on one connection outside the pool,
 * opened again after it is lost.
 */
final class AdvisoryLeadership implements Leadership {
  private static final System.Logger LOG = System.getLogger(AdvisoryLeadership.class.getName());
  private static final Duration VALID_WITHIN = Duration.ofSeconds(2);
  private final Connections.Work<Connection> connect;
  private final String display;
  private final Set<String> held = new HashSet<>();
  private Optional<Connection> connection = Optional.empty();

  AdvisoryLeadership(Connections.Work<Connection> connect, String display) {
    this.connect = connect;
    this.display = display;
  }

  @Override
  public synchronized boolean claim(String name) {
    try {
      Connection session = session();
      if (held.contains(name)) {
        return true; // the session is alive, so its lock is too
      }
      // Locks are per database: the schema in the key keeps deployments in other schemas apart.
      boolean taken = Statements.query(session, "SELECT pg_try_advisory_lock(?, hashtext(current_schema() || ':' || ?))",
          List.of(POSTGRES_LOCK_CLASS, name), rows -> rows.getBoolean(1)).get(0);
      if (taken) {
        held.add(name);
      }
      return taken;
    } catch (SQLException e) {
      drop("lost the leadership connection to " + display + ": " + e.getMessage());
      return false;
    }
  }

  /** The lock session, checked alive; a new one (holding nothing) if the last was lost. */
  private Connection session() throws SQLException {
    if (connection.isPresent() && !connection.get().isValid((int) VALID_WITHIN.toSeconds())) {
      drop("lost the leadership connection to " + display);
    }
    if (connection.isEmpty()) {
      Connection opened = connect.run(null);
      try (Statement statement = opened.createStatement()) {
        statement.execute(KEEPALIVE_SETTINGS);
      } catch (SQLException e) {
        opened.close();
        throw e;
      }
      connection = Optional.of(opened);
    }
    return connection.get();
  }

  private void drop(String why) {
    if (!held.isEmpty()) {
      LOG.log(System.Logger.Level.WARNING, why + "; no longer leading " + held);
    }
    held.clear();
    connection.ifPresent(AdvisoryLeadership::closeQuietly);
    connection = Optional.empty();
  }

  private static void closeQuietly(Connection connection) {
    try {
      connection.close();
    } catch (SQLException ignored) {
      // a broken connection: the database ends its session, and its locks with it
    }
  }

  @Override
  public synchronized void close() {
    held.clear();
    connection.ifPresent(AdvisoryLeadership::closeQuietly);
    connection = Optional.empty();
  }
}
