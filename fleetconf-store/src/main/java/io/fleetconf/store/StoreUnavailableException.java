package io.fleetconf.store;

import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;

/** The database cannot be reached right now (down, restarting, the connection lost): try again later. */
public final class StoreUnavailableException extends StoreException {
  public StoreUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }

  /** True for the failures that say "no database" rather than "bad statement". */
  static boolean isUnavailable(SQLException e) {
    String state = e.getSQLState();
    return e instanceof SQLTransientConnectionException
        || state != null && (state.startsWith("08") // connection exceptions
            || state.startsWith("57P")); // the server is shutting down, or cannot connect now
  }
}
