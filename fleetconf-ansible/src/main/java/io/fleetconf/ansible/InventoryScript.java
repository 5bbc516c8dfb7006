package io.fleetconf.ansible;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fleetconf.core.Excerpt;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * An inventory script, read as Ansible's {@code script} plugin reads it: an executable file (or one
 * starting with {@code #!}) run with {@code --list}, printing JSON groups and, in
 * {@code _meta.hostvars}, each host's variables; without {@code _meta} the script is asked
 * {@code --host <name>} for each host.
 */
final class InventoryScript {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final long TIMEOUT_SECONDS = 120;

  private final Path script;
  private final Inventory.Builder inventory;
  private final Set<String> hosts = new LinkedHashSet<>();

  private InventoryScript(Path script, Inventory.Builder inventory) {
    this.script = script;
    this.inventory = inventory;
  }

  /** True if Ansible would run {@code file} as a script: executable, or starting with {@code #!}. */
  static boolean is(Path file) throws IOException {
    if (Files.isExecutable(file)) {
      return true;
    }
    try (InputStream in = Files.newInputStream(file)) {
      byte[] start = in.readNBytes(2);
      return start.length == 2 && start[0] == '#' && start[1] == '!';
    }
  }

  static void read(Path script, Inventory.Builder inventory) {
    new InventoryScript(script, inventory).read();
  }

  private void read() {
    JsonNode listed = run("--list");
    if (!listed.isObject()) {
      throw new AnsibleException("inventory script " + script + ": --list must print a JSON object of groups");
    }
    listed.properties().forEach(group -> {
      if (!group.getKey().equals("_meta")) {
        group(group.getKey(), group.getValue());
      }
    });
    JsonNode meta = listed.path("_meta").path("hostvars");
    for (String host : hosts) {
      JsonNode vars = meta.isMissingNode() ? run("--host", host) : meta.path(host);
      if (vars.isObject()) {
        vars.properties().forEach(v -> inventory.hostVariable(host, v.getKey(), v.getValue(), false));
      } else if (!vars.isMissingNode() && !vars.isNull()) {
        throw new AnsibleException("inventory script " + script + ": the variables of host '" + host
            + "' must be a JSON object");
      }
    }
  }

  /** One group: a list of hosts, an object of hosts/vars/children, or (no such key) one host's vars. */
  private void group(String name, JsonNode data) {
    inventory.group(name);
    if (!data.isObject()) {
      data = JsonNodeFactory.instance.objectNode().set("hosts", data);
    } else if (!data.has("hosts") && !data.has("vars") && !data.has("children")) {
      ObjectNode simplified = JsonNodeFactory.instance.objectNode();
      simplified.putArray("hosts").add(name);
      simplified.set("vars", data);
      data = simplified;
    }
    JsonNode members = data.path("hosts");
    if (!members.isMissingNode() && !members.isArray()) {
      throw new AnsibleException("inventory script " + script + ": group '" + name + "' has hosts that are not a list");
    }
    members.forEach(host -> {
      hosts.add(host.asText());
      inventory.host(host.asText(), name);
    });
    JsonNode vars = data.path("vars");
    if (!vars.isMissingNode() && !vars.isObject()) {
      throw new AnsibleException("inventory script " + script + ": group '" + name + "' has vars that are not an object");
    }
    vars.properties().forEach(v -> inventory.groupVariable(name, v.getKey(), v.getValue(), false));
    data.path("children").forEach(child -> inventory.child(name, child.asText()));
  }

  /** Runs the script with {@code args}; its standard output as JSON. */
  private JsonNode run(String... args) {
    List<String> command = new java.util.ArrayList<>(List.of(script.toAbsolutePath().toString()));
    command.addAll(List.of(args));
    try {
      Process process = new ProcessBuilder(command).directory(script.toAbsolutePath().getParent().toFile()).start();
      process.getOutputStream().close();
      CompletableFuture<byte[]> err = CompletableFuture.supplyAsync(() -> readAll(process.getErrorStream()));
      byte[] out = process.getInputStream().readAllBytes();
      if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new AnsibleException("inventory script " + script + " " + String.join(" ", args)
            + " did not finish within " + TIMEOUT_SECONDS + " s");
      }
      if (process.exitValue() != 0) {
        String stderr = new String(err.join(), StandardCharsets.UTF_8).strip();
        throw new AnsibleException("inventory script " + script + " " + String.join(" ", args) + " failed (exit "
            + process.exitValue() + ")" + (stderr.isEmpty() ? "" : ": " + Excerpt.of(stderr)));
      }
      return JSON.readTree(new String(out, StandardCharsets.UTF_8));
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new AnsibleException("inventory script " + script + " " + String.join(" ", args)
          + " printed no valid JSON: " + e.getOriginalMessage());
    } catch (IOException e) {
      throw new AnsibleException("cannot run inventory script " + script + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AnsibleException("interrupted while running inventory script " + script);
    }
  }

  private static byte[] readAll(InputStream in) {
    try {
      return in.readAllBytes();
    } catch (IOException e) {
      return new byte[0];
    }
  }
}
