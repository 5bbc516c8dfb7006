package io.fleetconf.store;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Copies a whole store into an empty one, SQLite or PostgreSQL either way: every table the
 * migrations create, row for row, so that revisions, times, authors, sealed values (and the
 * wrapped data key that opens them), token hashes, certificates and reports arrive as they were.
 *
 * <p>The copy is generic rather than record by record: both dialects' migrations create the same
 * tables with the same column names, so a table is one {@code SELECT} on the source and one batched
 * {@code INSERT} on the target. It reads one consistent snapshot of the source, writes the target in
 * one transaction, and checks before committing that every table's row count and the last revision
 * match; on any failure nothing is written.
 *
 * <p>The master key is not in a store: the target's server needs the source's master key to read
 * the secrets.
 */
public final class StoreCopy {
  private static final int BATCH = 1000;
  private static final Pattern CREATE = Pattern.compile("(?i)\\bCREATE\\s+TABLE\\s+(?:IF\\s+NOT\\s+EXISTS\\s+)?(\\w+)");
  private static final Pattern DROP = Pattern.compile("(?i)\\bDROP\\s+TABLE\\s+(?:IF\\s+EXISTS\\s+)?(\\w+)");
  /** The schema's tables, in the order the migrations create them: referenced tables come first. */
  private static final List<String> TABLES = tables();

  private StoreCopy() {}

  /** What a store holds: rows per table (in schema order), its revisions and who wraps its secrets. */
  public record Contents(Map<String, Long> rows, long firstRevision, long lastRevision,
      Optional<String> masterKeyFingerprint) {
    private static final Map<String, String[]> NAMES = Map.of(
        "change_sets", new String[] {"change set", "change sets"},
        "changes", new String[] {"change", "changes"},
        "entries", new String[] {"entry", "entries"},
        "devices", new String[] {"device", "devices"},
        "tokens", new String[] {"token", "tokens"},
        "reports", new String[] {"report", "reports"},
        "certificates", new String[] {"certificate", "certificates"},
        "settings", new String[] {"setting", "settings"},
        "device_seen", new String[] {"last-seen time", "last-seen times"});

    public Contents {
      rows = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(rows));
    }

    public long rows(String table) {
      return rows.getOrDefault(table, 0L);
    }

    long total() {
      return rows.values().stream().mapToLong(Long::longValue).sum();
    }

