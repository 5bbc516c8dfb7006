package io.fleetconf.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetconf.testing.TestServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code kv put --requires}: devices below the version keep their value, and fleet status says why. */
class KvRequiresCliTest {
  @RegisterExtension final TestServer server = TestServer.fresh();

  private CliRun run(String... args) {
    return CliRun.fleetconf(server, args);
  }

  @Test
  void kvPutRequiresHoldsDevicesBelowTheVersionAndFleetStatusShowsThem() {
    assertThat(run("device", "add", "vv-1").status()).isZero();
    assertThat(run("device", "add", "vv-2").status()).isZero();
    assertThat(server.post("/api/v1/devices/vv-1/versions", "{\"tv_scheduler\": \"2.3\"}").status()).isEqualTo(200);
    assertThat(run("kv", "put", "global/tv_scheduler/mode", "sd").status()).isZero();

    CliRun put = run("kv", "put", "global/tv_scheduler/mode", "hdr", "--requires", "tv_scheduler >= 2.3");
    assertThat(put.status()).as(put.err()).isZero();

    assertThat(run("config", "show", "--device", "vv-1", "--namespace", "tv_scheduler", "--format", "env").out())
        .isEqualTo("MODE=hdr\n");
    assertThat(run("config", "show", "--device", "vv-2", "--namespace", "tv_scheduler", "--format", "env").out())
        .isEqualTo("MODE=sd\n");
    CliRun held = run("fleet", "status", "--status", "held");
    assertThat(held.out()).contains("vv-2").doesNotContain("vv-1").contains("held: needs tv_scheduler >= 2.3");

    CliRun malformed = run("kv", "put", "global/tv_scheduler/mode", "uhd", "--requires", "tv_scheduler ~ 3");
    assertThat(malformed.status()).isEqualTo(1);
    assertThat(malformed.err()).isEqualTo("fleetconf: requirement 'tv_scheduler ~ 3' must read <service> <op>"
        + " <version>, such as 'tv_scheduler >= 2.3' (op: >=, >, <=, <, ==) (400)\n");
    assertThat(run("kv", "get", "global/tv_scheduler/mode").out()).isEqualTo("hdr\n");
  }
}
