package io.fleetconf.compat;

import static org.assertj.core.api.Assertions.assertThat;

import com.ecwid.consul.v1.ConsulClient;
import io.fleetconf.cli.Main;
import io.fleetconf.compat.tvsched.TvSchedApplication;
import io.fleetconf.compat.tvsched.TvSchedApplication.SchedulerProperties;
import io.fleetconf.compat.tvsched.TvSchedApplication.Ticker;
import io.fleetconf.testing.Eventually;
import io.fleetconf.testing.TestServer;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.io.StringWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * A Spring Boot application with Spring Cloud Consul Config (unmodified, from Maven Central) reads
 * its settings from fleetconf's Consul-compatible API, and sees a change made through fleetconf's
 * own CLI without a restart.
 */
class SpringCloudConsulConfigTest {
  private static final Duration DEADLINE = Duration.ofSeconds(15);

  @RegisterExtension final TestServer server = TestServer.fresh();

  ConsulEndpoint endpoint;
  ConfigurableApplicationContext app;

  @BeforeEach
  void connect() {
    endpoint = ConsulEndpoint.of(server);
  }

  @AfterEach
  void closeApp() throws InterruptedException {
    if (app != null) {
      app.close();
      // Closing cancels the config watch, but a blocking query already sent runs on until the
      // server answers (at most wait-time): let it end before the server stops, or it logs a
      // connection error that has nothing to do with the test.
      try {
        Eventually.eventually(Duration.ofSeconds(5), "the config watch's threads ended", () -> !watchThreadsAlive());
      } catch (AssertionError stillRunning) {
        // as before: after 5 s, stop the server anyway
      }
    }
  }

  private static boolean watchThreadsAlive() {
    return Thread.getAllStackTraces().keySet().stream()
        .anyMatch(thread -> thread.isAlive() && thread.getName().startsWith("configWatchTaskScheduler"));
  }

  private void consulPut(String key, String value) {
    ConsulClient consul = new ConsulClient(endpoint.host, endpoint.port);
    assertThat(consul.setKVValue(key, value, server.token(), null).getValue()).as("PUT %s", key).isTrue();
  }

  private ConfigurableApplicationContext start(String format) {
    return start(format, endpoint, "spring.cloud.consul.config.acl-token=" + server.token());
  }

  /** The application on {@code at}; {@code token} is its token setting, or a harmless property for none. */
  private static ConfigurableApplicationContext start(String format, ConsulEndpoint at, String token) {
    return new SpringApplicationBuilder(TvSchedApplication.class)
        .main(TvSchedApplication.class)
        .web(WebApplicationType.NONE)
        .properties(
            "spring.main.banner-mode=off",
            "spring.application.name=tvsched",
            // Required, not optional: a server that cannot answer must fail the start.
            "spring.config.import=consul:" + at.host + ":" + at.port,
            "spring.cloud.consul.host=" + at.host,
            "spring.cloud.consul.port=" + at.port,
            token,
            "spring.cloud.consul.config.format=" + format,
            "spring.cloud.consul.config.fail-fast=true",
            "spring.cloud.consul.config.watch.enabled=true",
            "spring.cloud.consul.config.watch.wait-time=1",
            "spring.cloud.consul.config.watch.delay=200",
            "spring.cloud.consul.discovery.enabled=false")
        .run();
  }

  /** fleetconf's own CLI, in-process, as CliTest runs it. */
  private String fleetconf(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    var commandLine = Main.commandLine();
    commandLine.setOut(new PrintWriter(out));
    commandLine.setErr(new PrintWriter(err));
    List<String> all = new ArrayList<>(List.of(args));
    all.add("--addr=" + server.uri());
    all.add("--token=" + server.token());
    int status = commandLine.execute(all.toArray(String[]::new));
    assertThat(status).as("fleetconf %s: %s", String.join(" ", args), err).isZero();
    return out.toString();
  }

  private static void eventually(Supplier<String> actual, String expected) throws InterruptedException {
    Eventually.eventually(DEADLINE, () -> assertThat(actual.get()).as("within %s", DEADLINE).isEqualTo(expected));
  }

  @Test
  void yamlDocumentInConfigTvschedData() throws Exception {
    consulPut("config/tvsched/data", "scheduler:\n  interval: 30s\n  channels: 12\n");
    consulPut("config/application/data", "scheduler:\n  interval: 99s\n  channels: 1\n");

    app = start("YAML");
    SchedulerProperties properties = app.getBean(SchedulerProperties.class);
    Ticker ticker = app.getBean(Ticker.class);
    assertThat(properties.getInterval()).isEqualTo("30s");
    assertThat(properties.getChannels()).isEqualTo(12);
    assertThat(ticker.interval()).isEqualTo("30s");

    assertThat(fleetconf("kv", "put", "plain/config/tvsched/data", "scheduler:\n  interval: 45s\n  channels: 14\n",
        "--string", "-m", "slower ticks")).contains("plain/config/tvsched/data");

    eventually(properties::getInterval, "45s");
    eventually(ticker::interval, "45s");
    assertThat(properties.getChannels()).isEqualTo(14);
  }

  @Test
  void individualKeysUnderConfigTvsched() throws Exception {
    consulPut("config/tvsched/scheduler/interval", "30s");
    consulPut("config/tvsched/scheduler/channels", "12");

    app = start("KEY_VALUE");
    SchedulerProperties properties = app.getBean(SchedulerProperties.class);
    Ticker ticker = app.getBean(Ticker.class);
    assertThat(properties.getInterval()).isEqualTo("30s");
    assertThat(properties.getChannels()).isEqualTo(12);
    assertThat(ticker.interval()).isEqualTo("30s");

    assertThat(fleetconf("kv", "put", "plain/config/tvsched/scheduler/interval", "45s"))
        .contains("plain/config/tvsched/scheduler/interval");

    eventually(properties::getInterval, "45s");
    eventually(ticker::interval, "45s");
    assertThat(properties.getChannels()).isEqualTo(12);
  }

  @Test
  void applicationWithoutATokenReadsThroughTheAnonymousPolicy(@TempDir Path dir) throws Exception {
    try (TestServer open = TestServer.on(dir).withAnonymousPolicy("read config/*").startNow()) {
      ConsulEndpoint at = ConsulEndpoint.of(open);
      ConsulClient consul = new ConsulClient(at.host, at.port);
      assertThat(consul.setKVValue("config/tvsched/data", "scheduler:\n  interval: 30s\n  channels: 12\n",
          open.token(), null).getValue()).isTrue();

      app = start("YAML", at, "spring.cloud.consul.config.name=tvsched");
      SchedulerProperties properties = app.getBean(SchedulerProperties.class);
      assertThat(properties.getInterval()).isEqualTo("30s");
      assertThat(consul.setKVValue("config/tvsched/data", "scheduler:\n  interval: 45s\n  channels: 12\n",
          open.token(), null).getValue()).isTrue();
      eventually(properties::getInterval, "45s");
      closeApp(); // before its server stops
      app = null;
    }
  }
}
