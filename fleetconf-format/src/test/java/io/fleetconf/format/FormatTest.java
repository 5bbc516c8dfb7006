package io.fleetconf.format;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fleetconf.core.InvalidInputException;
import org.junit.jupiter.api.Test;

class FormatTest {

  @Test
  void namedIgnoresCaseAndKnowsTheAliases() {
    assertThat(Format.named("json")).isEqualTo(Format.JSON);
    assertThat(Format.named("YAML")).isEqualTo(Format.YAML);
    assertThat(Format.named("yml")).isEqualTo(Format.YAML);
    assertThat(Format.named("Env")).isEqualTo(Format.ENV);
    assertThat(Format.named("dotenv")).isEqualTo(Format.ENV);
    assertThat(Format.named("PROPERTIES")).isEqualTo(Format.PROPERTIES);
  }

  @Test
  void namedRefusesAnUnknownFormat() {
    assertThatThrownBy(() -> Format.named("xml"))
        .isInstanceOf(DocumentException.class)
        .hasMessage("unknown format 'xml'; expected one of json, yaml, env, properties");
  }

  @Test
  void documentExceptionIsInvalidInputWithItsOwnCode() {
    assertThatThrownBy(() -> Format.named("toml"))
        .isInstanceOfSatisfying(InvalidInputException.class,
            e -> assertThat(e.code()).isEqualTo("invalid_document"));
  }

  @Test
  void mediaTypes() {
    assertThat(Format.JSON.mediaType()).isEqualTo("application/json");
    assertThat(Format.YAML.mediaType()).isEqualTo("application/yaml");
    assertThat(Format.ENV.mediaType()).isEqualTo("text/plain; charset=utf-8");
    assertThat(Format.PROPERTIES.mediaType()).isEqualTo("text/plain; charset=utf-8");
  }
}
