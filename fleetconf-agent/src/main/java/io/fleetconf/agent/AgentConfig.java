package io.fleetconf.agent;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import io.fleetconf.core.Durations;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The agent's settings, read from YAML (see docs/agent.md) and validated at start with messages
 * that name the setting: the server, this device, a state directory, outputs and actions.
 */
public record AgentConfig(
    String server,
    String deviceId,
    Optional<String> token,
    Optional<Path> tokenFile,
    Optional<Path> caFile,
    Optional<String> enrolToken,
    Optional<Path> enrolTokenFile,
    Optional<Path> identityDir,
    Path stateDir,
    Optional<String> pollWait,
    Optional<String> debounce,
    List<Output> outputs,
    Map<String, Action> actions) {

  /** One rendered file. */
  public record Output(
      String name,
      String namespace,
      Optional<Path> template,
      Optional<String> format,
      Optional<String> path,
      Path destination,
      Optional<String> mode,
      Optional<String> owner,
      Optional<String> check,
      Optional<String> action) {
    public Output {
      template = optional(template);
      format = optional(format);
      path = optional(path);
      mode = optional(mode);
      owner = optional(owner);
      check = optional(check);
      action = optional(action);
    }
  }

  /** What to do when files change: a signal to a process, or a command; then an optional health check. */
  public record Action(
      Optional<String> signal,
      Optional<Path> pidFile,
      Optional<Long> pid,
      Optional<String> command,
      Optional<String> timeout,
      Optional<Health> health) {
    public Action {
      signal = optional(signal);
      pidFile = optional(pidFile);
      pid = optional(pid);
      command = optional(command);
      timeout = optional(timeout);
      health = optional(health);
    }
  }

  /** A command that must exit 0, or a URL that must answer 2xx, within a timeout, with retries. */
  public record Health(
      Optional<String> command,
      Optional<String> url,
      Optional<String> timeout,
      Optional<Integer> retries,
      Optional<String> interval,
      Optional<String> delay) {
    public Health {
      delay = optional(delay);
      command = optional(command);
      url = optional(url);
      timeout = optional(timeout);
      retries = optional(retries);
      interval = optional(interval);
    }
  }

  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory())
      .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
      .registerModule(new com.fasterxml.jackson.datatype.jdk8.Jdk8Module())
      .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
      .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);

  /** Reads and validates an agent config file. */
  public static AgentConfig load(Path file) {
    AgentConfig config;
    try {
      config = YAML.readValue(Files.readString(file), AgentConfig.class);
    } catch (IOException e) {
      String reason = e.getMessage() == null ? e.toString() : e.getMessage().lines().findFirst().orElse("");
      throw new AgentException("cannot read agent config " + file + ": " + reason);
    }
    if (config == null) {
      throw new AgentException("agent config " + file + " is empty");
    }
    return config.validated();
  }

  public AgentConfig {
    outputs = outputs == null ? List.of() : List.copyOf(outputs);
    actions = actions == null ? Map.of() : new LinkedHashMap<>(actions);
    token = optional(token);
    tokenFile = optional(tokenFile);
    caFile = optional(caFile);
    enrolToken = optional(enrolToken);
    enrolTokenFile = optional(enrolTokenFile);
    identityDir = optional(identityDir);
    pollWait = optional(pollWait);
    debounce = optional(debounce);
  }

  AgentConfig validated() {
    require(server != null && !server.isBlank(), "server is required");
    require(server.startsWith("http://") || server.startsWith("https://"), "server must be an http(s) URL, was '" + server + "'");
    require(deviceId != null && deviceId.matches("[A-Za-z0-9_.\\-]+"), "device_id is required (letters, digits, _ - .)");
    require(!(token.isPresent() && tokenFile.isPresent()), "give one of token and token_file, not both");
    require(!(enrolToken.isPresent() && enrolTokenFile.isPresent()), "give one of enrol_token and enrol_token_file, not both");
    require(stateDir != null, "state_dir is required");
    require(token.isPresent() || tokenFile.isPresent() || enrolToken.isPresent() || enrolTokenFile.isPresent()
        || Files.exists(identity().resolve(Identity.CERTIFICATE_FILE)),
        "give a device token (token or token_file) or, for a client certificate, enrol_token or enrol_token_file");
    require(!outputs.isEmpty(), "outputs must list at least one file");
    for (Output output : outputs) {
      String where = "outputs." + output.name();
      require(output.name() != null && !output.name().isBlank(), "every output needs a name");
      require(outputs.stream().filter(o -> output.name().equals(o.name())).count() == 1, where + ": the name is used twice");
      require(output.namespace() != null && !output.namespace().isBlank(), where + ".namespace is required");
      require(output.destination() != null, where + ".destination is required");
      require(output.template().isPresent() != output.format().isPresent(),
          where + ": give exactly one of template and format");
      output.format().ifPresent(f -> io.fleetconf.core.format.Format.named(f));
      output.mode().ifPresent(m -> require(m.matches("0?[0-7]{3}"), where + ".mode must be octal like 0644, was " + m));
      output.action().ifPresent(a -> require(actions.containsKey(a), where + ".action '" + a + "' is not in actions"));
    }
    actions.forEach((name, action) -> {
      String where = "actions." + name;
      require(action.command().isPresent() || action.pidFile().isPresent()
          || action.pid().isPresent(), where + " needs a command, or a pid_file or pid to signal");
      action.health().ifPresent(h -> require(h.command().isPresent() != h.url().isPresent(),
          where + ".health: give exactly one of command and url"));
    });
    return this;
  }

  /** Jackson leaves absent Optional fields of records null; read them as empty. */
  static <T> Optional<T> optional(Optional<T> value) {
    return value == null ? Optional.empty() : value;
  }

  static Duration duration(Optional<String> text, Duration fallback, String what) {
    return optional(text).map(t -> Durations.parse(t, ChronoUnit.SECONDS).orElseThrow(() ->
        new AgentException(what + " must be a duration like 500ms, 30s or 5m, was '" + t + "'"))).orElse(fallback);
  }

  /** The device token, if one is configured. */
  Optional<String> resolveToken() {
    return token.or(() -> tokenFile.map(file -> read(file, "token_file")));
  }

  /** The one-time enrolment token, if one is configured. */
  Optional<String> resolveEnrolToken() {
    return enrolToken.or(() -> enrolTokenFile.map(file -> read(file, "enrol_token_file")));
  }

  /** Where the agent keeps its private key and certificate (default: {@code <state_dir>/identity}). */
  Path identity() {
    return identityDir.orElseGet(() -> stateDir.resolve("identity"));
  }

  private static String read(Path file, String what) {
    try {
      return Files.readString(file).strip();
    } catch (IOException e) {
      throw new AgentException("cannot read " + what + " " + file + ": " + e.getMessage());
    }
  }

  private static void require(boolean ok, String message) {
    if (!ok) {
      throw new AgentException("agent config: " + message);
    }
  }

}
