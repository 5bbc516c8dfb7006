package io.fleetconf.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ConfigAnswerTest {
  private static final String BODY = """
      {
        "device" : "d00001",
        "revision" : 1234,
        "secrets" : [ "a/b" ],
        "config" : {
          "orchestrator" : { "fps" : 30, "common" : { "log_level" : "wrong" } },
          "common" : { "dvr_ip" : "10.0.1.1", "log_level" : "v3", "rules" : [ { "log_level" : "x" } ] }
        }
      }""";

  private static ConfigAnswer parse(String body, String path) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    return ConfigAnswer.parse(bytes, bytes.length, path.split("/"));
  }

  @Test
  void readsTheRevisionAndTheValueAtThePath() throws IOException {
    assertThat(parse(BODY, "common/log_level")).isEqualTo(new ConfigAnswer(1234, "v3"));
    assertThat(parse(BODY, "orchestrator/fps")).isEqualTo(new ConfigAnswer(1234, "30"));
  }

  @Test
  void saysWhatIsMissing() throws IOException {
    assertThat(parse(BODY, "common/nothing").value()).isEqualTo(ConfigAnswer.MISSING);
    assertThat(parse(BODY, "orchestrator/fps/deeper").value()).isEqualTo(ConfigAnswer.MISSING);
    assertThat(parse("{\"config\": {}}", "common/log_level")).isEqualTo(new ConfigAnswer(-1, ConfigAnswer.MISSING));
  }

  @Test
  void refusesWhatIsNoObject() {
    assertThatThrownBy(() -> parse("[1, 2]", "common/log_level")).isInstanceOf(IOException.class);
  }
}
