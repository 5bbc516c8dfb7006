package io.fleetconf.client;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fleetconf.core.Revision;
import io.fleetconf.format.Json;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A config's values come out as JSON text, scalar text or plain Java, numbers as the server wrote them. */
class ConfigValueTest {
  private final Config config = new Config((ObjectNode) Json.read(
      "{\"tv\": {\"fw\": 1.10, \"on\": true, \"days\": [\"mon\", 2], \"name\": \"a\\\"b\"}}"), Revision.of(3),
      Source.SERVER, List.of());

  @Test
  void valuesKeepTheirNumberTextAsJsonTextAndJava() {
    ConfigValue tv = config.get("tv").orElseThrow();
    assertThat(tv.asJson()).isEqualTo("{\"fw\":1.10,\"on\":true,\"days\":[\"mon\",2],\"name\":\"a\\\"b\"}");
    assertThat(tv).hasToString(tv.asJson());
    assertThat(tv.asText()).isEqualTo(tv.asJson());
    assertThat(config.get("tv/fw").orElseThrow().asText()).isEqualTo("1.10");
    assertThat(config.get("tv/name").orElseThrow().asText()).isEqualTo("a\"b");
    assertThat(tv.asJava()).isEqualTo(Map.of("fw", new BigDecimal("1.10"), "on", true, "days", List.of("mon",
        new BigDecimal("2")), "name", "a\"b"));
    assertThat(((BigDecimal) config.get("tv/fw").orElseThrow().asJava()).toPlainString()).isEqualTo("1.10");
    assertThat(config.asJson()).isEqualTo("{\"tv\":" + tv.asJson() + "}");
    assertThat(config.get("").orElseThrow().asJson()).isEqualTo(config.asJson());
    assertThat(config.get("tv/missing")).isEmpty();
  }
}
