package io.fleetconf.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fleetconf.client.FleetconfClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RendererTest {
  @TempDir Path dir;

  private static io.fleetconf.client.Config config(Map<String, Object> values) {
    var builder = FleetconfClient.builder();
    values.forEach(builder::defaultValue);
    try (FleetconfClient client = builder.start()) {
      return client.config();
    }
  }

  private static AgentConfig.Output output(Optional<Path> template, Optional<String> format, Optional<String> path) {
    return new AgentConfig.Output("out", "tv_scheduler", template, format, path, Path.of("/tmp/x"),
        Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());
  }

  @Test
  void ansibleTemplateRendersAsJinjaWithTrimBlocks() throws Exception {
    Path template = Path.of(getClass().getResource("/tv_scheduler.yaml.j2").toURI());
    var config = config(Map.of(
        "tv_scheduler/timezone", "Europe/Lisbon", "tv_scheduler/volume", 40, "tv_scheduler/night_mode", true,
        "tv_scheduler/rules", List.of(Map.of("name", "news", "channel", 1, "days", List.of("mon", "tue")),
            Map.of("name", "football", "channel", 7, "days", List.of("sat"))),
        "common/dvr_ip", "10.1.0.1"));
    byte[] bytes = new Renderer("vv-1").render(output(Optional.of(template), Optional.empty(), Optional.empty()), config);
    // The expected text is what Python's Jinja2 3.1 renders with Ansible's settings (trim_blocks,
    // keep_trailing_newline) from the same template and values.
    assertThat(new String(bytes, StandardCharsets.UTF_8)).isEqualTo("""
        # tv_scheduler for vv-1, managed by fleetconf
        timezone: Europe/Lisbon
        volume: 40
        night_mode: on
        rules:
          - name: NEWS
            channel: 1
            days: mon,tue
          - name: FOOTBALL
            channel: 7
            days: sat
        healthy: true
        dvr: 10.1.0.1:554
        """);
  }

  @Test
  void builtInFormatRendersTheNamespaceOrASubtree() {
    var values = new java.util.LinkedHashMap<String, Object>();
    values.put("tv_scheduler/volume", 40);
    values.put("tv_scheduler/limits/max", 90);
    var config = config(values);
    assertThat(new String(new Renderer("vv-1").render(output(Optional.empty(), Optional.of("env"), Optional.empty()),
        config), StandardCharsets.UTF_8)).isEqualTo("VOLUME=40\nLIMITS_MAX=90\n");
    assertThat(new String(new Renderer("vv-1").render(
        output(Optional.empty(), Optional.of("json"), Optional.of("tv_scheduler/limits")), config),
        StandardCharsets.UTF_8)).isEqualTo("{\n  \"max\": 90\n}\n");
  }

  @Test
  void aBrokenTemplateNamesTheLine() throws Exception {
    Path template = dir.resolve("bad.j2");
    Files.writeString(template, "ok\n{% for x in %}\n");
    assertThatThrownBy(() -> new Renderer("vv-1").render(output(Optional.of(template), Optional.empty(),
        Optional.empty()), config(Map.of())))
        .isInstanceOf(AgentException.class).hasMessageStartingWith("template bad.j2: line 2:");
  }
}