    /** E.g. {@code 12 change sets (revisions 1..12), 20 changes, 7 entries, 2 devices, 1 token, ...}. */
    public String describe() {
      List<String> parts = new ArrayList<>();
      rows.forEach((table, count) -> {
        String[] name = NAMES.get(table);
        String part = name == null ? table + ": " + count : count + " " + name[count == 1 ? 0 : 1];
        if (table.equals("change_sets") && count > 0) {
          part += firstRevision == lastRevision ? " (revision " + lastRevision + ")"
              : " (revisions " + firstRevision + ".." + lastRevision + ")";
        }
        parts.add(part);
      });
      return String.join(", ", parts);
    }
  }

  /**
   * Copies everything in {@code from} to {@code to}, which must hold no data (a new SQLite file or
   * an empty PostgreSQL schema; its schema is made as needed). Both are opened, and migrated to this
   * version's schema, for the copy and closed after it.
   *
   * @return what the target holds now, the same as the source
   * @throws StoreException if the target holds data, a store cannot be opened, or the copy fails
   */
  public static Contents copy(StoreUrl from, StoreUrl to) {
    if (from instanceof StoreUrl.Sqlite sqlite && !Files.isRegularFile(sqlite.file())) {
      // Opening it would make an empty store, and the copy would succeed at copying nothing.
      throw new StoreException("there is no store at " + from.display() + " to copy from");
    }
    if (sameStore(from, to)) {
      throw new StoreException("the source and the target are the same store: " + to.display());
    }
    // A StoreUrl opens a JdbcStore: the copy moves rows, below the Store interface.
    try (Store source = from.open(Clock.systemUTC()); Store target = to.open(Clock.systemUTC())) {
      return copy((JdbcStore) source, (JdbcStore) target, to.display());
    }
  }

  /** Copies {@code source} into the empty {@code target}; {@code targetName} is how errors call it. */
  static Contents copy(JdbcStore source, JdbcStore target, String targetName) {
    return source.inTransaction(in -> {
      source.dialect().snapshotReads(in);
      Contents original = contents(in, TABLES);
      return target.inTransaction(out -> {
        // No server on the target commits while we fill it (PostgreSQL; SQLite has one writer anyway).
        target.dialect().lockCommits(out);
        Contents existing = contents(out, TABLES);
        if (existing.total() > 0) {
          throw new StoreException("the target store " + targetName + " already holds data (" + existing.describe()
              + "); copy only into an empty store: a new SQLite file or an empty PostgreSQL schema");
        }
        for (String table : TABLES) {
          copyTable(in, out, table);
        }
        if (target.dialect() == Dialect.POSTGRESQL) {
          resetSequences(out);
        }
        Contents copied = contents(out, TABLES);
        if (!copied.equals(original)) {
          throw new StoreException("the copy in " + targetName + " does not match the source (source: "
              + original.describe() + "; copy: " + copied.describe() + "); nothing was written");
        }
        return copied;
      });
    });
  }

  /** Counts every table's rows and reads the revision range, in the caller's transaction. */
  static Contents contents(Connection connection, List<String> tables) throws SQLException {
    Map<String, Long> rows = new LinkedHashMap<>();
    for (String table : tables) {
      rows.put(table, Statements.query(connection, "SELECT COUNT(*) FROM " + table, List.of(), r -> r.getLong(1)).get(0));
    }
    long[] revisions = Statements.query(connection,
        "SELECT COALESCE(MIN(revision), 0), COALESCE(MAX(revision), 0) FROM change_sets", List.of(),
        r -> new long[] {r.getLong(1), r.getLong(2)}).get(0);
    // Schemas before the settings table (V3) kept no secrets.
    Optional<String> wrappedBy = !tables.contains("settings") ? Optional.empty()
        : Statements.query(connection, "SELECT value FROM settings WHERE name = ?", List.of(Keyring.SETTING),
            r -> r.getString(1)).stream().findFirst()
            .map(wrapped -> wrapped.split(":")).filter(parts -> parts.length == 3).map(parts -> parts[1]);
    return new Contents(rows, revisions[0], revisions[1], wrappedBy);
  }

  /** The tables of the schema, in creation order; both dialects must agree on them. */
  static List<String> schemaTables() {
    return TABLES;
  }

  private static List<String> tables() {
    List<String> sqlite = tables(Dialect.SQLITE);
    List<String> postgresql = tables(Dialect.POSTGRESQL);
    if (!sqlite.equals(postgresql)) {
      throw new IllegalStateException("the SQLite and PostgreSQL migrations make different tables: " + sqlite
          + " and " + postgresql + "; a store could not be copied from one to the other");
    }
    return sqlite;
  }

  private static List<String> tables(Dialect dialect) {
    List<String> tables = new ArrayList<>();
    for (String resource : dialect.migrationResources()) {
      String script = read(resource).replaceAll("(?m)--.*$", "");
      Matcher created = CREATE.matcher(script);
      while (created.find()) {
        tables.add(created.group(1).toLowerCase(java.util.Locale.ROOT));
      }
      Matcher dropped = DROP.matcher(script);
      while (dropped.find()) {
        tables.remove(dropped.group(1).toLowerCase(java.util.Locale.ROOT));
      }
    }
    return List.copyOf(tables);
  }

  private static String read(String resource) {
    try (InputStream in = StoreCopy.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("missing migration " + resource);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalStateException("cannot read migration " + resource, e);
    }
  }

  private static void copyTable(Connection in, Connection out, String table) throws SQLException {
    List<String> columns = new ArrayList<>(columnTypes(in, table).keySet());
    Map<String, Integer> targetTypes = columnTypes(out, table);
    if (!targetTypes.keySet().equals(new java.util.HashSet<>(columns))) {
      throw new StoreException("table " + table + " has columns " + columns + " in the source but "
          + targetTypes.keySet() + " in the target; are both at the same schema version?");
    }
    String names = String.join(", ", columns);
    String marks = String.join(", ", java.util.Collections.nCopies(columns.size(), "?"));
    // In the order of the first column, the key or its first part in every table: a repeatable copy.
    try (PreparedStatement select = in.prepareStatement("SELECT " + names + " FROM " + table + " ORDER BY 1");
        PreparedStatement insert = out.prepareStatement("INSERT INTO " + table + " (" + names + ") VALUES (" + marks + ")")) {
      select.setFetchSize(BATCH); // PostgreSQL streams in a transaction instead of loading the table
      try (ResultSet rows = select.executeQuery()) {
        int pending = 0;
        while (rows.next()) {
          for (int i = 0; i < columns.size(); i++) {
            transfer(rows, insert, i + 1, targetTypes.get(columns.get(i)), table + "." + columns.get(i));
          }
          insert.addBatch();
          if (++pending == BATCH) {
            insert.executeBatch();
            pending = 0;
          }
        }
        if (pending > 0) {
          insert.executeBatch();
        }
      }
    }
  }

  /**
   * Moves one value, typed by the target column. The schema keeps times as epoch milliseconds and
   * flags as integers, so integers, text and bytes (BLOB, BYTEA) are all there is; a column of any
   * other type (a BOOLEAN or TIMESTAMP, which the two databases spell differently) stops the copy
   * rather than being guessed at.
   */
  private static void transfer(ResultSet rows, PreparedStatement insert, int column, int type, String name)
      throws SQLException {
    switch (type) {
      case Types.BIGINT, Types.INTEGER, Types.SMALLINT, Types.TINYINT -> {
        long value = rows.getLong(column);
        if (rows.wasNull()) {
          insert.setNull(column, type);
        } else {
          insert.setLong(column, value);
        }
      }
      case Types.VARCHAR, Types.LONGVARCHAR, Types.CHAR, Types.NVARCHAR, Types.LONGNVARCHAR, Types.CLOB -> {
        String value = rows.getString(column);
        if (value == null) {
          insert.setNull(column, type);
        } else {
          insert.setString(column, value);
        }
      }
      case Types.BINARY, Types.VARBINARY, Types.LONGVARBINARY, Types.BLOB -> {
        byte[] value = rows.getBytes(column);
        if (value == null) {
          insert.setNull(column, type);
        } else {
          insert.setBytes(column, value);
        }
      }
      default -> throw new StoreException("cannot copy column " + name + " of JDBC type " + type
          + ": the store copy knows integers, text and bytes only; teach StoreCopy.transfer this type");
    }
  }

  /** The table's columns and their JDBC types, in the table's order, from an empty query. */
  private static Map<String, Integer> columnTypes(Connection connection, String table) throws SQLException {
    try (Statement statement = connection.createStatement();
        ResultSet rows = statement.executeQuery("SELECT * FROM " + table + " WHERE 1 = 0")) {
      ResultSetMetaData meta = rows.getMetaData();
      Map<String, Integer> types = new LinkedHashMap<>();
      for (int i = 1; i <= meta.getColumnCount(); i++) {
        types.put(meta.getColumnName(i).toLowerCase(java.util.Locale.ROOT), meta.getColumnType(i));
      }
      return types;
    }
  }

  /**
   * Rows copied with their ids leave PostgreSQL's serial sequences behind (at 1): move each past
   * the largest id, or the next insert would take an id that exists. SQLite's AUTOINCREMENT follows
   * explicit ids by itself.
   */
  private static void resetSequences(Connection out) throws SQLException {
    for (String table : TABLES) {
      for (String column : columnTypes(out, table).keySet()) {
        Optional<String> sequence = Statements.query(out, "SELECT pg_get_serial_sequence(?, ?)", List.of(table, column),
            r -> r.getString(1)).stream().filter(java.util.Objects::nonNull).findFirst();
        if (sequence.isPresent()) {
          Statements.query(out, "SELECT setval(CAST(? AS regclass), (SELECT COALESCE(MAX(" + column + "), 0) + 1 FROM "
              + table + "), false)", List.of(sequence.get()), r -> r.getLong(1));
        }
      }
    }
  }

  private static boolean sameStore(StoreUrl from, StoreUrl to) {
    if (from instanceof StoreUrl.Sqlite a && to instanceof StoreUrl.Sqlite b) {
      return absolute(a.file()).equals(absolute(b.file()));
    }
    return from.display().equals(to.display());
  }

  private static Path absolute(Path file) {
    try {
      return file.toRealPath();
    } catch (IOException e) {
      return file.toAbsolutePath().normalize();
    }
  }
}
