package io.fleetconf.core;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EffectiveConfigTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Device DEVICE = new Device(DeviceId.of("vv-1"),
      List.of(GroupName.of("device_type/rpi4"), GroupName.of("site/lisbon")), Map.of());

  private final List<Entry> entries = new ArrayList<>();
  private long revision;

  private void put(String key, String json) {
    put(key, json, false);
  }

  private void putReplacing(String key, String json) {
    put(key, json, true);
  }

  private void put(String key, String json, boolean replace) {
    revision++;
    try {
      entries.add(new Entry(Key.parse(key), JSON.readTree(json), Revision.of(revision), Revision.of(revision), 1,
          false, 0, replace));
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  private EffectiveConfig resolve() {
    List<Layer> layers = DEVICE.scopes().stream()
        .map(scope -> Layer.of(entries.stream().filter(e -> e.key().scope().equals(scope)).toList()))
        .toList();
    return EffectiveConfig.merge(layers);
  }

  private static JsonNode json(String text) throws Exception {
    return JSON.readTree(text);
  }

  @Test
  void moreSpecificScopeWins() throws Exception {
    put("defaults/common/log_level", "\"warning\"");
    put("global/common/log_level", "\"info\"");
    put("groups/device_type/rpi4/common/log_level", "\"notice\"");
    put("groups/site/lisbon/common/log_level", "\"error\"");
    assertThat(resolve().tree()).isEqualTo(json("{\"common\":{\"log_level\":\"error\"}}"));
    put("devices/vv-1/common/log_level", "\"debug\"");
    assertThat(resolve().tree()).isEqualTo(json("{\"common\":{\"log_level\":\"debug\"}}"));
  }

  @Test
  void laterGroupOutranksEarlierGroup() throws Exception {
    put("groups/site/lisbon/common/dvr_ip", "\"10.1.0.1\"");
    put("groups/device_type/rpi4/common/dvr_ip", "\"10.2.0.1\"");
    assertThat(resolve().tree().at("/common/dvr_ip").asText()).isEqualTo("10.1.0.1");
  }

  @Test
  void objectsMergeKeyByKeyAcrossScopes() throws Exception {
    put("global/self_monitor", "{\"cpu\": 80, \"disk\": 10}");
    put("groups/device_type/rpi4/self_monitor", "{\"cpu\": 70}");
    assertThat(resolve().tree()).isEqualTo(json("{\"self_monitor\":{\"cpu\":70,\"disk\":10}}"));
  }

  /** The keys of {@code path}'s object in the resolved tree, in its order. */
  private List<String> keysAt(String pointer) {
    List<String> keys = new ArrayList<>();
    resolve().tree().at(pointer).fieldNames().forEachRemaining(keys::add);
    return keys;
  }

  @Test
  void anObjectReplacingTheOneBelowKeepsItsOwnKeyOrder() throws Exception {
    // Ansible's replace: the inventory import names every lower key, dropped ones as null tombstones
    put("global/vars/env", "{\"zone\": \"eu\", \"mode\": \"prod\", \"bind\": {\"port\": 80, \"addr\": \"a\"}}");
    put("groups/site/lisbon/vars/env", "{\"bind\": {\"addr\": \"b\", \"port\": 81}, \"zone\": \"pt\", \"mode\": null}");
    assertThat(keysAt("/vars/env")).containsExactly("bind", "zone");
    assertThat(keysAt("/vars/env/bind")).containsExactly("addr", "port");
  }

  @Test
  void anObjectMergedIntoTheOneBelowKeepsTheLowerOrderAndAppendsItsNewKeys() throws Exception {
    // as Python's dict.update and Ansible's combine(recursive=True)
    put("global/vars/env", "{\"zone\": \"eu\", \"mode\": \"prod\", \"bind\": \"x\"}");
    put("groups/site/lisbon/vars/env", "{\"log\": \"info\", \"bind\": \"y\", \"app\": 1}");
    assertThat(keysAt("/vars/env")).containsExactly("zone", "mode", "bind", "log", "app");
  }

  @Test
  void arraysAndScalarsReplace() throws Exception {
    put("global/tv_scheduler", "{\"rules\": [1, 2, 3], \"volume\": {\"day\": 40}}");
    put("groups/site/lisbon/tv_scheduler", "{\"rules\": [9], \"volume\": 10}");
    assertThat(resolve().tree()).isEqualTo(json("{\"tv_scheduler\":{\"rules\":[9],\"volume\":10}}"));
  }

  @Test
  void objectValueIsMountedAndFinerKeysInTheSameScopeOverrideIt() throws Exception {
    put("global/tv_scheduler", "{\"timezone\": \"UTC\", \"rules\": [1], \"limits\": {\"max\": 3, \"min\": 1}}");
    put("global/tv_scheduler/limits/max", "5");
    put("global/tv_scheduler/timezone", "\"Europe/Lisbon\"");
    assertThat(resolve().tree()).isEqualTo(json(
        "{\"tv_scheduler\":{\"timezone\":\"Europe/Lisbon\",\"rules\":[1],\"limits\":{\"max\":5,\"min\":1}}}"));
  }

  @Test
  void mountingThroughAScalarReplacesItWithAnObject() throws Exception {
    put("global/orchestrator/mode", "\"simple\"");
    put("global/orchestrator/mode/fps", "10");
    assertThat(resolve().tree()).isEqualTo(json("{\"orchestrator\":{\"mode\":{\"fps\":10}}}"));
  }

  @Test
  void explicitNullDeletesFromLowerScopes() throws Exception {
    put("global/common", "{\"log_level\": \"info\", \"dvr_ip\": \"10.0.0.1\"}");
    put("devices/vv-1/common/dvr_ip", "null");
    assertThat(resolve().tree()).isEqualTo(json("{\"common\":{\"log_level\":\"info\"}}"));
    assertThat(resolve().provenance()).containsOnlyKeys("common/log_level");
  }

  @Test
  void nullInsideAMountedObjectDeletesToo() throws Exception {
    put("global/self_monitor", "{\"cpu\": 80, \"disk\": 10}");
    put("groups/site/lisbon/self_monitor", "{\"disk\": null}");
    assertThat(resolve().tree()).isEqualTo(json("{\"self_monitor\":{\"cpu\":80}}"));
  }

  @Test
  void aHigherScopeCanSetAgainWhatALowerOneDeleted() throws Exception {
    put("global/common/x", "1");
    put("groups/device_type/rpi4/common/x", "null");
    put("devices/vv-1/common/x", "3");
    assertThat(resolve().tree()).isEqualTo(json("{\"common\":{\"x\":3}}"));
  }

  @Test
  void provenanceNamesScopeKeyAndRevisionOfEveryLeaf() {
    put("global/self_monitor", "{\"cpu\": 80, \"disk\": 10}");
    put("groups/site/lisbon/self_monitor/cpu", "75");
    var provenance = resolve().provenance();
    assertThat(provenance).containsOnlyKeys("self_monitor/cpu", "self_monitor/disk");
    assertThat(provenance.get("self_monitor/cpu"))
        .isEqualTo(new Origin(Key.parse("groups/site/lisbon/self_monitor/cpu"), Revision.of(2)));
    assertThat(provenance.get("self_monitor/disk"))
        .isEqualTo(new Origin(Key.parse("global/self_monitor"), Revision.of(1)));
    assertThat(provenance.get("self_monitor/disk").scope()).isEqualTo(Scope.GLOBAL);
  }

  @Test
  void namespaceViewIsRelative() throws Exception {
    put("global/common/log_level", "\"info\"");
    put("global/orchestrator/fps", "10");
    EffectiveConfig common = resolve().namespace("common");
    assertThat(common.tree()).isEqualTo(json("{\"log_level\":\"info\"}"));
    assertThat(common.provenance()).containsOnlyKeys("log_level");
    assertThat(resolve().namespace("missing").tree()).isEqualTo(json("{}"));
  }

  @Test
  void otherDevicesScopesDoNotLeakIn() throws Exception {
    put("devices/vv-2/common/log_level", "\"debug\"");
    put("groups/site/porto/common/log_level", "\"debug\"");
    assertThat(resolve().tree()).isEqualTo(json("{}"));
  }

  @Test
  void leavesFlattenForDiffs() throws Exception {
    put("global/a", "{\"b\": {\"c\": 1}, \"d\": [1], \"e\": {}}");
    assertThat(resolve().leaves()).containsExactly(
        Map.entry("a/b/c", json("1")), Map.entry("a/d", json("[1]")), Map.entry("a/e", json("{}")));
  }

  @Test
  void replacingEntryReplacesLowerObjectWhole() throws Exception {
    put("global/vars/opts", "{\"a\": 1, \"b\": {\"c\": 2}}");
    putReplacing("groups/site/lisbon/vars/opts", "{\"b\": {\"d\": 3}, \"e\": 4}");
    EffectiveConfig config = resolve();
    assertThat(config.tree()).isEqualTo(json("{\"vars\":{\"opts\":{\"b\":{\"d\":3},\"e\":4}}}"));
    assertThat(config.provenance().keySet()).containsExactly("vars/opts/b/d", "vars/opts/e");
    assertThat(config.provenance().get("vars/opts/e").key()).isEqualTo(Key.parse("groups/site/lisbon/vars/opts"));
  }

  @Test
  void nullsInsideReplacingEntryAreValues() throws Exception {
    put("global/vars/proxy", "\"http://proxy:3128\"");
    put("global/vars/opts", "{\"a\": 1}");
    putReplacing("devices/vv-1/vars/proxy", "null");
    putReplacing("devices/vv-1/vars/opts", "{\"a\": null, \"n\": {\"m\": null}}");
    EffectiveConfig config = resolve();
    assertThat(config.tree().toString())
        .isEqualTo("{\"vars\":{\"opts\":{\"a\":null,\"n\":{\"m\":null}},\"proxy\":null}}");
    assertThat(config.provenance().get("vars/proxy").key()).isEqualTo(Key.parse("devices/vv-1/vars/proxy"));
    assertThat(config.provenance()).containsKeys("vars/opts/a", "vars/opts/n/m");
  }

  @Test
  void higherPlainEntriesStillMergeIntoReplacingValue() throws Exception {
    putReplacing("global/vars/opts", "{\"a\": null, \"b\": 1}");
    put("devices/vv-1/vars/opts", "{\"c\": 2, \"b\": null}");
    assertThat(resolve().tree().toString()).isEqualTo("{\"vars\":{\"opts\":{\"a\":null,\"c\":2}}}");
  }

  @Test
  void plainNullStillDeletesWhereNoEntryReplaces() throws Exception {
    put("global/vars/proxy", "\"x\"");
    put("devices/vv-1/vars/proxy", "null");
    assertThat(resolve().tree()).isEqualTo(json("{\"vars\":{}}"));
  }
}
