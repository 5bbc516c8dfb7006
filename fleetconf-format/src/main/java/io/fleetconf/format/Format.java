package io.fleetconf.format;

import io.fleetconf.core.Excerpt;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * A text format that a config tree is exported to and imported from.
 *
 * <p>JSON and YAML carry the tree as it is. ENV and PROPERTIES flatten it into one line per leaf
 * and parse back to a flat object of strings, so they do not round-trip types or nesting.
 */
public enum Format {
  JSON("application/json"),
  YAML("application/yaml"),
  ENV("text/plain; charset=utf-8"),
  PROPERTIES("text/plain; charset=utf-8");

  private final String mediaType;

  Format(String mediaType) {
    this.mediaType = mediaType;
  }

  /**
   * Renders a config tree as text in this format, keys in the order of the tree, with a trailing
   * newline. Object members that are {@code null} are skipped.
   *
   * @throws DocumentException if the tree cannot be expressed, e.g. two keys that flatten to the
   *     same .env name, or a scalar at the top of a .env or .properties document
   */
  public String render(JsonNode tree) {
    Objects.requireNonNull(tree, "tree");
    return switch (this) {
      case JSON -> JsonFormat.render(tree);
      case YAML -> YamlFormat.render(tree);
      case ENV -> EnvFormat.render(tree);
      case PROPERTIES -> PropertiesFormat.render(tree);
    };
  }

  /**
   * Parses a document in this format. JSON and YAML give any JSON value (an empty YAML document
   * gives an empty object); ENV and PROPERTIES give an object of string values under the flat keys
   * as written.
   *
   * @throws DocumentException naming the line (and column, where known) of malformed input
   */
  public JsonNode parse(String text) {
    Objects.requireNonNull(text, "text");
    return switch (this) {
      case JSON -> JsonFormat.parse(text);
      case YAML -> YamlFormat.parse(text);
      case ENV -> EnvFormat.parse(text);
      case PROPERTIES -> PropertiesFormat.parse(text);
    };
  }

  /**
   * Parses a document into config-tree keys: as {@link #parse}, but {@code .env} names are
   * lower-cased ({@code LOG_LEVEL} becomes {@code log_level}), the names the ENV renderer turns
   * back into the same variables.
   *
   * @throws DocumentException also for two {@code .env} names that differ only in case, naming both
   *     and their lines
   */
  public JsonNode parseAsTree(String text) {
    Objects.requireNonNull(text, "text");
    return this == ENV ? EnvFormat.parseLowerCased(text) : parse(text);
  }

  /** Looks a format up by name, ignoring case; also accepts "yml" and "dotenv". */
  public static Format named(String name) {
    return switch (name.toLowerCase(Locale.ROOT)) {
      case "json" -> JSON;
      case "yaml", "yml" -> YAML;
      case "env", "dotenv" -> ENV;
      case "properties" -> PROPERTIES;
      default -> throw new DocumentException(
          "unknown format '" + Excerpt.of(name) + "'; expected one of json, yaml, env, properties");
    };
  }

  /**
   * The format a file's name says it holds: {@code .yaml}/{@code .yml}, {@code .json},
   * {@code .properties}, or {@code .env} (also {@code .env.local}, {@code app.env}).
   */
  public static Optional<Format> ofFileName(String fileName) {
    String name = fileName.toLowerCase(Locale.ROOT);
    if (name.endsWith(".yaml") || name.endsWith(".yml")) {
      return Optional.of(YAML);
    }
    if (name.endsWith(".json")) {
      return Optional.of(JSON);
    }
    if (name.endsWith(".properties")) {
      return Optional.of(PROPERTIES);
    }
    if (name.equals(".env") || name.endsWith(".env") || name.startsWith(".env.")) {
      return Optional.of(ENV);
    }
    return Optional.empty();
  }

  /** The MIME type to answer with. */
  public String mediaType() {
    return mediaType;
  }
}
