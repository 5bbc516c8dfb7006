package io.fleetconf.agent;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
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
    List<String> servers,
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
    Map<String, Action> actions,
    Optional<Ansible> ansible,
    Optional<Path> metricsFile,
    Optional<GitFollowing> git,
    List<ServiceVersions.Service> versions,
    Optional<String> versionsInterval) {

  /**
   * What an Ansible-mode template sees besides the variables: the namespace whose keys are its
   * top-level variables (default {@code vars}), {@code ansible_managed} (default Ansible's
   * {@code Ansible managed}), and the device's {@code group_names} for a fleet whose config has no
   * inventory entry from {@code fleetconf import ansible} (the entry wins when present).
   */
  public record Ansible(Optional<String> namespace, Optional<String> managed, List<String> groupNames) {
    public Ansible {
      namespace = optional(namespace);
      managed = optional(managed);
      groupNames = groupNames == null ? List.of() : List.copyOf(groupNames);
    }

    static final Ansible DEFAULT = new Ansible(Optional.empty(), Optional.empty(), List.of());

    /** The namespace holding the variables (default {@code vars}). */
    public String variables() {
      return namespace.orElse("vars");
    }
  }

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
      Optional<String> action,
      Optional<String> templateMode) {
    public Output {
      templateMode = optional(templateMode);
      template = optional(template);
      format = optional(format);
      path = optional(path);
      mode = optional(mode);
      owner = optional(owner);
      check = optional(check);
      action = optional(action);
    }

    /**
     * Whether the template renders as Ansible's template module does ({@code template_mode:
     * ansible}, the default for a {@code .j2} file) or with each namespace as a variable
     * ({@code template_mode: fleetconf}).
     */
    public boolean ansibleTemplate() {
      return templateMode.map("ansible"::equals)
          .orElseGet(() -> template.map(t -> t.getFileName().toString().endsWith(".j2")).orElse(false));
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

    /** How long the command may run (default 30 s). */
    public Duration timeoutTime() {
      return duration(timeout, Duration.ofSeconds(30), "timeout");
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

    /** How long one try may take (default 5 s). */
    public Duration timeoutTime() {
      return duration(timeout, Duration.ofSeconds(5), "timeout");
    }

    /** The pause between tries (default 1 s). */
    public Duration intervalTime() {
      return duration(interval, Duration.ofSeconds(1), "interval");
    }

    /** The wait before the first try, so that the service has reloaded (default 1 s). */
    public Duration delayTime() {
      return duration(delay, Duration.ofSeconds(1), "delay");
    }

    /** Tries in all: the first and the retries (default 3 retries). */
    public int attempts() {
      return 1 + retries.orElse(3);
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
    } catch (UnrecognizedPropertyException e) {
      throw new AgentException("cannot read agent config " + file + ": unknown setting " + where(e));
    } catch (JsonMappingException e) {
      throw new AgentException("cannot read agent config " + file + ": " + where(e) + ": " + firstLine(e));
    } catch (IOException e) {
      throw new AgentException("cannot read agent config " + file + ": " + firstLine(e));
    }
    if (config == null) {
      throw new AgentException("agent config " + file + " is empty");
    }
    return config.validated();
  }

  /** The setting a mapping error is about, as the file names it: {@code actions.reload.timeout}. */
  private static String where(JsonMappingException e) {
    StringBuilder path = new StringBuilder();
    for (JsonMappingException.Reference ref : e.getPath()) {
      if (ref.getFieldName() != null) {
        path.append(path.isEmpty() ? "" : ".").append(ref.getFieldName());
      } else {
        path.append('[').append(ref.getIndex()).append(']');
      }
    }
    return path.toString();
  }

  private static String firstLine(IOException e) {
    return e.getMessage() == null ? e.toString() : e.getMessage().lines().findFirst().orElse("");
  }

  public AgentConfig {
    servers = servers == null ? List.of() : List.copyOf(servers);
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
    ansible = optional(ansible);
    metricsFile = optional(metricsFile);
    git = optional(git);
    versions = versions == null ? List.of() : List.copyOf(versions);
    versionsInterval = optional(versionsInterval);
  }

  /** How often the agent reads its services' versions again (default 1 minute). */
  public Duration versionsIntervalTime() {
    return duration(versionsInterval, Duration.ofMinutes(1), "versions_interval");
  }

  /** Where reports go when the agent follows a repository: {@code git.report_file}, else {@code <state_dir>/reports.jsonl}. */
  public Path reportFile() {
    return git.flatMap(GitFollowing::reportFile).orElseGet(() -> stateDir.resolve("reports.jsonl"));
  }

  /** The Ansible-mode template settings, defaults where not given. */
  public Ansible ansibleSettings() {
    return ansible.orElse(Ansible.DEFAULT);
  }

  AgentConfig validated() {
    require(deviceId != null && deviceId.matches("[A-Za-z0-9_.\\-]+"), "device_id is required (letters, digits, _ - .)");
    require(stateDir != null, "state_dir is required");
    absolute(stateDir, "state_dir");
    tokenFile.ifPresent(file -> absolute(file, "token_file"));
    enrolTokenFile.ifPresent(file -> absolute(file, "enrol_token_file"));
    caFile.ifPresent(file -> absolute(file, "ca_file"));
    identityDir.ifPresent(dir -> absolute(dir, "identity_dir"));
    metricsFile.ifPresent(file -> absolute(file, "metrics_file"));
    if (git.isPresent()) {
      validateGit(git.get());
    } else {
      validateServer();
    }
    require(!outputs.isEmpty(), "outputs must list at least one file");
    for (Output output : outputs) {
      String where = "outputs." + output.name();
      require(output.name() != null && !output.name().isBlank(), "every output needs a name");
      require(outputs.stream().filter(o -> output.name().equals(o.name())).count() == 1, where + ": the name is used twice");
      require(output.namespace() != null && !output.namespace().isBlank(), where + ".namespace is required");
      require(output.destination() != null, where + ".destination is required");
      absolute(output.destination(), where + ".destination");
      output.template().ifPresent(file -> absolute(file, where + ".template"));
      require(output.template().isPresent() != output.format().isPresent(),
          where + ": give exactly one of template and format");
      output.format().ifPresent(f -> io.fleetconf.format.Format.named(f));
      output.templateMode().ifPresent(m -> require(m.equals("ansible") || m.equals("fleetconf"),
          where + ".template_mode must be ansible or fleetconf, was '" + m + "'"));
      output.mode().ifPresent(m -> require(m.matches("0?[0-7]{3}"), where + ".mode must be octal like 0644, was " + m));
      output.action().ifPresent(a -> require(actions.containsKey(a), where + ".action '" + a + "' is not in actions"));
    }
    oneOutputPerDestination();
    positive(pollWait, "poll_wait");
    positive(versionsInterval, "versions_interval");
    for (int i = 0; i < versions.size(); i++) {
      ServiceVersions.Service service = versions.get(i);
      String where = "versions[" + i + "]";
      require(service.service() != null && service.service().matches("[A-Za-z0-9_.-]{1,64}"),
          where + ".service is required (letters, digits, _ - .)");
      require(service.file().isPresent() != service.command().isPresent(), where + ": give exactly one of file and command");
      service.file().ifPresent(file -> absolute(file, where + ".file"));
      service.regex().ifPresent(regex -> {
        try {
          java.util.regex.Pattern.compile(regex);
        } catch (java.util.regex.PatternSyntaxException e) {
          throw new AgentException("agent config: " + where + ".regex is not a regular expression: " + e.getDescription());
        }
      });
    }
    duration(debounce, Duration.ZERO, "debounce");
    actions.forEach((name, action) -> {
      String where = "actions." + name;
      require(action.command().isPresent() || action.pidFile().isPresent()
          || action.pid().isPresent(), where + " needs a command, or a pid_file or pid to signal");
      positive(action.timeout(), where + ".timeout");
      action.pidFile().ifPresent(file -> absolute(file, where + ".pid_file"));
      // the signal goes into a kill command line: a name or a number, nothing else
      action.signal().ifPresent(signal -> require(signal.matches("[A-Z][A-Z0-9]{0,15}|[0-9]{1,2}"),
          where + ".signal must be a signal name like HUP or TERM, or a number, was '" + signal + "'"));
      action.health().ifPresent(h -> {
        require(h.command().isPresent() != h.url().isPresent(), where + ".health: give exactly one of command and url");
        h.url().ifPresent(url -> require(httpUrl(url), where + ".health.url must be an http(s) URL, was '" + url + "'"));
        positive(h.timeout(), where + ".health.timeout");
        positive(h.interval(), where + ".health.interval");
        duration(h.delay(), Duration.ZERO, where + ".health.delay");
        h.retries().ifPresent(r -> require(r >= 0, where + ".health.retries must be 0 or more, was " + r));
      });
    });
    return this;
  }

  /**
   * Two outputs writing one file would both be reported applied while it holds only the last one;
   * paths are compared normalised ({@code /x/out/../out/a.env} is {@code /x/out/a.env}).
   */
  private void oneOutputPerDestination() {
    Map<Path, String> writers = new LinkedHashMap<>();
    for (Output output : outputs) {
      Path file = output.destination().normalize();
      String other = writers.putIfAbsent(file, output.name());
      require(other == null, "outputs." + other + " and outputs." + output.name() + " both write " + file
          + "; give each output its own destination");
    }
  }

  /**
   * A relative path would be read against whatever directory the agent was started in ({@code /}
   * under systemd), and {@code ~} is not expanded: paths in the agent config are absolute.
   */
  private static void absolute(Path path, String what) {
    require(path.isAbsolute(), what + " must be an absolute path, was '" + path + "'");
  }

  private void validateServer() {
    require(server == null || servers.isEmpty(), "give one of server and servers, not both");
    require(!serverUrls().isEmpty() && serverUrls().stream().noneMatch(String::isBlank), "server is required");
    for (String url : serverUrls()) {
      require(url.startsWith("http://") || url.startsWith("https://"), "server must be an http(s) URL, was '" + url + "'");
    }
    require(!(token.isPresent() && tokenFile.isPresent()), "give one of token and token_file, not both");
    require(!(enrolToken.isPresent() && enrolTokenFile.isPresent()), "give one of enrol_token and enrol_token_file, not both");
    require(token.isPresent() || tokenFile.isPresent() || enrolToken.isPresent() || enrolTokenFile.isPresent()
        || Files.exists(certificateFile()),
        "give a device token (token or token_file) or, for a client certificate, enrol_token or enrol_token_file");
  }

  /** Following a repository: no server, and nothing that only a server uses. */
  private void validateGit(GitFollowing repository) {
    require(server == null && servers.isEmpty(), "give one of server and git, not both");
    require(token.isEmpty() && tokenFile.isEmpty() && enrolToken.isEmpty() && enrolTokenFile.isEmpty(),
        "git: an agent following a repository has no server to give a token to; remove the token settings");
    require(repository.url() != null && !repository.url().isBlank(), "git.url is required");
    require(repository.url().contains("://") || Path.of(repository.url()).isAbsolute(),
        "git.url must be an https://, git:// or file:// URL or an absolute path, was '" + repository.url() + "'");
    repository.credentialsFile().ifPresent(file -> absolute(file, "git.credentials_file"));
    repository.reportFile().ifPresent(file -> absolute(file, "git.report_file"));
    try {
      gitSource();
    } catch (io.fleetconf.core.InvalidInputException e) {
      throw new AgentException("agent config: git: " + e.getMessage());
    }
    positive(repository.poll(), "git.poll");
    repository.format().ifPresent(f -> require(f.equals("fleetconf") || f.equals("ansible"),
        "git.format must be fleetconf or ansible, was '" + f + "'"));
  }

  /** The repository to follow, as the server names its sources ({@code agent}); only with {@code git}. */
  public io.fleetconf.git.GitSource gitSource() {
    GitFollowing repository = git.orElseThrow();
    return new io.fleetconf.git.GitSource("agent", repository.url(),
        repository.branch().orElse(io.fleetconf.git.GitSource.DEFAULT_BRANCH), repository.path().orElse(""));
  }

  /** The servers to use, in order: {@code server} alone, or the {@code servers} list (replicas). */
  public List<String> serverUrls() {
    return server == null ? servers : List.of(server);
  }

  /** Jackson leaves absent Optional fields of records null; read them as empty. */
  static <T> Optional<T> optional(Optional<T> value) {
    return value == null ? Optional.empty() : value;
  }

  /** How long the server may hold a long-poll (default 5 minutes). */
  public Duration pollWaitTime() {
    return duration(pollWait, Duration.ofMinutes(5), "poll_wait");
  }

  /** How long a pass waits after a change, so that a burst becomes one pass (default 200 ms). */
  public Duration debounceTime() {
    return duration(debounce, Duration.ofMillis(200), "debounce");
  }

  /** The duration a setting says; {@link #validated} has checked each one, so only load throws. */
  static Duration duration(Optional<String> text, Duration fallback, String what) {
    return optional(text).map(t -> Durations.parse(t, ChronoUnit.SECONDS).orElseThrow(() -> new AgentException(
        "agent config: " + what + " must be a duration like 500ms, 30s or 5m, was '" + t + "'"))).orElse(fallback);
  }

  private static boolean httpUrl(String text) {
    try {
      java.net.URI uri = new java.net.URI(text);
      return ("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) && uri.getHost() != null;
    } catch (java.net.URISyntaxException e) {
      return false;
    }
  }

  private static void positive(Optional<String> text, String what) {
    Duration duration = duration(text, Duration.ofSeconds(1), what);
    require(duration.isPositive(), what + " must be more than 0, was '" + text.orElse("") + "'");
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

  /** The device's client certificate, once enrolled (PEM, leaf first). */
  Path certificateFile() {
    return identity().resolve("device.crt");
  }

  /** The device's private key (PEM, mode 0600). */
  Path keyFile() {
    return identity().resolve("device.key");
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
