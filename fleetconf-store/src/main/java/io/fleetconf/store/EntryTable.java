package io.fleetconf.store;

import io.fleetconf.core.Entry;
import io.fleetconf.core.Key;
import io.fleetconf.core.Revision;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;

/** The {@code entries} table: the current entries, values sealed by the {@link Codec} if secret. */
final class EntryTable {
  /** The columns {@link #entry} reads, in its order. */
  static final String COLUMNS = "key, value, create_revision, mod_revision, version, secret, flags, replaces";

  private EntryTable() {}

  /** Every current entry, in key order. */
  static List<Entry> all(Connection connection, Codec codec) throws SQLException {
    return Statements.query(connection, "SELECT " + COLUMNS + " FROM entries ORDER BY key", List.of(),
        rows -> entry(rows, codec));
  }

  /** The entry in the current row of a query that selected {@link #COLUMNS}. */
  static Entry entry(ResultSet rows, Codec codec) throws SQLException {
    Key key = Key.parse(rows.getString(1));
    boolean secret = rows.getInt(6) != 0;
    return new Entry(key, codec.value(key, rows.getString(2), secret), Revision.of(rows.getLong(3)),
        Revision.of(rows.getLong(4)), rows.getLong(5), secret, rows.getLong(7), rows.getInt(8) != 0);
  }
}
