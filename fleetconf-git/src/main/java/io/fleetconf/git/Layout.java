package io.fleetconf.git;

import com.fasterxml.jackson.databind.JsonNode;
import io.fleetconf.core.Device;
import io.fleetconf.core.DeviceId;
import io.fleetconf.core.GroupName;
import io.fleetconf.core.InvalidInputException;
import io.fleetconf.core.Key;
import io.fleetconf.core.KeyPath;
import io.fleetconf.core.Mutation;
import io.fleetconf.format.Format;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * fleetconf's repository layout, which mirrors its scopes: {@code defaults/<ns>.<ext>},
 * {@code global/<ns>.<ext>}, {@code groups/<kind>/<name>/<ns>.<ext>}, {@code devices/<id>/<ns>.<ext>}
 * and the registry {@code devices.yaml}; {@code <ext>} is yaml, yml, json, env or properties. Each
 * top-level key of a namespace file is one entry, {@code <scope>/<ns>/<key>}, as {@code fleetconf
 * import} makes them. Markdown files and files starting with a dot are ignored; any other file under
 * a scope directory is refused, so that a misspelt name fails instead of being silently skipped.
 * Works on file texts only, so that the server and (later) the agent read a repository alike.
 *
 * <p>A top-level value {@code ENC[...]} is sealed ({@link Sealing}): it is opened as it is read and
 * becomes a secret. A top-level key whose name marks a secret ({@link #mustBeSealed}) must be sealed;
 * its plaintext in a file refuses the state, and so does {@code ENC[...]} nested inside a value.
 */
public final class Layout {
  public static final String REGISTRY = "devices.yaml";
  private static final List<String> SCOPE_DIRS = List.of("defaults", "global", "groups", "devices");
  private static final Pattern LINE = Pattern.compile(" at line (\\d+)");
  /** Key names that mark a secret: the name itself, or its last {@code _}-separated part(s). */
  private static final Pattern SECRET_NAME =
      Pattern.compile("(?:.*_)?(?:secret|password|passwd|token|api_key|private_key|credentials)");

  private Layout() {}

  /**
   * Reads the desired state from the files under {@code root} ("" for the repository's top).
   *
   * @param files repository path to file text; paths outside {@code root} are ignored
   * @throws LayoutException naming the first file that is refused, with the line when known
   */
  public static DesiredState read(String root, SortedMap<String, String> files) {
    return read(root, files, Unsealer.NONE);
  }

  /** As {@link #read(String, SortedMap)}, opening sealed values with {@code unsealer}. */
  public static DesiredState read(String root, SortedMap<String, String> files, Unsealer unsealer) {
    String prefix = root.isEmpty() ? "" : root + "/";
    SortedMap<Key, JsonNode> entries = new TreeMap<>();
    java.util.SortedSet<Key> secrets = new java.util.TreeSet<>();
    SortedMap<Key, String> namespaces = new TreeMap<>();
    SortedMap<DeviceId, Device> devices = new TreeMap<>();
    Optional<String> registry = Optional.empty();
    for (Map.Entry<String, String> file : files.entrySet()) {
      String path = file.getKey();
      if (!reads(root, path)) {
        continue;
      }
      String relative = path.substring(prefix.length());
      if (relative.equals(REGISTRY)) {
        devices.putAll(registry(path, file.getValue()));
        registry = Optional.of(path);
        continue;
      }
      Key namespace = namespace(path, relative); // a file in a scope directory: reads() left only those
      String other = namespaces.putIfAbsent(namespace, path);
      if (other != null) {
        throw new LayoutException(path, OptionalInt.empty(), "namespace " + namespace
            + " is already defined by " + other + "; keep one file per namespace");
      }
      entries.putAll(entries(path, namespace, file.getValue(), unsealer, secrets));
    }
    return new DesiredState(entries, namespaces, devices, registry, secrets);
  }

  /**
   * Whether {@link #read} reads the file at {@code path} under {@code root}: the registry, or any file in a
   * scope directory that is not ignored (a misnamed one is read to be refused).
   */
  public static boolean reads(String root, String path) {
    String prefix = root.isEmpty() ? "" : root + "/";
    if (!path.startsWith(prefix) || ignored(path)) {
      return false;
    }
    String relative = path.substring(prefix.length());
    return relative.equals(REGISTRY) || SCOPE_DIRS.contains(relative.split("/")[0]);
  }

  private static boolean ignored(String path) {
    String name = path.substring(path.lastIndexOf('/') + 1);
    return name.startsWith(".") || name.toLowerCase(java.util.Locale.ROOT).endsWith(".md");
  }

  /** The {@code <scope>/<namespace>} a file in a scope directory defines; refuses a file that is not a namespace file. */
  private static Key namespace(String path, String relative) {
    String[] parts = relative.split("/");
    int depth = switch (parts[0]) {
      case "groups" -> 4;
      case "devices" -> 3;
      default -> 2;
    };
    String fileName = parts[parts.length - 1];
    Optional<Format> format = Format.ofFileName(fileName);
    if (parts.length != depth || format.isEmpty()) {
      throw new LayoutException(path, OptionalInt.empty(), "not a namespace file; expected "
          + switch (parts[0]) {
            case "groups" -> "groups/<kind>/<name>/<namespace>.yaml";
            case "devices" -> "devices/<id>/<namespace>.yaml";
            default -> parts[0] + "/<namespace>.yaml";
          } + " (or .yml, .json, .env, .properties)");
    }
    String namespace = fileName.substring(0, fileName.lastIndexOf('.'));
    try {
      String scope = String.join("/", java.util.Arrays.asList(parts).subList(0, depth - 1));
      return Key.parse(scope + "/" + namespace);
    } catch (InvalidInputException e) {
      throw new LayoutException(path, OptionalInt.empty(), e.getMessage());
    }
  }

  /** Whether a top-level key of this name must hold a sealed value: secret, password, token and the like. */
  public static boolean mustBeSealed(String name) {
    return SECRET_NAME.matcher(name.toLowerCase(java.util.Locale.ROOT)).matches();
  }

  private static Map<Key, JsonNode> entries(String path, Key namespace, String text, Unsealer unsealer,
      java.util.Set<Key> secrets) {
    JsonNode document = parse(path, text);
    if (!document.isObject()) {
      throw new LayoutException(path, OptionalInt.of(1), "the file must hold a map of keys at its top level");
    }
    Map<Key, JsonNode> entries = new LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> field : document.properties()) {
      try {
        // One entry per top-level key, named by it: a '/' in it is refused, not read as a member of another key.
        Key key = new Key(namespace.scope(), namespace.path().child(field.getKey()));
        JsonNode value = field.getValue();
        if (value.isTextual() && Sealing.isSealed(value.asText())) {
          value = com.fasterxml.jackson.databind.node.TextNode.valueOf(unsealer.open(key, value.asText()));
          secrets.add(key);
        } else {
          refuseUnsealed(key, field.getKey(), value);
        }
        Mutation.Put.of(key, value); // the limits any write meets
        entries.put(key, value);
      } catch (InvalidInputException e) {
        throw new LayoutException(path, lineOf(text, field.getKey()), e.getMessage());
      }
    }
    return entries;
  }

  /** Refuses a plaintext where a secret's name demands a sealed value, and a sealed value inside another. */
  private static void refuseUnsealed(Key key, String name, JsonNode value) {
    if (mustBeSealed(name)) {
      throw new InvalidInputException("unsealed_secret", key + " must be sealed, as its name marks a secret: "
          + "commit the ENC[...] that fleetconf seal makes, never the plaintext");
    }
    if (!value.isValueNode()) {
      value.forEach(inner -> {
        if (inner.isTextual() && Sealing.isSealed(inner.asText())) {
          throw new InvalidInputException("invalid_sealed_value", key
              + " holds ENC[...] inside a map or list; a sealed value must be a whole top-level value");
        }
        refuseUnsealed(key, "", inner);
      });
    }
  }

  private static JsonNode parse(String path, String text) {
    Format format = Format.ofFileName(path.substring(path.lastIndexOf('/') + 1)).orElseThrow();
    try {
      return format.parseAsTree(text);
    } catch (InvalidInputException e) {
      Matcher line = LINE.matcher(e.getMessage());
      throw new LayoutException(path, line.find() ? OptionalInt.of(Integer.parseInt(line.group(1)))
          : OptionalInt.empty(), e.getMessage());
    }
  }

  /** The registry: {@code <id>: {groups: [kind/name, ...], labels: {name: value}}}, later groups outranking earlier ones. */
  private static Map<DeviceId, Device> registry(String path, String text) {
    JsonNode document = parse(path, text);
    if (!document.isObject()) {
      throw new LayoutException(path, OptionalInt.of(1), "the registry must map device ids to {groups, labels}");
    }
    Map<DeviceId, Device> devices = new LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> field : document.properties()) {
      try {
        devices.put(DeviceId.of(field.getKey()), device(field.getKey(), field.getValue()));
      } catch (InvalidInputException e) {
        throw new LayoutException(path, lineOf(text, field.getKey()), e.getMessage());
      }
    }
    return devices;
  }

  private static Device device(String id, JsonNode spec) {
    if (spec.isNull()) {
      return new Device(DeviceId.of(id), List.of(), Map.of());
    }
    if (!spec.isObject()) {
      throw new InvalidInputException("invalid_device", "device '" + id + "' must map to {groups, labels}");
    }
    for (String field : (Iterable<String>) spec::fieldNames) {
      if (!field.equals("groups") && !field.equals("labels")) {
        throw new InvalidInputException("invalid_device", "device '" + id + "' has '" + field
            + "'; a device holds only groups and labels");
      }
    }
    List<GroupName> groups = new ArrayList<>();
    JsonNode listed = spec.path("groups");
    if (!listed.isMissingNode() && !listed.isArray()) {
      throw new InvalidInputException("invalid_device", "groups of device '" + id + "' must be a list");
    }
    listed.forEach(group -> groups.add(GroupName.of(group.asText())));
    Map<String, String> labels = new TreeMap<>();
    JsonNode given = spec.path("labels");
    if (!given.isMissingNode() && !given.isObject()) {
      throw new InvalidInputException("invalid_device", "labels of device '" + id + "' must be a map");
    }
    given.properties().forEach(label -> labels.put(label.getKey(), label.getValue().asText()));
    return new Device(DeviceId.of(id), groups, labels);
  }

  /** The first line that starts (after indentation) with {@code name}, for an error about that key. */
  private static OptionalInt lineOf(String text, String name) {
    String[] lines = text.split("\n", -1);
    for (int i = 0; i < lines.length; i++) {
      String line = lines[i].stripLeading();
      if (line.startsWith(name) || line.startsWith("\"" + name) || line.startsWith("'" + name)) {
        return OptionalInt.of(i + 1);
      }
    }
    return OptionalInt.empty();
  }
}
