package io.fleetconf.k8s;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The sync's settings: read with defaults, and refused at load with the setting at fault named. */
class SyncConfigTest {
  @TempDir Path dir;

  private static final String GOOD = """
      server: http://fleetconf.example:8585
      token: abc
      devices: [vv-01, vv-02]
      kubernetes_namespace: edge
      objects:
        - name: "{device}-tv"
          namespace: tv_scheduler
        - name: "{device}-env"
          namespace: tv_api
          data: file
          key: tv_api.env
          format: env
      """;

  private SyncConfig load(String yaml) throws IOException {
    Path file = dir.resolve("sync.yaml");
    Files.writeString(file, yaml);
    return SyncConfig.load(file);
  }

  private void refused(String yaml, String message) {
    assertThatThrownBy(() -> load(yaml)).isInstanceOf(SyncException.class).hasMessage(message);
  }

  @Test
  void readsMappingsWithDefaults() throws IOException {
    SyncConfig config = load(GOOD);
    assertThat(config.serverUrls()).containsExactly("http://fleetconf.example:8585");
    assertThat(config.pollWaitTime()).isEqualTo(Duration.ofMinutes(5));
    assertThat(config.resyncTime()).isEqualTo(Duration.ofMinutes(1));
    assertThat(config.objects().get(0).wholeFile()).isFalse();
    assertThat(config.objects().get(1).wholeFile()).isTrue();
    assertThat(config.objects().get(1).objectName("VV-02")).isEqualTo("vv-02-env");
  }

  @Test
  void nodeLabelTakesThePlaceOfDevicesAndIsRefusedByNameWhenWrong() throws IOException {
    String byNode = GOOD.replace("devices: [vv-01, vv-02]", "node_label: fleetconf.io/device");
    assertThat(load(byNode).nodeLabel()).contains("fleetconf.io/device");
    assertThat(load(byNode).devices()).isEmpty();
    refused(GOOD.replace("devices: [vv-01, vv-02]", "devices: [vv-01]\nnode_label: fleetconf.io/device"),
        "sync config: give one of devices and node_label, not both");
    refused(byNode.replace("fleetconf.io/device", "Fleetconf.io/de vice"),
        "sync config: node_label must be a label key such as fleetconf.io/device, was 'Fleetconf.io/de vice'");
    refused(byNode.replace("\"{device}-tv\"", "tv"),
        "sync config: objects: with node_label every name must hold {device}, 'tv' does not");
  }

  @Test
  void badSettingsAreRefusedByName() {
    refused(GOOD.replace("token: abc\n", ""), "sync config: give a token (token or token_file: a device's, or an"
        + " operator's limited to the devices listed) or a client certificate (certificate_file and key_file)");
    refused(GOOD.replace("edge", "Edge_1"),
        "sync config: kubernetes_namespace is required (a DNS label such as edge), was 'Edge_1'");
    refused(GOOD.replace("devices: [vv-01, vv-02]", "devices: []"), "sync config: devices must list at least one device id");
    refused(GOOD.replace("\"{device}-tv\"", "tv"), "sync config: objects: two objects would be named 'tv'"
        + " (put {device} in the name when several devices are synced)");
    refused(GOOD.replace("[vv-01, vv-02]", "[vv_01]"), "sync config: objects[0].name '{device}-tv' gives 'vv_01-tv'"
        + " for device vv_01, which is not a Kubernetes object name (lower-case letters, digits, - and .)");
    refused(GOOD.replace("data: file", "data: files"), "sync config: objects[1].data must be keys or file, was 'files'");
    refused(GOOD.replace("    key: tv_api.env\n", ""),
        "sync config: objects[1].key is required with data: file (a data key such as config.yaml), was ''");
    refused(GOOD.replace("format: env", "template: /nowhere/t.j2"),
        "sync config: objects[1].template /nowhere/t.j2 cannot be read");
    refused(GOOD.replace("    namespace: tv_scheduler\n", "    namespace: tv_scheduler\n    key: x\n"),
        "sync config: objects[0]: key, format and template are for data: file");
    refused(GOOD + "resync: soon\n", "sync config: resync must be a duration like 500ms, 30s or 5m, was 'soon'");
    refused(GOOD + "colour: blue\n", "cannot read sync config " + dir.resolve("sync.yaml") + ": unknown setting colour");
    refused(GOOD.replace("http://", "ftp://"),
        "sync config: server must be an http(s) URL, was 'ftp://fleetconf.example:8585'");
  }
}
