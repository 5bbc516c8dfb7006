package io.fleetconf.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/** Runs one SQL statement with its arguments bound, on the caller's connection and transaction. */
final class Statements {
  private Statements() {}

  @FunctionalInterface
  interface RowMapper<T> {
    T map(ResultSet rows) throws SQLException;
  }

  /** Every row {@code sql} selects, each made into a {@code T} by {@code mapper}, in the query's order. */
  static <T> List<T> query(Connection connection, String sql, List<Object> args, RowMapper<T> mapper)
      throws SQLException {
    try (PreparedStatement statement = connection.prepareStatement(sql)) {
      for (int i = 0; i < args.size(); i++) {
        statement.setObject(i + 1, args.get(i));
      }
      try (ResultSet rows = statement.executeQuery()) {
        List<T> out = new ArrayList<>();
        while (rows.next()) {
          out.add(mapper.map(rows));
        }
        return out;
      }
    }
  }

  /** Runs an INSERT, UPDATE or DELETE and answers how many rows it changed. */
  static int update(Connection connection, String sql, Object... args) throws SQLException {
    try (PreparedStatement statement = connection.prepareStatement(sql)) {
      for (int i = 0; i < args.length; i++) {
        statement.setObject(i + 1, args[i]);
      }
      return statement.executeUpdate();
    }
  }
}
