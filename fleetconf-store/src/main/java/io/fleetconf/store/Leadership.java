package io.fleetconf.store;

/**
 * Which server, of those sharing a store, does a named task (e.g. follows one Git source): at most
 * one holds a name at a time. Over PostgreSQL a held name is a session advisory lock on a
 * connection of its own, which the database releases when that session ends: when the holder
 * closes it, exits or is killed at once; when its host vanishes, once TCP keepalives give up on it
 * (see {@link #KEEPALIVE_SETTINGS}). An embedded store has one server, which holds every name.
 */
public interface Leadership extends AutoCloseable {

  /**
   * The class id (first key) of the PostgreSQL advisory locks that hold names; the second key is
   * {@code hashtext('<schema>:<name>')}. What to look for in {@code pg_locks}.
   */
  int POSTGRES_LOCK_CLASS = 0x666c6c64; // "flld"

  /**
   * How the lock's session tells PostgreSQL to notice a vanished peer: probed after 5 s idle, every
   * 2 s, dropped after 3 unanswered probes or 10 s of unacknowledged data; about 11 s in all.
   */
  String KEEPALIVE_SETTINGS = "SET tcp_keepalives_idle = 5; SET tcp_keepalives_interval = 2;"
      + " SET tcp_keepalives_count = 3; SET tcp_user_timeout = 10000";

  /**
   * True if this server holds {@code name} now, taking it if no one holds it. False if another
   * server holds it, or if the database cannot be reached (a holder that loses its connection to
   * the database loses every name it held).
   */
  boolean claim(String name);

  /** Lets go of every name held. */
  @Override
  void close();

  /** The leadership of a store no other server shares: every name is this server's. */
  Leadership ALONE = new Leadership() {
    @Override
    public boolean claim(String name) {
      return true;
    }

    @Override
    public void close() {}
  };
}
