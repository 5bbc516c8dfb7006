package io.fleetconf.core.format;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Locale;

/** The document formats a config tree is read from and rendered to. */
public enum Format {
  JSON("application/json"),
  YAML("application/yaml"),
  ENV("text/plain; charset=utf-8"),
  PROPERTIES("text/plain; charset=utf-8");

  private final String mediaType;

  Format(String mediaType) {
    this.mediaType = mediaType;
  }

  /** Renders a config tree in this format; deterministic, in the tree's key order. */
  public String render(JsonNode tree) {
    return switch (this) {
      case JSON -> JsonFormat.render(tree);
      case YAML -> YamlFormat.render(tree);
      case ENV -> EnvFormat.render(tree);
      case PROPERTIES -> PropertiesFormat.render(tree);
    };
  }

  /**
   * Parses a document: JSON and YAML into any value; {@code .env} and properties into an object of
   * strings, keys as written.
   */
  public JsonNode parse(String text) {
    return switch (this) {
      case JSON -> JsonFormat.parse(text);
      case YAML -> YamlFormat.parse(text);
      case ENV -> EnvFormat.parse(text);
      case PROPERTIES -> PropertiesFormat.parse(text);
    };
  }

  /** Looks a format up by name, case-insensitively; also {@code yml} and {@code dotenv}. */
  public static Format named(String name) {
    return switch (name.toLowerCase(Locale.ROOT)) {
      case "json" -> JSON;
      case "yaml", "yml" -> YAML;
      case "env", "dotenv" -> ENV;
      case "properties" -> PROPERTIES;
      default -> throw new DocumentException(
          "unknown format '" + name + "'; expected one of json, yaml, env, properties");
    };
  }

  /** The media type to answer with. */
  public String mediaType() {
    return mediaType;
  }
}
