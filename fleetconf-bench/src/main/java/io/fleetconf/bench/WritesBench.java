package io.fleetconf.bench;

import io.fleetconf.server.FleetServer;
import io.fleetconf.server.ServerSettings;
import io.fleetconf.store.StoreUrl;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * The durable-writes benchmark: for each store, a fresh real server in this JVM, and for each
 * writer count, W concurrent writers over HTTP on loopback each sending change sets back to back
 * (see {@link Writers}). Reports acknowledged change sets per second and the latency of an
 * acknowledgement, with the store's durability settings. See {@code docs/performance.md}.
 */
final class WritesBench {
  /** The PostgreSQL settings that decide when a commit is acknowledged. */
  private static final List<String> POSTGRES_SETTINGS = List.of("synchronous_commit", "fsync", "wal_sync_method",
      "full_page_writes", "commit_delay", "commit_siblings", "synchronous_standby_names");

  /** One store's run: how it keeps an acknowledged commit, where its data lives, and each writer count's outcome. */
  record StoreRun(WritesSettings.Store store, List<String> durability, List<String> disks, List<Case> cases,
      Optional<String> failure) {}

  /**
   * One writer count's outcome. {@code revisions} is how far the server's revision moved during it,
   * which must equal every acknowledged change set, warm-up included; {@code load} is the 1-minute
   * load average at its end (the machine may be shared); {@code problems} are the first non-2xx answers or failed
   * requests.
   */
  record Case(ClosedLoop.LoadRun outcome, List<String> problems, long revisions, String load) {
    boolean consistent() {
      return revisions == outcome.completedInAll();
    }
  }

  private WritesBench() {}

  static void main(String[] args) throws IOException {
    WritesSettings settings = Options.orExit("fleetconf-bench writes", WritesSettings.USAGE,
        () -> WritesSettings.parse(args));
    Writes writes = measure(settings);
    WritesReport report = new WritesReport(writes.runs(), settings, writes.machine());
    System.out.print(report.text());
    if (settings.report().isPresent()) {
      report.append(settings.report().get(), "Durable writes, " + LocalDate.now());
      System.err.println("appended to " + settings.report().get());
    }
    System.exit(writes.runs().stream().allMatch(WritesBench::clean) ? 0 : 1);
  }

  /** Each store's run, and the machine and its disk. */
  record Writes(List<StoreRun> runs, List<String> machine) {}

  /** Runs every store and writer count that {@code settings} names. */
  static Writes measure(WritesSettings settings) throws IOException {
    List<String> machine = new ArrayList<>(Machine.describe());
    Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
    machine.add("bench data dirs: " + Machine.disk(tmp));
    Distribution sync = Machine.syncProbe(tmp);
    machine.add(String.format("one 4 KiB append + fdatasync there (200 tries): p50 %.2f ms, p99 %.2f ms, max %.2f ms",
        sync.p50() / 1e6, sync.p99() / 1e6, sync.max() / 1e6));
    List<StoreRun> runs = new ArrayList<>();
    for (WritesSettings.Store store : settings.stores()) {
      runs.add(run(store, settings));
    }
    machine.add("load average at the end: " + Machine.loadAverage());
    return new Writes(runs, machine);
  }

  /** True if nothing failed: every request acknowledged, and the revisions agree. */
  static boolean clean(StoreRun run) {
    return run.failure().isEmpty() && run.cases().size() > 0 && run.cases().stream().allMatch(c ->
        c.consistent() && c.outcome().refused() == 0 && c.outcome().failed() == 0);
  }

  /** Runs every writer count on one fresh server, or as far as it gets: a failure is part of the result. */
  private static StoreRun run(WritesSettings.Store store, WritesSettings settings) {
    List<String> durability = new ArrayList<>();
    List<String> disks = new ArrayList<>();
    List<Case> cases = new ArrayList<>();
    Path dataDir;
    try {
      dataDir = Files.createTempDirectory("fleetconf-bench-writes-");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create a temp data dir", e);
    }
    Optional<BenchSchema> schema = Optional.empty();
    try {
      ServerSettings server = ServerSettings.of("127.0.0.1", 0, dataDir)
          .withTransport(new ServerSettings.Transport.PlainHttp()).withLimits(io.fleetconf.server.security.Limits.NONE);
      if (store == WritesSettings.Store.POSTGRESQL) {
        schema = Optional.of(BenchSchema.create(settings.postgresUrl()));
        server = server.withStore(StoreUrl.parse(schema.get().url(), Optional.empty()));
        durability.addAll(postgresDurability(schema.get().url()));
        log(store, "PostgreSQL " + settings.postgresDisplay() + ", fresh schema " + schema.get().name());
      }
      try (FleetServer fleet = FleetServer.start(server)) {
        schema.ifPresent(fresh -> fresh.server.set(fleet));
        String token = fleet.bootstrapToken().orElseThrow(() -> new BenchException("no admin token on a fresh store"));
        AdminClient admin = new AdminClient(fleet.uri(), token);
        if (store == WritesSettings.Store.SQLITE) {
          durability.addAll(sqliteDurability(dataDir.resolve("fleetconf.db")));
          disks.add("store: " + Machine.disk(dataDir));
        } else {
          disks.add("store: " + postgresDisk(settings.postgresUrl()));
        }
        durability.forEach(line -> log(store, line));
        for (int writers : settings.writers()) {
          cases.add(one(store, settings, fleet, admin, token, writers, schema));
        }
      } finally {
        schema.ifPresent(fresh -> fresh.server.set(null));
      }
      return new StoreRun(store, durability, disks, cases, Optional.empty());
    } catch (RuntimeException e) {
      log(store, "FAILED: " + e);
      return new StoreRun(store, durability, disks, cases,
          Optional.of(e.getMessage() == null ? e.toString() : e.getMessage()));
    } finally {
      schema.ifPresent(BenchSchema::close);
      TempDirs.delete(dataDir);
    }
  }

