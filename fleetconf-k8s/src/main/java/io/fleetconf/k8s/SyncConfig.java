package io.fleetconf.k8s;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.fleetconf.agent.AgentConfig;
import io.fleetconf.core.Durations;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The settings of {@code fleetconf k8s sync}, read from YAML (docs/kubernetes.md) and validated at
 * load with messages that name the setting: the fleetconf server and credentials, the devices to
 * follow, the Kubernetes namespace, and the objects each device's config becomes.
 */
public record SyncConfig(
    String server,
    List<String> servers,
    Optional<String> token,
    Optional<Path> tokenFile,
    Optional<Path> certificateFile,
    Optional<Path> keyFile,
    Optional<Path> caFile,
    List<String> devices,
    String kubernetesNamespace,
    Optional<String> pollWait,
    Optional<String> resync,
    List<Mapping> objects,
    Optional<AgentConfig.Ansible> ansible,
    Optional<String> nodeLabel) {

  /** True if {@code device} can be synced: a device id that fits a label value. */
  static boolean isDeviceName(String device) {
    return device != null && LABEL_VALUE.matcher(device).matches();
  }

  /** What {@code {device}} in an object's name stands for. */
  static final String DEVICE_PLACEHOLDER = "{device}";
  private static final Pattern DNS_SUBDOMAIN = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");
  private static final Pattern DATA_KEY = Pattern.compile("[-._a-zA-Z0-9]+");
  private static final Pattern LABEL_KEY = Pattern.compile(
      "([a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?");
  private static final Pattern LABEL_VALUE = Pattern.compile("([A-Za-z0-9][-A-Za-z0-9_.]{0,61})?[A-Za-z0-9]");

  /**
   * One fleetconf namespace of each device as a ConfigMap (its plain values) and a Secret (its
   * secret ones) named {@code name}: one data key per config key ({@code data: keys}, the default),
   * or one whole file under {@code key}, rendered as the agent renders an output ({@code format} or
   * {@code template}).
   */
  public record Mapping(
      String name,
      String namespace,
      Optional<String> data,
      Optional<String> key,
      Optional<String> format,
      Optional<Path> template,
      Optional<String> templateMode) {
    public Mapping {
      data = optional(data);
      key = optional(key);
      format = optional(format);
      template = optional(template);
      templateMode = optional(templateMode);
    }

    /** True for one whole file, false for one data key per config key. */
    public boolean wholeFile() {
      return data.map("file"::equals).orElse(false);
    }

    /** The object's name for {@code device}. */
    public String objectName(String device) {
      return name.replace(DEVICE_PLACEHOLDER, device.toLowerCase(java.util.Locale.ROOT));
    }

    /** The agent's output this mapping renders, for a whole file. */
    AgentConfig.Output output() {
      return new AgentConfig.Output(name, namespace, template, format, Optional.empty(), Path.of(key.orElse(name)),
          Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), templateMode);
    }
  }

  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory())
      .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
      .registerModule(new com.fasterxml.jackson.datatype.jdk8.Jdk8Module())
      .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  /** Reads and validates a sync config file. */
  public static SyncConfig load(Path file) {
    SyncConfig config;
    try {
      config = YAML.readValue(Files.readString(file), SyncConfig.class);
    } catch (UnrecognizedPropertyException e) {
      throw new SyncException("cannot read sync config " + file + ": unknown setting " + where(e));
    } catch (JsonMappingException e) {
      throw new SyncException("cannot read sync config " + file + ": " + where(e) + ": "
          + e.getOriginalMessage().lines().findFirst().orElse(""));
    } catch (IOException e) {
      throw new SyncException("cannot read sync config " + file + ": " + e.getMessage());
    }
    if (config == null) {
      throw new SyncException("sync config " + file + " is empty");
    }
    return config.validated();
  }

  private static String where(JsonMappingException e) {
    StringBuilder path = new StringBuilder();
    for (JsonMappingException.Reference ref : e.getPath()) {
      path.append(ref.getFieldName() != null ? (path.isEmpty() ? "" : ".") + ref.getFieldName() : "[" + ref.getIndex() + "]");
    }
    return path.toString();
  }

  public SyncConfig {
    servers = servers == null ? List.of() : List.copyOf(servers);
    devices = devices == null ? List.of() : List.copyOf(devices);
    objects = objects == null ? List.of() : List.copyOf(objects);
    token = optional(token);
    tokenFile = optional(tokenFile);
    certificateFile = optional(certificateFile);
    keyFile = optional(keyFile);
    caFile = optional(caFile);
    pollWait = optional(pollWait);
    resync = optional(resync);
    ansible = optional(ansible);
    nodeLabel = optional(nodeLabel);
  }

  SyncConfig validated() {
    require(server == null || servers.isEmpty(), "give one of server and servers, not both");
    require(!serverUrls().isEmpty(), "server is required");
    serverUrls().forEach(url -> require(url.startsWith("http://") || url.startsWith("https://"),
        "server must be an http(s) URL, was '" + url + "'"));
    require(!(token.isPresent() && tokenFile.isPresent()), "give one of token and token_file, not both");
    require(certificateFile.isPresent() == keyFile.isPresent(), "give certificate_file and key_file together");
    require(token.isPresent() || tokenFile.isPresent() || certificateFile.isPresent(),
        "give a token (token or token_file: a device's, or an operator's limited to the devices listed)"
            + " or a client certificate (certificate_file and key_file)");
    if (nodeLabel.isPresent()) {
      require(devices.isEmpty(), "give one of devices and node_label, not both");
      require(LABEL_KEY.matcher(nodeLabel.get()).matches(),
          "node_label must be a label key such as fleetconf.io/device, was '" + nodeLabel.get() + "'");
      objects.forEach(mapping -> require(mapping.name() == null || mapping.name().contains(DEVICE_PLACEHOLDER),
          "objects: with node_label every name must hold {device}, '" + mapping.name() + "' does not"));
    } else {
      require(!devices.isEmpty(), "devices must list at least one device id");
    }
    for (String device : devices) {
      require(device != null && LABEL_VALUE.matcher(device).matches(),
          "devices: '" + device + "' is not a device id that fits a label value (letters, digits, _ - ., at most 63)");
    }
    require(new HashSet<>(devices).size() == devices.size(), "devices lists a device twice");
    require(kubernetesNamespace != null && kubernetesNamespace.length() <= 63
        && kubernetesNamespace.matches("[a-z0-9]([-a-z0-9]*[a-z0-9])?"),
        "kubernetes_namespace is required (a DNS label such as edge), was '" + kubernetesNamespace + "'");
    require(!objects.isEmpty(), "objects must list at least one ConfigMap/Secret to make");
    for (int i = 0; i < objects.size(); i++) {
      validate(objects.get(i), "objects[" + i + "]");
    }
    Set<String> names = new HashSet<>();
    for (String device : devices) {
      for (Mapping mapping : objects) {
        require(names.add(mapping.objectName(device)), "objects: two objects would be named '"
            + mapping.objectName(device) + "'" + (mapping.name().contains(DEVICE_PLACEHOLDER) ? ""
            : " (put {device} in the name when several devices are synced)"));
      }
    }
    duration(pollWait, Duration.ofMinutes(5), "poll_wait");
    duration(resync, Duration.ofMinutes(1), "resync");
    return this;
  }

  private void validate(Mapping mapping, String where) {
    require(mapping.name() != null && !mapping.name().isBlank(), where + ".name is required");
    require(mapping.namespace() != null && mapping.namespace().matches("[A-Za-z0-9_.\\-]+"),
        where + ".namespace is required (a fleetconf namespace such as tv_scheduler)");
    for (String device : nodeLabel.isPresent() ? List.of("a") : devices) {
      String name = mapping.objectName(device);
      require(isObjectName(name), where + ".name '" + mapping.name()
          + "' gives '" + name + "' for device " + device + ", which is not a Kubernetes object name"
          + " (lower-case letters, digits, - and .)");
    }
    mapping.data().ifPresent(d -> require(d.equals("keys") || d.equals("file"),
        where + ".data must be keys or file, was '" + d + "'"));
    if (!mapping.wholeFile()) {
      require(mapping.key().isEmpty() && mapping.format().isEmpty() && mapping.template().isEmpty(),
          where + ": key, format and template are for data: file");
      return;
    }
    require(mapping.key().isPresent() && DATA_KEY.matcher(mapping.key().get()).matches(),
        where + ".key is required with data: file (a data key such as config.yaml), was '"
            + mapping.key().orElse("") + "'");
    require(mapping.format().isPresent() != mapping.template().isPresent(),
        where + ": give exactly one of format and template");
    mapping.format().ifPresent(f -> {
      try {
        io.fleetconf.format.Format.named(f);
      } catch (RuntimeException e) {
        throw new SyncException("sync config: " + where + ".format: " + e.getMessage());
      }
    });
    mapping.template().ifPresent(t -> require(Files.isReadable(t), where + ".template " + t + " cannot be read"));
    mapping.templateMode().ifPresent(m -> require(m.equals("ansible") || m.equals("fleetconf"),
        where + ".template_mode must be ansible or fleetconf, was '" + m + "'"));
  }

  /** Whether {@code name} can name a ConfigMap or Secret (a DNS subdomain). */
  static boolean isObjectName(String name) {
    return name.length() <= 253 && DNS_SUBDOMAIN.matcher(name).matches();
  }

  /** The servers to use, in order. */
  public List<String> serverUrls() {
    return server == null ? servers : List.of(server);
  }

  /** How long the server may hold a long-poll (default 5 minutes). */
  public Duration pollWaitTime() {
    return duration(pollWait, Duration.ofMinutes(5), "poll_wait");
  }

  /** How often every device is reconciled even without a change, and the wait before a retry (default 1 minute). */
  public Duration resyncTime() {
    return duration(resync, Duration.ofMinutes(1), "resync");
  }

  public AgentConfig.Ansible ansibleSettings() {
    return ansible.orElse(new AgentConfig.Ansible(Optional.empty(), Optional.empty(), List.of()));
  }

  /** The token to present, read from {@code token_file} when given there. */
  Optional<String> resolveToken() {
    return token.or(() -> tokenFile.map(file -> {
      try {
        return Files.readString(file).strip();
      } catch (IOException e) {
        throw new SyncException("cannot read token_file " + file + ": " + e.getMessage());
      }
    }));
  }

  private static Duration duration(Optional<String> text, Duration fallback, String what) {
    Duration value = text.map(t -> Durations.parse(t, ChronoUnit.SECONDS).orElseThrow(() -> new SyncException(
        "sync config: " + what + " must be a duration like 500ms, 30s or 5m, was '" + t + "'"))).orElse(fallback);
    require(value.isPositive(), what + " must be more than 0, was '" + text.orElse("") + "'");
    return value;
  }

  static <T> Optional<T> optional(Optional<T> value) {
    return value == null ? Optional.empty() : value;
  }

  private static void require(boolean ok, String message) {
    if (!ok) {
      throw new SyncException("sync config: " + message);
    }
  }
}
