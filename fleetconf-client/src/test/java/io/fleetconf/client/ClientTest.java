package io.fleetconf.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetconf.testing.Eventually;
import io.fleetconf.testing.TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The client library against a real server over loopback HTTP. */
class ClientTest {
  @RegisterExtension final TestServer server = TestServer.fresh();
  @TempDir Path dir;
  private final List<FleetconfClient> clients = new CopyOnWriteArrayList<>();
  private final java.util.Map<Logger, java.util.logging.Handler> recorders = new java.util.HashMap<>();

  @BeforeEach
  void fleet() {
    server.post("/api/v1/devices", "{\"id\": \"vv-1\", \"groups\": [\"site/lisbon\"]}");
    server.put("/api/v1/entries/global/tv_scheduler", "{\"volume\": 40, \"timezone\": \"UTC\"}");
    server.put("/api/v1/entries/global/common/log_level", "\"info\""); // revision 3
  }

  @AfterEach
  void closeClients() {
    clients.forEach(FleetconfClient::close);
    recorders.forEach(Logger::removeHandler);
  }

  /**
   * A client of the test server. Its start waits up to 30 s for the first answer: under a loaded
   * machine 2 s was not always enough, and the client then started on its defaults and heard the
   * server's values as a change (seen as "10->40" in typedPropertiesSeeOldAndNewValues). Tests of
   * an offline start set their own short timeout.
   */
  private ClientBuilder client() {
    return FleetconfClient.builder().server(server.uri().toString()).deviceId("vv-1").token(server.token())
        .cacheDirectory(dir.resolve("cache")).backoff(Duration.ofMillis(20), Duration.ofMillis(200))
        .startTimeout(Duration.ofSeconds(30)).waitTime(Duration.ofSeconds(30));
  }

  private FleetconfClient started(ClientBuilder builder) {
    FleetconfClient client = builder.start();
    clients.add(client);
    return client;
  }

  private static void eventually(BooleanSupplier condition) throws InterruptedException {
    eventually(Duration.ofSeconds(15), condition);
  }

  private static void eventually(Duration limit, BooleanSupplier condition) throws InterruptedException {
    Eventually.eventually(limit, "condition met", condition::getAsBoolean);
  }

  @Test
  void startsFromTheServerAndAChangeReachesItsListener() throws Exception {
    FleetconfClient client = started(client());
    assertThat(client.config().source()).isEqualTo(Source.SERVER);
    assertThat(client.config().revision().value()).isEqualTo(3);
    assertThat(client.config().getInt("tv_scheduler/volume", 0)).isEqualTo(40);
    BlockingQueue<ConfigChange> changes = new LinkedBlockingQueue<>();
    client.listen("tv_scheduler", changes::add);

    server.put("/api/v1/entries/groups/site/lisbon/tv_scheduler/volume", "55");

    ConfigChange change = changes.poll(10, TimeUnit.SECONDS);
    assertThat(change.path()).isEqualTo("tv_scheduler");
    assertThat(change.before().orElseThrow().toString()).isEqualTo("{\"volume\":40,\"timezone\":\"UTC\"}");
    assertThat(change.after().orElseThrow().toString()).isEqualTo("{\"volume\":55,\"timezone\":\"UTC\"}");
    assertThat(change.current().revision().value()).isEqualTo(4);
    assertThat(client.config().getInt("tv_scheduler/volume", 0)).isEqualTo(55);
  }

  @Test
  void typedPropertiesSeeOldAndNewValues() throws Exception {
    FleetconfClient client = started(client());
    Property<Integer> volume = client.intProperty("tv_scheduler/volume", 10);
    BlockingQueue<String> seen = new LinkedBlockingQueue<>();
    volume.subscribe((before, after) -> seen.add(before + "->" + after));
    server.put("/api/v1/entries/devices/vv-1/tv_scheduler/volume", "60");
    assertThat(seen.poll(10, TimeUnit.SECONDS)).isEqualTo("40->60");
    assertThat(volume.get()).isEqualTo(60);
    assertThat(client.intProperty("tv_scheduler/missing", 7).get()).isEqualTo(7);
  }