  private static Case one(WritesSettings.Store store, WritesSettings settings, FleetServer fleet, AdminClient admin,
      String token, int writers, Optional<BenchSchema> schema) {
    log(store, String.format("%d writer%s: %d s warm-up, %d s measured...", writers, writers == 1 ? "" : "s",
        settings.warmup().toSeconds(), settings.measure().toSeconds()));
    long before = admin.revision();
    Writers calls = new Writers(fleet.uri(), token, settings.keysPerWriter(), settings.client());
    ClosedLoop.LoadRun outcome = ClosedLoop.run(writers, settings.warmup(), settings.measure(), calls,
        () -> schema.ifPresent(BenchSchema::analyze));
    long after = admin.revision();
    Case result = new Case(outcome, calls.firstProblems(), after - before, Machine.loadAverage().split(" ")[0]);
    log(store, String.format("%d writer%s: %.1f change sets/s, ack p50 %.2f ms, p99 %.2f ms, max %.2f ms;"
            + " %d non-2xx, %d failed; revisions +%d for %d acknowledged", writers, writers == 1 ? "" : "s",
        outcome.rate(), outcome.latency().p50() / 1e6, outcome.latency().p99() / 1e6, outcome.latency().max() / 1e6,
        outcome.refused(), outcome.failed(), result.revisions(), outcome.completedInAll()));
    log(store, "  per second: " + java.util.Arrays.toString(outcome.perSecond()));
    result.problems().forEach(problem -> log(store, "  " + problem));
    // The next writer count starts from the same small tree: one change set removes what this one wrote.
    admin.delete("/api/v1/entries/global/bench?recurse=true");
    return result;
  }

  /** SQLite keeps its journal mode in the file; synchronous is per connection, set by the store itself. */
  private static List<String> sqliteDurability(Path file) {
    try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + file.toAbsolutePath());
        Statement statement = connection.createStatement()) {
      String version = single(statement, "SELECT sqlite_version()");
      String journal = single(statement, "PRAGMA journal_mode");
      return List.of("SQLite " + version + ", journal_mode=" + journal + " (read from the store's file),"
          + " synchronous=FULL (set on the store's connection by Dialect.SQLITE; a per-connection setting, so stated"
          + " from the code): a commit returns after the WAL is fsync'd");
    } catch (SQLException e) {
      throw new BenchException("cannot read the SQLite settings of " + file + ": " + e.getMessage(), e);
    }
  }

  /**
   * The store sets no session settings on PostgreSQL, so these are what a session of the same user,
   * database and URL parameters gets (the server's, database's or role's value; the source says which).
   */
  private static List<String> postgresDurability(String url) {
    try (Connection connection = BenchSchema.connect(url); Statement statement = connection.createStatement()) {
      List<String> settings = new ArrayList<>();
      try (ResultSet rows = statement.executeQuery("SELECT name, setting, COALESCE(unit, ''), source FROM pg_settings"
          + " WHERE name IN ('" + String.join("', '", POSTGRES_SETTINGS) + "')")) {
        while (rows.next()) {
          settings.add(rows.getString(1) + "=" + (rows.getString(2).isEmpty() ? "''" : rows.getString(2))
              + (rows.getString(3).isEmpty() ? "" : " " + rows.getString(3)) + " (" + rows.getString(4) + ")");
        }
      }
      settings.sort(Comparator.comparingInt(s -> POSTGRES_SETTINGS.indexOf(s.substring(0, s.indexOf('=')))));
      return List.of("PostgreSQL " + single(statement, "SHOW server_version") + ", as the store's sessions see it: "
          + String.join(", ", settings));
    } catch (SQLException e) {
      throw new BenchException("cannot read the PostgreSQL settings: " + e.getMessage(), e);
    }
  }

  /** Where PostgreSQL keeps its data, if it runs on this machine and the bench may ask. */
  private static String postgresDisk(String url) {
    StoreUrl.Postgres postgres = (StoreUrl.Postgres) StoreUrl.parse(url, Optional.empty());
    if (!List.of("127.0.0.1", "localhost", "::1").contains(postgres.host())) {
      return "PostgreSQL on " + postgres.host() + " (another machine: its disk is not described here)";
    }
    try (Connection connection = BenchSchema.connect(url); Statement statement = connection.createStatement()) {
      Path dir = Path.of(single(statement, "SHOW data_directory"));
      return "PostgreSQL data directory " + Machine.disk(dir);
    } catch (SQLException e) {
      return "PostgreSQL data directory unknown (" + e.getMessage() + ")";
    }
  }

  private static String single(Statement statement, String sql) throws SQLException {
    try (ResultSet rows = statement.executeQuery(sql)) {
      rows.next();
      return rows.getString(1);
    }
  }

  private static void log(WritesSettings.Store store, String line) {
    System.err.println("[" + store.label() + "] " + line);
  }
}
