package io.fleetconf.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetconf.testing.TestServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code kv put --replace / --no-replace}: the entry's value replaces lower scopes' value, its nulls kept. */
class KvReplaceCliTest {
  @RegisterExtension final TestServer server = TestServer.fresh();

  private CliRun run(String... args) {
    return CliRun.fleetconf(server, args);
  }

  private String config() {
    return server.get("/api/v1/devices/vv-1/config/vars").json().get("config").toString();
  }

  @Test
  void kvPutReplaceReplacesTheLowerValueAndNoReplaceMergesAgain() {
    assertThat(run("device", "add", "vv-1").status()).isZero();
    assertThat(run("kv", "put", "global/vars/opts", "{\"a\": 1, \"b\": 2}", "--type", "json").status()).isZero();
    CliRun put = run("kv", "put", "devices/vv-1/vars/opts", "{\"a\": null}", "--type", "json", "--replace");
    assertThat(put.status()).as(put.err()).isZero();
    assertThat(config()).isEqualTo("{\"opts\":{\"a\":null}}");
    assertThat(run("kv", "get", "devices/vv-1/vars/opts", "--json").out()).contains("\"replace\" : true");

    assertThat(run("kv", "put", "devices/vv-1/vars/opts", "{\"c\": 3}", "--type", "json").status()).isZero();
    assertThat(config()).isEqualTo("{\"opts\":{\"c\":3}}");
    assertThat(run("kv", "put", "devices/vv-1/vars/opts", "{\"c\": 3}", "--type", "json", "--no-replace").status())
        .isZero();
    assertThat(config()).isEqualTo("{\"opts\":{\"a\":1,\"b\":2,\"c\":3}}");
  }
}
