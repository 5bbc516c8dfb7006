package io.fleetconf.git;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fleetconf.core.Device;
import io.fleetconf.core.DeviceId;
import io.fleetconf.core.Entry;
import io.fleetconf.core.GroupName;
import io.fleetconf.core.Key;
import io.fleetconf.core.Mutation;
import io.fleetconf.core.Revision;
import io.fleetconf.format.Json;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.SortedMap;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class LayoutTest {

  private static SortedMap<String, String> files(String... pathsAndTexts) {
    SortedMap<String, String> files = new TreeMap<>();
    for (int i = 0; i < pathsAndTexts.length; i += 2) {
      files.put(pathsAndTexts[i], pathsAndTexts[i + 1]);
    }
    return files;
  }

  @Test
  void everyScopeAndFormatBecomesOneEntryPerTopLevelKeyWithNumbersAsWritten() {
    DesiredState state = Layout.read("config", files(
        "README.md", "# not read",
        "config/defaults/tv.env", "LOG_LEVEL=info\n",
        "config/global/tv.yaml", "volume: 1.10\nrules:\n  quiet: [22, 7]\n",
        "config/groups/site/lisbon/tv.json", "{\"volume\": 40}",
        "config/devices/vv-01/tv.properties", "volume=60\n",
        "config/devices.yaml", "vv-01:\n  groups: [site/lisbon]\n  labels: {room: a}\n",
        "config/groups/site/README.md", "ignored",
        "other/global/x.yaml", "outside: the sub-path"));

    assertThat(state.entries()).containsOnlyKeys(Key.parse("defaults/tv/log_level"), Key.parse("global/tv/volume"),
        Key.parse("global/tv/rules"), Key.parse("groups/site/lisbon/tv/volume"), Key.parse("devices/vv-01/tv/volume"));
    assertThat(Json.write(state.entries().get(Key.parse("global/tv/volume")))).isEqualTo("1.10");
    assertThat(Json.write(state.entries().get(Key.parse("global/tv/rules")))).isEqualTo("{\"quiet\":[22,7]}");
    assertThat(Json.write(state.entries().get(Key.parse("devices/vv-01/tv/volume")))).isEqualTo("\"60\"");
    assertThat(state.fileOf(Key.parse("groups/site/lisbon/tv/volume"))).contains("config/groups/site/lisbon/tv.json");
    assertThat(state.devices()).containsExactly(Map.entry(DeviceId.of("vv-01"),
        new Device(DeviceId.of("vv-01"), List.of(GroupName.of("site/lisbon")), Map.of("room", "a"))));
    assertThat(state.registryFile()).contains("config/devices.yaml");
  }

  @Test
  void malformedYamlNamesTheFileAndTheLine() {
    assertThatThrownBy(() -> Layout.read("", files("global/tv.yaml", "volume: 60\nrules: [1, 2\nother: x\n")))
        .isInstanceOfSatisfying(LayoutException.class, e -> {
          assertThat(e.file()).isEqualTo("global/tv.yaml");
          assertThat(e.line()).hasValue(3);
          assertThat(e.getMessage()).startsWith("global/tv.yaml:3: malformed YAML at line 3");
        });
  }

  @Test
  void aKeyFleetconfRefusesNamesTheFileAndItsLine() {
    assertThatThrownBy(() -> Layout.read("", files("global/tv.yaml", "volume: 60\n\"bad key\": 1\n")))
        .isInstanceOfSatisfying(LayoutException.class, e -> {
          assertThat(e.file()).isEqualTo("global/tv.yaml");
          assertThat(e.line()).isEqualTo(OptionalInt.of(2));
          assertThat(e.reason()).contains("bad key");
        });
  }

  /** "a/b" became the entry tv/a/b, the member b of the file's own a, which it overrode without a word. */
  @Test
  void aTopLevelKeyHoldingASlashIsRefusedNotMadeAMemberOfAnotherKey() {
    assertThatThrownBy(() -> Layout.read("", files("global/tv.yaml", "a: {b: 1, c: 2}\n\"a/b\": 9\n")))
        .isInstanceOfSatisfying(LayoutException.class, e -> {
          assertThat(e.file()).isEqualTo("global/tv.yaml");
          assertThat(e.line()).isEqualTo(OptionalInt.of(2));
          assertThat(e.reason()).isEqualTo("key path segment has an illegal character in segment 'a/b'; allowed are"
              + " letters, digits, '_', '-' and '.'");
        });
  }

  @Test
  void anEnvFileWithNamesThatDifferOnlyInCaseIsRefusedNotMerged() {
    assertThatThrownBy(() -> Layout.read("", files("global/dup.env", "LOG_LEVEL=upper\nlog_level=lower\nA=1\n")))
        .isInstanceOfSatisfying(LayoutException.class, e -> {
          assertThat(e.file()).isEqualTo("global/dup.env");
          assertThat(e.line()).hasValue(2);
          assertThat(e.reason()).isEqualTo(
              "malformed .env at line 2: 'log_level' and 'LOG_LEVEL' (line 1) both import as the key log_level");
        });
  }

  @Test
  void aFileThatIsNotANamespaceFileIsRefusedNotSkipped() {
    assertThatThrownBy(() -> Layout.read("", files("groups/site/tv.yaml", "a: 1\n")))
        .isInstanceOf(LayoutException.class)
        .hasMessage("groups/site/tv.yaml: not a namespace file; expected groups/<kind>/<name>/<namespace>.yaml"
            + " (or .yml, .json, .env, .properties)");
    assertThatThrownBy(() -> Layout.read("", files("global/tv.yaml", "a: 1\n", "global/tv.json", "{}")))
        .hasMessage("global/tv.yaml: namespace global/tv is already defined by global/tv.json; keep one file per namespace");
    assertThatThrownBy(() -> Layout.read("", files("global/tv.yaml", "- a\n")))
        .hasMessage("global/tv.yaml:1: the file must hold a map of keys at its top level");
  }

  @Test
  void aRegistryDeviceWithAnUnknownFieldIsRefusedByName() {
    assertThatThrownBy(() -> Layout.read("", files("devices.yaml", "vv-01:\n  groups: [site/lisbon]\nvv-02:\n  group: [x/y]\n")))
        .isInstanceOfSatisfying(LayoutException.class, e -> {
          assertThat(e.line()).hasValue(3);
          assertThat(e.reason()).isEqualTo("device 'vv-02' has 'group'; a device holds only groups and labels");
        });
  }

  @Test
  void reconcileTouchesOnlyTheNamespacesAndDevicesTheSourceOwns() {
    DesiredState before = Layout.read("", files(
        "global/tv.yaml", "volume: 50\nold: 1\n",
        "global/gone.yaml", "x: 1\n",
        "devices.yaml", "vv-01: {groups: [site/lisbon]}\nvv-02: {}\n"));
    DesiredState after = Layout.read("", files(
        "global/tv.yaml", "volume: 60\n",
        "devices.yaml", "vv-01: {groups: [site/porto]}\nvv-03: {}\n"));
    List<Entry> stored = List.of(entry("global/tv/volume", "50"), entry("global/tv/old", "1"),
        entry("global/gone/x", "1"), entry("global/api/kept", "1"));
    List<Device> devices = List.of(new Device(DeviceId.of("vv-01"), List.of(GroupName.of("site/lisbon")), Map.of()),
        new Device(DeviceId.of("vv-02"), List.of(), Map.of()),
        new Device(DeviceId.of("vv-09"), List.of(), Map.of()));

    assertThat(Reconcile.mutations(before, after, stored, devices)).containsExactly(
        new Mutation.UpdateDevice(new Device(DeviceId.of("vv-01"), List.of(GroupName.of("site/porto")), Map.of())),
        new Mutation.CreateDevice(new Device(DeviceId.of("vv-03"), List.of(), Map.of())),
        Mutation.Put.of(Key.parse("global/tv/volume"), Json.read("60")),
        new Mutation.Delete(Key.parse("global/gone/x"), Optional.empty()),
        new Mutation.Delete(Key.parse("global/tv/old"), Optional.empty()),
        new Mutation.DeleteDevice(DeviceId.of("vv-02")));
    assertThat(Reconcile.mutations(after, after, List.of(entry("global/tv/volume", "60")),
        List.of(new Device(DeviceId.of("vv-01"), List.of(GroupName.of("site/porto")), Map.of()),
            new Device(DeviceId.of("vv-03"), List.of(), Map.of())))).isEmpty();
  }

  private static Entry entry(String key, String json) {
    return new Entry(Key.parse(key), Json.read(json), Revision.of(1), Revision.of(1), 1);
  }

  @Test
  void aSourceSpecGivesBranchAndPathAndItsUrlIsShownWithoutCredentials() {
    GitSource source = GitSource.parse("fleet=https://bot:s3cret@git.example/ops/fleet.git#prod:config/fleet");
    assertThat(source).isEqualTo(new GitSource("fleet", "https://bot:s3cret@git.example/ops/fleet.git", "prod",
        "config/fleet"));
    assertThat(source.displayUrl()).isEqualTo("https://***@git.example/ops/fleet.git");
    assertThat(source.toString()).doesNotContain("s3cret");
    assertThat(GitSource.parse("a=/srv/git/fleet.git")).isEqualTo(new GitSource("a", "/srv/git/fleet.git", "main", ""));
    assertThat(GitSource.parse("a=git://h:9418/r#:cfg")).isEqualTo(new GitSource("a", "git://h:9418/r", "main", "cfg"));
    assertThatThrownBy(() -> GitSource.parse("https://token@git.example/r.git"))
        .hasMessage("git source 'https://***@git.example/r.git' must be NAME=URL[#branch][:path]");
    assertThat(GitSource.redact("fetch of https://bot:s3cret@git.example/a failed; ssh://git@host/b too"))
        .isEqualTo("fetch of https://***@git.example/a failed; ssh://***@host/b too");
    assertThatThrownBy(() -> GitSource.parse("a=/r#main:../etc"))
        .hasMessage("source 'a': sub-path '../etc' must be a relative path without '.' or '..'");
  }
}