  /** What a subscriber to the volume hears, as {@code before->after}. */
  private static BlockingQueue<String> volumeChanges(FleetconfClient client) {
    BlockingQueue<String> seen = new LinkedBlockingQueue<>();
    client.intProperty("tv_scheduler/volume", 10).subscribe((before, after) -> seen.add(before + "->" + after));
    return seen;
  }

  @Test
  void aTypedListenerHearsTheFixAfterAnInvalidValue() throws Exception {
    BlockingQueue<String> seen = volumeChanges(started(client()));
    assertThat(invalidThenFixed("\"loud\"", "33")).containsExactly("WARNING fleetconf: ignoring an invalid value at"
        + " revision 4: 'tv_scheduler/volume' must be an integer, was \"loud\"; its listeners keep the last valid value");
    assertThat(seen.poll(10, TimeUnit.SECONDS)).isEqualTo("40->33");
    server.put("/api/v1/entries/devices/vv-1/tv_scheduler/volume", "\"33\"");
    server.put("/api/v1/entries/devices/vv-1/tv_scheduler/volume", "34");
    assertThat(seen.poll(10, TimeUnit.SECONDS)).isEqualTo("33->34");
    assertThat(seen).isEmpty();
  }

  /** getInt cast getLong's answer: 3000000000 reached an int property as -1294967296. */
  @Test
  void anIntegerBeyondIntRangeIsRefusedNotWrapped() throws Exception {
    BlockingQueue<String> seen = volumeChanges(started(client()));
    assertThat(invalidThenFixed("3000000000", "-2147483648")).containsExactly("WARNING fleetconf: ignoring an invalid"
        + " value at revision 4: 'tv_scheduler/volume' must be an integer from -2147483648 to 2147483647, was"
        + " 3000000000; its listeners keep the last valid value");
    assertThat(seen.poll(10, TimeUnit.SECONDS)).isEqualTo("40->-2147483648");
    assertThat(seen).isEmpty();
  }

  /** Writes the volume {@code invalid}, waits for the client's warning, writes {@code fixed}; the warnings logged. */
  private List<String> invalidThenFixed(String invalid, String fixed) throws InterruptedException {
    List<String> warnings = recordLogs(Property.class);
    server.put("/api/v1/entries/devices/vv-1/tv_scheduler/volume", invalid);
    eventually(() -> !warnings.isEmpty());
    server.put("/api/v1/entries/devices/vv-1/tv_scheduler/volume", fixed);
    return warnings;
  }

  @Test
  void aTypedListenerSubscribedWhileTheValueIsInvalidStartsFromTheFallback() throws Exception {
    server.put("/api/v1/entries/devices/vv-1/tv_scheduler/volume", "\"loud\"");
    BlockingQueue<String> seen = volumeChanges(started(client()));
    server.put("/api/v1/entries/devices/vv-1/tv_scheduler/volume", "33");
    assertThat(seen.poll(10, TimeUnit.SECONDS)).isEqualTo("10->33");
  }

  /** The messages logged by {@code type}'s logger from now on, as {@code LEVEL message}. */
  private List<String> recordLogs(Class<?> type) {
    List<String> messages = new CopyOnWriteArrayList<>();
    Logger logger = Logger.getLogger(type.getName());
    java.util.logging.Handler recorder = new java.util.logging.Handler() {
      @Override
      public void publish(java.util.logging.LogRecord record) {
        messages.add(record.getLevel() + " " + record.getMessage());
      }

      @Override
      public void flush() {}

      @Override
      public void close() {}
    };
    logger.addHandler(recorder);
    recorders.put(logger, recorder); // also keeps the logger, which JUL holds weakly, alive
    return messages;
  }

  @Test
  void aFailingListenerStopsNeitherTheWatchNorTheOthers() throws Exception {
    FleetconfClient client = started(client());
    BlockingQueue<String> seen = new LinkedBlockingQueue<>();
    client.listen("common", change -> {
      throw new IllegalStateException("listener bug");
    });
    client.listen("common/log_level", change -> seen.add(change.after().orElseThrow().asText()));
    server.put("/api/v1/entries/global/common/log_level", "\"debug\"");
    assertThat(seen.poll(10, TimeUnit.SECONDS)).isEqualTo("debug");
    server.put("/api/v1/entries/global/common/log_level", "\"error\"");
    assertThat(seen.poll(10, TimeUnit.SECONDS)).isEqualTo("error");
  }

