package io.fleetconf.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetconf.core.ChangeSet;
import io.fleetconf.core.Revision;
import io.fleetconf.testing.TestDatabases;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;

/** The store contract on PostgreSQL, and what only a shared database needs: several writers at once. */
@EnabledIfEnvironmentVariable(named = TestDatabases.ENV, matches = ".+", disabledReason = TestDatabases.SKIPPED)
class PostgresStoreTest extends StoreContract {
  private final Map<Path, String> schemas = new HashMap<>();

  @Override
  Store open(Path dir) {
    String url = schemas.computeIfAbsent(dir, d -> TestDatabases.freshSchema());
    return StoreUrl.parse(url, Optional.empty()).open(Clock.systemUTC());
  }

  /** PostgreSQL's files are not ours to read: every row of every table, as text, stands for them. */
  @Override
  protected boolean databaseBytesContain(Path dir, String text) throws Exception {
    StoreUrl.Postgres url = (StoreUrl.Postgres) StoreUrl.parse(schemas.get(dir), Optional.empty());
    try (Connection connection = DriverManager.getConnection(url.jdbcUrl(), url.properties());
        Statement statement = connection.createStatement()) {
      List<String> tables = new ArrayList<>();
      try (ResultSet rows = statement.executeQuery("SELECT table_name FROM information_schema.tables"
          + " WHERE table_schema = current_schema()")) {
        while (rows.next()) {
          tables.add(rows.getString(1));
        }
      }
      assertThat(tables).contains("entries", "changes", "settings");
      for (String table : tables) {
        try (ResultSet rows = statement.executeQuery("SELECT t::text FROM " + table + " t")) {
          while (rows.next()) {
            if (rows.getString(1).contains(text)) {
              return true;
            }
          }
        }
      }
      return false;
    }
  }

  @Test
  void twoServersCommittingAtOnceGetGaplessDistinctRevisions() throws Exception {
    Store other = open(dir);
    ExecutorService writers = Executors.newFixedThreadPool(8);
    ConcurrentLinkedQueue<Long> revisions = new ConcurrentLinkedQueue<>();
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int writer = 0; writer < 8; writer++) {
        Store target = writer % 2 == 0 ? store : other;
        int id = writer;
        done.add(writers.submit(() -> {
          for (int i = 0; i < 25; i++) {
            ChangeSet changeSet = commit(target, put("global/w" + id + "/n", Integer.toString(i)));
            revisions.add(changeSet.revision().value());
          }
        }));
      }
      for (Future<?> future : done) {
        future.get();
      }
    } finally {
      writers.shutdown();
      other.close();
    }
    assertThat(revisions).hasSize(200).doesNotHaveDuplicates();
    assertThat(revisions.stream().mapToLong(Long::longValue).max().orElseThrow()).isEqualTo(200);
    assertThat(store.revision()).isEqualTo(Revision.of(200));
    assertThat(store.changesSince(Revision.ZERO, 1000)).extracting(c -> c.revision().value())
        .containsExactlyElementsOf(java.util.stream.LongStream.rangeClosed(1, 200).boxed().toList());
  }

  @Test
  void aLeadershipNameIsHeldByOneServerAtATimeAndFreedWhenItsSessionEnds() {
    Store other = open(dir);
    Store elsewhere = open(dir.resolve("another-schema"));
    try (Leadership mine = store.leadership(); Leadership theirs = other.leadership();
        Leadership apart = elsewhere.leadership()) {
      assertThat(mine.claim("git source fleet")).isTrue();
      assertThat(theirs.claim("git source fleet")).isFalse();
      assertThat(mine.claim("git source fleet")).isTrue(); // held, not taken twice
      assertThat(theirs.claim("git source other")).isTrue();
      assertThat(apart.claim("git source fleet")).isTrue(); // another schema, another deployment

      // The holder's session ends, as when its process dies: the name is free for the next claim.
      TestDatabases.endSessionHolding(schemas.get(dir), "git source fleet");
      // pg_terminate_backend asks; the session ends, and frees its locks, a moment later.
      io.fleetconf.testing.Eventually.eventually(java.time.Duration.ofSeconds(10),
          () -> assertThat(theirs.claim("git source fleet")).isTrue());
      assertThat(mine.claim("git source fleet")).isFalse(); // it finds its session gone, and the name taken
    } finally {
      other.close();
      elsewhere.close();
    }
  }
}
