package io.fleetconf.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetconf.api.AgentReport;
import io.fleetconf.api.Paths;
import io.fleetconf.client.internal.ClientPlumbing;
import io.fleetconf.testing.TestServer;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The agent's POSTs through the client's link fail over across servers as its watch does. */
class ServerLinkTest {
  @RegisterExtension final TestServer down = TestServer.fresh();
  @RegisterExtension final TestServer up = TestServer.fresh();

  @Test
  void aReportGoesToTheSecondServerWhenTheFirstIsDown() throws Exception {
    up.post("/api/v1/devices", "{\"id\": \"vv-1\"}");
    down.stop();
    ServerLink link = new ServerLink(List.of(down.uri(), up.uri()), Credentials.token(up.token()), Duration.ofSeconds(2));
    String report = new AgentReport("common", up.revision(), Optional.empty(), "sha256:0", "applied", Optional.empty(),
        Optional.of("test")).toJson().toString();

    ClientPlumbing.Answer answer = link.post(Paths.deviceReports("vv-1"), report, Duration.ofSeconds(10));

    assertThat(answer.status() / 100).as(answer.body()).isEqualTo(2);
    assertThat(link.current()).isEqualTo(up.uri());
    assertThat(up.get("/api/v1/devices/vv-1/reports").json().get("reports")).hasSize(1);
  }
}