  @Test
  void serverDownAtStartUsesTheCacheMarkedStale() throws Exception {
    FleetconfClient first = started(client());
    assertThat(first.config().getInt("tv_scheduler/volume", 0)).isEqualTo(40);
    first.close();
    server.stop();

    FleetconfClient offline = started(client().startTimeout(Duration.ofMillis(500)));
    assertThat(offline.config().source()).isEqualTo(Source.CACHE);
    assertThat(offline.config().isStale()).isTrue();
    assertThat(offline.config().revision().value()).isEqualTo(3);
    assertThat(offline.config().getInt("tv_scheduler/volume", 0)).isEqualTo(40);
    assertThat(offline.status().connected()).isFalse();

    server.startAgainOnSamePort();
    eventually(() -> offline.config().source() == Source.SERVER);
    assertThat(offline.config().isStale()).isFalse();
  }

  @Test
  void aTamperedCacheIsIgnored() throws Exception {
    started(client()).close();
    Path cache = dir.resolve("cache/vv-1.json");
    Files.writeString(cache, Files.readString(cache).replace("40", "41"));
    server.stop();
    FleetconfClient offline = started(client().startTimeout(Duration.ofMillis(300)).defaultValue("tv_scheduler/volume", 5));
    assertThat(offline.config().source()).isEqualTo(Source.DEFAULTS);
    assertThat(offline.config().getInt("tv_scheduler/volume", 0)).isEqualTo(5);
  }

  @Test
  void noServerAndNoCacheUsesTheBootstrapFileOverCodeDefaults() throws Exception {
    server.stop();
    Path env = dir.resolve("tv_scheduler.env");
    Files.writeString(env, "VOLUME=33\nTIMEZONE=Europe/Lisbon\nNIGHT_MODE=yes\nPOLL=30s\n");
    FleetconfClient client = started(client().startTimeout(Duration.ofMillis(300)).file(env, "tv_scheduler")
        .defaultValue("tv_scheduler/volume", 10).defaultValue("tv_scheduler/channel", 3));
    Config config = client.config();
    assertThat(config.source()).isEqualTo(Source.FILES);
    assertThat(config.getInt("tv_scheduler/volume", 0)).isEqualTo(33);
    assertThat(config.getInt("tv_scheduler/channel", 0)).isEqualTo(3);
    assertThat(config.getBoolean("tv_scheduler/night_mode", false)).isTrue();
    assertThat(config.getDuration("tv_scheduler/poll", Duration.ZERO)).isEqualTo(Duration.ofSeconds(30));
    assertThat(config.getString("tv_scheduler/timezone", "")).isEqualTo("Europe/Lisbon");
  }

  @Test
  void serverConfigOutranksFilesWhichOutrankDefaults() throws Exception {
    Path yaml = dir.resolve("config.yaml");
    Files.writeString(yaml, "volume: 33\nchannel: 4\n");
    FleetconfClient client = started(client().file(yaml, "tv_scheduler")
        .defaultValue("tv_scheduler/channel", 1).defaultValue("tv_scheduler/quiet", true));
    Config config = client.config();
    assertThat(config.getInt("tv_scheduler/volume", 0)).isEqualTo(40);
    assertThat(config.getInt("tv_scheduler/channel", 0)).isEqualTo(4);
    assertThat(config.getBoolean("tv_scheduler/quiet", false)).isTrue();
  }

  @Test
  void serverStoppedWhileWatchingKeepsValuesBacksOffAndConvergesAfterRestart() throws Exception {
    FleetconfClient client = started(client());
    server.stop();
    eventually(() -> client.status().consecutiveFailures() >= 2);
    assertThat(client.status().connected()).isFalse();
    assertThat(client.config().getInt("tv_scheduler/volume", 0)).isEqualTo(40);

    server.startAgainOnSamePort();
    server.put("/api/v1/entries/global/tv_scheduler/volume", "70");
    eventually(() -> client.config().getInt("tv_scheduler/volume", 0) == 70);
    assertThat(client.config().revision().value()).isEqualTo(server.revision());
    assertThat(client.status().connected()).isTrue();
  }

