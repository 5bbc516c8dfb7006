package io.fleetconf.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetconf.testing.TestServer;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DemoFleetTest {
  @TempDir Path dir;

  @Test
  void demoFleetIsSeededOnceWithFiveDevicesOnTwoSites() {
    try (TestServer server = TestServer.startDemo(dir)) {
      assertThat(server.get("/api/v1/devices").json().get("devices").findValuesAsText("id"))
          .containsExactly("vv-lis-01", "vv-lis-02", "vv-lis-03", "vv-prt-01", "vv-prt-02");
      long revision = server.revision();
      assertThat(revision).isEqualTo(4);

      var lisbon = server.get("/api/v1/devices/vv-lis-01/config").json().get("config");
      assertThat(lisbon.at("/common/log_level").asText()).isEqualTo("debug");
      assertThat(lisbon.at("/common/dvr_ip").asText()).isEqualTo("10.10.1.20");
      assertThat(lisbon.at("/tv_scheduler/default_channel").asInt()).isEqualTo(5);
      assertThat(lisbon.at("/orchestrator/model").asText()).isEqualTo("yolov8n-fp16");

      var porto = server.get("/api/v1/devices/vv-prt-02/config").json().get("config");
      assertThat(porto.at("/common/log_level").asText()).isEqualTo("info");
      assertThat(porto.at("/tv_scheduler/rules").size()).isEqualTo(1);
      assertThat(porto.at("/tv_scheduler/rules/0/start").asText()).isEqualTo("07:30");
      assertThat(porto.at("/self_monitor/cpu_temp_max_c").asInt()).isEqualTo(70);
      assertThat(porto.at("/orchestrator/max_streams").asInt()).isEqualTo(2);

      server.restart();
      assertThat(server.revision()).isEqualTo(revision);
    }
  }
}
