package io.fleetconf.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.fleetconf.format.Format;
import io.fleetconf.testing.TestServer;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Issue 14 item 2: {@code kv put KEY VALUE} stores VALUE as text, exactly as typed; only
 * {@code --type json} parses it. The text survives kv get and every format of config show.
 */
class ValueTextCliTest {
  @RegisterExtension static final TestServer server = TestServer.fresh();

  static Stream<String> values() {
    return Stream.of("1.10", "010", "1e3", "true", "null", "", "18446744073709551615", "9007199254740993",
        "-0", "Grüße ✓", "8081", "[1, 2]", "{\"a\": 1}", " padded ");
  }

  @BeforeAll
  static void device() {
    assertThat(CliRun.fleetconf(server, "device", "add", "vv-1").status()).isZero();
  }

  @ParameterizedTest
  @MethodSource("values")
  void kvPutStoresTheTextTypedAndEveryReadGivesItBack(String text) throws Exception {
    assertThat(run("kv", "put", "devices/vv-1/common/fw_version", text).status()).isZero();
    assertThat(run("kv", "get", "devices/vv-1/common/fw_version").out()).isEqualTo(text + "\n");
    JsonNode entry = CliRun.JSON.readTree(run("kv", "get", "devices/vv-1/common/fw_version", "--json").out());
    assertThat(entry.get("value").isTextual()).isTrue();
    assertThat(entry.get("value").asText()).isEqualTo(text);
    assertThat(server.get("/v1/kv/fleet/devices/vv-1/common/fw_version?raw").body()).isEqualTo(text);
    for (String format : new String[] {"json", "yaml", "env", "properties"}) {
      String shown = run("config", "show", "--device", "vv-1", "--namespace", "common", "--format", format).out();
      JsonNode parsed = Format.named(format).parse(shown);
      String name = format.equals("env") ? "FW_VERSION" : "fw_version";
      assertThat(parsed.get(name).isTextual()).as(format + ": " + shown).isTrue();
      assertThat(parsed.get(name).asText()).as(format + ": " + shown).isEqualTo(text);
    }
  }

  @Test
  void typeJsonParsesTheValueAndRefusesWhatIsNotJson() {
    assertThat(run("kv", "put", "global/tv_api/port", "8081", "--type", "json").status()).isZero();
    assertThat(run("kv", "get", "global/tv_api/port", "--json").out()).contains("\"value\" : 8081");
    assertThat(run("kv", "put", "global/tv_api/rules", "[1, \"a\"]", "--type", "json").status()).isZero();
    assertThat(run("kv", "get", "global/tv_api/rules").out()).isEqualTo("[1,\"a\"]\n");
    CliRun notJson = run("kv", "put", "global/tv_api/port", "80 81", "--type", "json");
    assertThat(notJson.status()).isEqualTo(1);
    assertThat(notJson.err()).startsWith("fleetconf: --type json: VALUE is not JSON (")
        .endsWith("); leave --type out to store it as text\n");
    assertThat(run("kv", "get", "global/tv_api/port").out()).isEqualTo("8081\n");
  }

  @ParameterizedTest
  @MethodSource("jsonNumbers")
  void aJsonNumberKeepsItsTextThroughKvGetAndConfigShow(String number) {
    assertThat(run("kv", "put", "devices/vv-1/common/fw", number, "--type", "json").status()).isZero();
    assertThat(run("kv", "get", "devices/vv-1/common/fw").out()).isEqualTo(number + "\n");
    assertThat(run("kv", "get", "devices/vv-1/common/fw", "--json").out()).contains("\"value\" : " + number + ",\n");
    assertThat(run("config", "show", "--device", "vv-1", "--namespace", "common", "--format", "env").out())
        .contains("FW=" + number + "\n");
    assertThat(server.get("/v1/kv/fleet/devices/vv-1/common/fw?raw").body()).isEqualTo(number);
    assertThat(run("config", "show", "--device", "vv-1", "--namespace", "common", "--format", "json").out())
        .contains("\"fw\" : " + number);
  }

  static Stream<String> jsonNumbers() {
    return Stream.of("1.10", "1e3", "9007199254740993", "123456789012345678901234567890", "-0.0");
  }

  @Test
  void stringOptionIsStillAcceptedAndStoresText() {
    assertThat(run("kv", "put", "global/tv_api/zone", "42", "--string").status()).isZero();
    assertThat(run("kv", "get", "global/tv_api/zone", "--json").out()).contains("\"value\" : \"42\"");
  }

  private static CliRun run(String... args) {
    return CliRun.fleetconf(server, args);
  }
}
