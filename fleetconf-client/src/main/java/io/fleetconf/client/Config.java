package io.fleetconf.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fleetconf.core.Durations;
import io.fleetconf.core.Revision;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * One immutable, consistent view of a service's config: everything read from one {@code Config}
 * comes from the same revision. Paths are slash-separated from the namespace down, e.g.
 * {@code tv_scheduler/rules} or {@code common/log_level}.
 */
public final class Config {
  static final ObjectMapper JSON = new ObjectMapper();
  private final ObjectNode tree;
  private final Revision revision;
  private final Source source;
  private final List<String> secrets;

  Config(ObjectNode tree, Revision revision, Source source, List<String> secrets) {
    this.tree = tree;
    this.revision = revision;
    this.source = source;
    this.secrets = List.copyOf(secrets);
  }

  static Config empty() {
    return new Config(JsonNodeFactory.instance.objectNode(), Revision.ZERO, Source.DEFAULTS, List.of());
  }

  /**
   * The paths (e.g. {@code tv_api/hmac_key}) of the values that are secrets on the server: a file
   * that holds one of them should be readable by its owner only.
   */
  public List<String> secretPaths() {
    return secrets;
  }

  /** The server revision this view is as of; {@link Revision#ZERO} when it holds no server config. */
  public Revision revision() {
    return revision;
  }

  public Source source() {
    return source;
  }

  /** True when the server config in it comes from the disk cache, not from a live server. */
  public boolean isStale() {
    return source == Source.CACHE;
  }

  /**
   * The value at {@code path}, if there is one (a missing path and a JSON null are both absent);
   * {@code ""} is the whole tree.
   */
  public Optional<ConfigValue> get(String path) {
    return node(path).map(ConfigValue::new);
  }

  private Optional<JsonNode> node(String path) {
    JsonNode node = tree.at(pointer(path));
    return node.isMissingNode() || node.isNull() ? Optional.empty() : Optional.of(node);
  }

  public String getString(String path, String fallback) {
    return node(path).map(node -> node.isValueNode() ? node.asText() : node.toString()).orElse(fallback);
  }

  /** An integer; a string holding one (as {@code .env} values are) counts too; one beyond int's range is refused. */
  public int getInt(String path, int fallback) {
    long value = getLong(path, fallback);
    if (value != (int) value) {
      throw new ConfigException("'" + path + "' must be an integer from " + Integer.MIN_VALUE + " to "
          + Integer.MAX_VALUE + ", was " + value);
    }
    return (int) value;
  }

  public long getLong(String path, long fallback) {
    return node(path).map(node -> {
      if (node.canConvertToLong() && node.isIntegralNumber()) {
        return node.asLong();
      }
      try {
        return Long.parseLong(node.asText().strip());
      } catch (NumberFormatException e) {
        throw new ConfigException("'" + path + "' must be an integer, was " + node);
      }
    }).orElse(fallback);
  }

  public double getDouble(String path, double fallback) {
    return node(path).map(node -> {
      if (node.isNumber()) {
        return node.asDouble();
      }
      try {
        return Double.parseDouble(node.asText().strip());
      } catch (NumberFormatException e) {
        throw new ConfigException("'" + path + "' must be a number, was " + node);
      }
    }).orElse(fallback);
  }

  /** A boolean: JSON true/false, or the strings true/false/yes/no/on/off/1/0. */
  public boolean getBoolean(String path, boolean fallback) {
    return node(path).map(node -> {
      if (node.isBoolean()) {
        return node.asBoolean();
      }
      return switch (node.asText().strip().toLowerCase(java.util.Locale.ROOT)) {
        case "true", "yes", "on", "1" -> true;
        case "false", "no", "off", "0" -> false;
        default -> throw new ConfigException("'" + path + "' must be true or false, was " + node);
      };
    }).orElse(fallback);
  }

  /**
   * A duration: {@code 500ms}, {@code 30s}, {@code 5m}, {@code 2h}, {@code 1d}, ISO-8601
   * ({@code PT30S}), or a bare number of milliseconds.
   */
  public Duration getDuration(String path, Duration fallback) {
    return node(path).map(node -> Durations.parse(node.asText(), ChronoUnit.MILLIS).orElseThrow(() ->
        new ConfigException("'" + path + "' must be a duration such as 500ms, 30s, 5m or PT1H, was " + node)))
        .orElse(fallback);
  }

  /** A list of strings; a scalar is a list of one. */
  public List<String> getList(String path) {
    return node(path).map(node -> {
      List<String> out = new ArrayList<>();
      if (node.isArray()) {
        node.forEach(item -> out.add(item.isValueNode() ? item.asText() : item.toString()));
      } else {
        out.add(node.asText());
      }
      return List.copyOf(out);
    }).orElse(List.of());
  }

  /** The subtree at {@code path} as a config of its own (empty if absent or not an object). */
  public Config subtree(String path) {
    JsonNode node = node(path).orElse(null);
    ObjectNode sub = node instanceof ObjectNode object ? object : JsonNodeFactory.instance.objectNode();
    String prefix = path.endsWith("/") ? path : path + "/";
    return new Config(sub, revision, source, secrets.stream().filter(p -> p.startsWith(prefix))
        .map(p -> p.substring(prefix.length())).toList());
  }

  /** Binds the subtree at {@code path} to a record or class, as Jackson maps JSON to it. */
  public <T> T bind(String path, Class<T> type) {
    JsonNode node = path.isEmpty() ? tree : node(path).orElse(JsonNodeFactory.instance.objectNode());
    try {
      return JSON.treeToValue(node, type);
    } catch (com.fasterxml.jackson.core.JsonProcessingException | IllegalArgumentException e) {
      throw new ConfigException("cannot bind '" + path + "' to " + type.getSimpleName() + ": "
          + e.getMessage().lines().findFirst().orElse(""));
    }
  }

  /** The whole tree as compact JSON, numbers as written. */
  public String asJson() {
    return io.fleetconf.format.Json.write(tree);
  }

  ObjectNode tree() {
    return tree;
  }

  static String pointer(String path) {
    return path.isEmpty() ? "" : "/" + path.replace("~", "~0");
  }

  @Override
  public String toString() {
    return "Config[revision=" + revision + ", source=" + source + "]";
  }
}
