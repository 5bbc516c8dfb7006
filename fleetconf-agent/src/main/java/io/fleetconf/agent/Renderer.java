package io.fleetconf.agent;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fleetconf.client.Config;
import io.fleetconf.format.Format;
import io.fleetconf.format.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Turns an output's part of the config into file bytes: a Jinja template, run as Ansible's template
 * module runs it (see {@link StrictJinja}), or a built-in format of
 * a namespace or subtree. A template sees each namespace as a variable ({@code tv_scheduler.volume}),
 * the whole tree as {@code config}, and {@code device_id} and {@code revision}.
 */
final class Renderer {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final StrictJinja jinja = new StrictJinja();
  private final String deviceId;

  Renderer(String deviceId) {
    this.deviceId = deviceId;
  }

  byte[] render(AgentConfig.Output output, Config config) {
    if (output.template().isPresent()) {
      return template(output, config);
    }
    Format format = Format.named(output.format().orElseThrow());
    String path = output.path().orElse(output.namespace());
    // An empty file would silently drop every setting the service reads: a typo in the namespace,
    // or a namespace deleted by mistake, fails the output instead. An explicit {} still renders.
    JsonNode subtree = config.get(path).map(value -> Json.read(value.asJson())).orElseThrow(() -> new AgentException((output.path().isPresent() ? "path '"
        : "namespace '") + path + "' is not in this device's config: nothing written (an empty file would drop"
        + " every setting the service reads)"));
    return format.render(subtree).getBytes(StandardCharsets.UTF_8);
  }

  private byte[] template(AgentConfig.Output output, Config config) {
    String source;
    try {
      source = Files.readString(output.template().get());
    } catch (IOException e) {
      throw new AgentException("cannot read template " + output.template().get() + ": " + e.getMessage());
    }
    @SuppressWarnings("unchecked")
    Map<String, Object> tree = JSON.convertValue(Json.read(config.asJson()), Map.class);
    Map<String, Object> context = new LinkedHashMap<>();
    tree.forEach((namespace, value) -> context.put(namespace, StrictJinja.tree(namespace, value)));
    context.put("config", StrictJinja.tree("config", tree));
    context.put("device_id", deviceId);
    context.put("revision", config.revision().value());
    StrictJinja.Rendered result = jinja.render(source, context);
    return result.output().orElseThrow(() -> new AgentException("template " + output.template().get() + ": "
        + result.problems().stream().map(p -> "line " + p.line() + ": " + p.message()).collect(Collectors.joining("; "))))
        .getBytes(StandardCharsets.UTF_8);
  }
}
