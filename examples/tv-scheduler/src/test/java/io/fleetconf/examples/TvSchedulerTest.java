package io.fleetconf.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetconf.testing.TestServer;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.file.Path;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The example service as a real process, against the demo fleet on a real server. */
class TvSchedulerTest {
  @RegisterExtension final TestServer server = TestServer.fresh();
  @TempDir Path dir;

  @Test
  void changesWhatItPlaysWhenTheRulesChange() throws Exception {
    server.post("/api/v1/devices", "{\"id\": \"vv-lis-01\", \"groups\": [\"site/lisbon\"]}");
    server.put("/api/v1/entries/global/tv_scheduler",
        "{\"timezone\": \"UTC\", \"default_channel\": 3, \"volume\": 40, \"rules\": []}");
    ProcessBuilder builder = new ProcessBuilder(ProcessHandle.current().info().command().orElseThrow(),
        "-cp", System.getProperty("java.class.path"), TvScheduler.class.getName());
    builder.environment().put("FLEETCONF_ADDR", server.uri().toString());
    builder.environment().put("FLEETCONF_TOKEN", server.token());
    builder.environment().put("CACHE_DIR", dir.toString());
    Process process = builder.start();
    BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    Thread.ofVirtual().start(() -> new BufferedReader(new InputStreamReader(process.getInputStream()))
        .lines().forEach(lines::add));
    try {
      assertThat(lines.poll(20, TimeUnit.SECONDS))
          .isEqualTo("started at revision 2 (server): now playing channel 3 (default) at volume 40");
      server.put("/api/v1/entries/groups/site/lisbon/tv_scheduler/rules",
          "[{\"name\": \"all-day\", \"days\": [], \"start\": \"00:00\", \"end\": \"23:59:59\", \"channel\": 7}]");
      assertThat(lines.poll(20, TimeUnit.SECONDS))
          .isEqualTo("rules changed at revision 3 (server): now playing channel 7 (rule all-day) at volume 40");
    } finally {
      process.destroy();
      process.waitFor(10, TimeUnit.SECONDS);
    }
  }
}