  @Test
  void aServerBackAfterALongOutageIsNoticedWithinTheDefaultRetryCap() throws Exception {
    Logger watch = Logger.getLogger(FleetconfClient.class.getName());
    watch.setLevel(Level.ALL); // each retry's pause is logged at DEBUG
    List<String> logged = recordLogs(FleetconfClient.class);
    // A quick first retry, so that the doubling passes the cap in a few seconds; the cap is the default.
    FleetconfClient client = started(FleetconfClient.builder().server(server.uri().toString()).deviceId("vv-1")
        .token(server.token()).backoffBase(Duration.ofMillis(20)).waitTime(Duration.ofSeconds(30)));
    server.stop();
    // By the 11th failure, 20 ms doubled ten times is 20.48 s: an uncapped wait could be that long.
    // Ten pauses of at most 20 ms·2^n, capped: at most 15.1 s.
    eventually(Duration.ofSeconds(30), () -> client.status().consecutiveFailures() >= 11);
    server.startAgainOnSamePort();
    server.put("/api/v1/entries/global/tv_scheduler/volume", "70");
    long back = System.nanoTime();

    eventually(() -> client.config().getInt("tv_scheduler/volume", 0) == 70);
    Duration caughtUp = Duration.ofNanos(System.nanoTime() - back);
    assertThat(caughtUp).isLessThan(ClientBuilder.DEFAULT_BACKOFF_CAP.plusSeconds(2));
    List<Long> pauses = logged.stream().filter(line -> line.contains("retrying in "))
        .map(line -> Long.parseLong(line.replaceAll(".*retrying in (\\d+) ms$", "$1"))).toList();
    assertThat(pauses).hasSizeGreaterThanOrEqualTo(11)
        .allSatisfy(pause -> assertThat(pause).isLessThanOrEqualTo(ClientBuilder.DEFAULT_BACKOFF_CAP.toMillis()));
    watch.setLevel(null);
  }

  @Test
  void aThousandQuickChangesEndOnTheLastValueAndNeverGoBack() throws Exception {
    FleetconfClient client = started(client());
    List<long[]> seen = new CopyOnWriteArrayList<>();
    client.listen("common/counter", change -> seen.add(new long[] {
        change.current().revision().value(), Long.parseLong(change.after().orElseThrow().asText())}));
    for (int i = 1; i <= 1000; i++) {
      server.put("/api/v1/entries/global/common/counter", Integer.toString(i));
    }
    eventually(() -> client.config().getInt("common/counter", 0) == 1000);
    assertThat(client.config().revision().value()).isEqualTo(1003);
    for (int i = 1; i < seen.size(); i++) {
      assertThat(seen.get(i)[0]).isGreaterThan(seen.get(i - 1)[0]);
      assertThat(seen.get(i)[1]).isGreaterThan(seen.get(i - 1)[1]);
    }
    assertThat(seen.get(seen.size() - 1)[1]).isEqualTo(1000);
  }

  @Test
  void numbersKeepTheirTextFromTheServerAndFromTheCache() throws Exception {
    server.put("/api/v1/entries/global/tv_scheduler/fw", "1.10");
    server.put("/api/v1/entries/global/tv_scheduler/big", "9007199254740993");
    FleetconfClient first = started(client());
    assertThat(first.config().getString("tv_scheduler/fw", "")).isEqualTo("1.10");
    assertThat(first.config().getLong("tv_scheduler/big", 0)).isEqualTo(9007199254740993L);
    first.close();
    server.stop();

    FleetconfClient offline = started(client().startTimeout(Duration.ofMillis(500)));
    assertThat(offline.config().source()).isEqualTo(Source.CACHE);
    assertThat(offline.config().getString("tv_scheduler/fw", "")).isEqualTo("1.10");
    server.startAgainOnSamePort();
  }

  @Test
  void readsTypedValuesListsSubtreesAndBindsRecords() throws Exception {
    server.put("/api/v1/entries/global/tv_scheduler/rules",
        "[{\"name\": \"news\", \"channel\": 1, \"start\": \"07:00\"}, {\"name\": \"football\", \"channel\": 7, \"start\": \"20:00\"}]");
    server.put("/api/v1/entries/global/tv_scheduler/days", "[\"mon\", \"tue\"]");
    FleetconfClient client = started(client().namespaces("tv_scheduler"));
    Config config = client.config();
    assertThat(config.get("common/log_level")).isEmpty();
    assertThat(config.getList("tv_scheduler/days")).containsExactly("mon", "tue");
    assertThat(config.subtree("tv_scheduler").getString("timezone", "")).isEqualTo("UTC");
    record Rule(String name, int channel, String start) {}
    record Schedule(int volume, String timezone, List<Rule> rules, List<String> days) {}
    Schedule schedule = config.bind("tv_scheduler", Schedule.class);
    assertThat(schedule.rules()).containsExactly(new Rule("news", 1, "07:00"), new Rule("football", 7, "20:00"));
    assertThat(schedule.volume()).isEqualTo(40);
  }

  @Test
  void followsALocalFileWithoutAServer() throws Exception {
    Path env = dir.resolve(".env");
    Files.writeString(env, "LOG_LEVEL=info\n");
    FleetconfClient client = started(FleetconfClient.builder().file(env, "common").followFiles(Duration.ofMillis(20)));
    BlockingQueue<String> seen = new LinkedBlockingQueue<>();
    client.listen("common/log_level", change -> seen.add(change.after().orElseThrow().asText()));
    Files.writeString(env, "LOG_LEVEL=debug\n");
    assertThat(seen.poll(10, TimeUnit.SECONDS)).isEqualTo("debug");
    assertThat(client.config().source()).isEqualTo(Source.FILES);
  }

  @Test
  void reloadsLocalFilesOnSighup() throws Exception {
    Path yaml = dir.resolve("config.yaml");
    Files.writeString(yaml, "volume: 10\n");
    FleetconfClient client = started(FleetconfClient.builder().file(yaml, "tv_scheduler").reloadOnSighup());
    BlockingQueue<Integer> seen = new LinkedBlockingQueue<>();
    client.intProperty("tv_scheduler/volume", 0).subscribe((before, after) -> seen.add(after));
    Files.writeString(yaml, "volume: 20\n");
    Process kill = new ProcessBuilder("kill", "-HUP", Long.toString(ProcessHandle.current().pid())).start();
    assertThat(kill.waitFor()).isZero();
    assertThat(seen.poll(10, TimeUnit.SECONDS)).isEqualTo(20);
  }

  @Test
  void appliesTheLogLevelFromConfigLive() throws Exception {
    Logger root = Logger.getLogger("");
    Level before = root.getLevel();
    try {
      FleetconfClient client = started(client().logLevelFrom("common/log_level"));
      assertThat(root.getLevel()).isEqualTo(Level.INFO);
      server.put("/api/v1/entries/devices/vv-1/common/log_level", "\"debug\"");
      eventually(() -> Level.FINE.equals(root.getLevel()));
      assertThat(client.config().getString("common/log_level", "")).isEqualTo("debug");
    } finally {
      root.setLevel(before);
    }
  }

  @Test
  void badSettingsAreRefusedByName() {
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> FleetconfClient.builder().server("http://x").start())
        .isInstanceOf(ConfigException.class).hasMessage("deviceId is required with a server");
    org.assertj.core.api.Assertions.assertThatThrownBy(
        () -> FleetconfClient.builder().server("ftp://x").deviceId("a").token("t").start())
        .hasMessage("server must be an http or https URL, was 'ftp://x'");
    org.assertj.core.api.Assertions.assertThatThrownBy(
        () -> FleetconfClient.builder().file(Path.of("config.txt"), "x").start())
        .hasMessageStartingWith("cannot tell the format of config.txt");
  }
}
