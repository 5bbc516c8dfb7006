package io.fleetconf.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class KeyTest {

  @Test
  void parsesEachScopeKind() {
    assertThat(Key.parse("defaults/common/log_level").scope()).isEqualTo(Scope.DEFAULTS);
    assertThat(Key.parse("global/common/log_level").scope()).isEqualTo(Scope.GLOBAL);
    Key group = Key.parse("groups/site/lisbon/tv_scheduler/rules");
    assertThat(group.scope()).isEqualTo(new Scope.Group(GroupName.of("site/lisbon")));
    assertThat(group.path().toString()).isEqualTo("tv_scheduler/rules");
    Key device = Key.parse("devices/vv-lis-01/common/dvr_ip");
    assertThat(device.scope()).isEqualTo(new Scope.Device(DeviceId.of("vv-lis-01")));
    assertThat(device.path().namespace()).isEqualTo("common");
  }

  @Test
  void rawKeyIsTheConsulLayout() {
    assertThat(Key.parse("devices/device_id_123/common/dvr_ip").raw())
        .isEqualTo("fleet/devices/device_id_123/common/dvr_ip");
  }

  @Test
  void prefixMayNameAWholeScope() {
    Key prefix = Key.parsePrefix("groups/site/porto");
    assertThat(prefix.path().isRoot()).isTrue();
    assertThat(prefix.toString()).isEqualTo("groups/site/porto");
    assertThat(Key.parse("groups/site/porto/common/x").isUnder(prefix)).isTrue();
    assertThat(Key.parse("groups/site/portofino/common/x").isUnder(prefix)).isFalse();
  }

  @Test
  void isUnderRespectsSegmentBoundaries() {
    Key prefix = Key.parsePrefix("global/common");
    assertThat(Key.parse("global/common").isUnder(prefix)).isTrue();
    assertThat(Key.parse("global/common/a").isUnder(prefix)).isTrue();
    assertThat(Key.parse("global/commons/a").isUnder(prefix)).isFalse();
  }

  @Test
  void refusesAKeyWithoutPath() {
    assertThatThrownBy(() -> Key.parse("global"))
        .isInstanceOf(InvalidInputException.class)
        .hasMessage("key 'global' names a scope but no path in it");
  }

  @Test
  void plainKeysLieOutsideTheRootAndHaveTheirPathAsRawForm() {
    Key plain = Key.parse("plain/config/application/data");
    assertThat(plain.scope()).isEqualTo(Scope.PLAIN);
    assertThat(plain.raw()).isEqualTo("config/application/data");
    assertThat(Key.fromRaw("config/application/data", "fleet")).isEqualTo(plain);
    assertThat(Key.fromRaw("fleet/global/common/log_level", "fleet")).isEqualTo(Key.parse("global/common/log_level"));
    assertThat(Key.fromRaw("vv_ai/devices/cam-1/dvr/ip", "vv_ai").raw("vv_ai")).isEqualTo("vv_ai/devices/cam-1/dvr/ip");
    assertThatThrownBy(() -> Key.fromRaw("fleet/region/x", "fleet")).hasMessageStartingWith("unknown scope 'region'");
    // Spring's profile folders: a comma in a plain key, but not in a layered one.
    assertThat(Key.fromRaw("config/application,prod/data", "fleet").raw()).isEqualTo("config/application,prod/data");
    assertThatThrownBy(() -> Key.fromRaw("fleet/global/a,b/c", "fleet"))
        .hasMessage("key path 'a,b/c' has an illegal character in segment 'a,b'; allowed are letters, digits, '_', '-'"
            + " and '.'");
  }

  @Test
  void refusesUnknownScope() {
    assertThatThrownBy(() -> Key.parse("region/eu/common/x"))
        .hasMessage("unknown scope 'region' in 'region/eu/common/x'; expected defaults, global, "
            + "groups/<kind>/<name>, devices/<id> or plain");
  }

  @Test
  void refusesDotDotAndEmptySegmentsAndControlCharacters() {
    assertThatThrownBy(() -> Key.parse("global/common/../secrets"))
        .hasMessage("key path 'common/../secrets' must not contain '..' segments");
    assertThatThrownBy(() -> Key.parse("global/common//x"))
        .hasMessage("key path 'common//x' has an empty segment");
    assertThatThrownBy(() -> Key.parse("global/common/x\ny"))
        .hasMessage("key path 'common/x\\u000ay' has an illegal character in segment 'x\\u000ay';"
            + " allowed are letters, digits, '_', '-' and '.'");
    assertThatThrownBy(() -> Key.parse("global/common/"))
        .hasMessage("key path 'common/' has an empty segment");
  }

  @Test
  void refusesPathsTooDeepOrTooLong() {
    String deep = "global/" + "a/".repeat(KeyPath.MAX_DEPTH) + "a";
    assertThatThrownBy(() -> Key.parse(deep)).hasMessageEndingWith("is deeper than 32 segments");
    String longPath = "global/" + "a".repeat(100) + "/" + "b".repeat(100) + "/" + "c".repeat(100) + "/"
        + "d".repeat(100) + "/" + "e".repeat(120);
    assertThatThrownBy(() -> Key.parse(longPath)).hasMessage("key path is longer than 512 characters");
  }

  @Test
  void groupNamesHaveKindAndName() {
    assertThatThrownBy(() -> GroupName.of("lisbon"))
        .hasMessage("group name 'lisbon' must have the form <kind>/<name>, e.g. site/lisbon");
    assertThatThrownBy(() -> Key.parse("groups/site"))
        .hasMessage("'groups/site' must start with groups/<kind>/<name>");
  }

  @Test
  void deviceListingAGroupTwiceIsRefused() {
    assertThatThrownBy(() -> new Device(DeviceId.of("d1"),
        java.util.List.of(GroupName.of("site/a"), GroupName.of("site/a")), java.util.Map.of()))
        .hasMessage("device 'd1' lists a group twice: [site/a, site/a]");
  }

  /** Keys sort as their texts do (the store's key ranges rely on it), now without building the texts. */
  @Test
  void keysAndPathsSortExactlyAsTheirTexts() {
    java.util.List<Key> keys = java.util.stream.Stream.of("global", "global/a", "global/a/b", "global/a.b", "global/a-b",
        "global/ab", "global/a/b/c", "global/a0", "global/A", "defaults/a", "defaults", "groups/site/a",
        "groups/site/a/x", "groups/site/a-b/x", "groups/site/ab", "groups/sitea/b", "devices/vv-1", "devices/vv-1/x",
        "devices/vv-10/x", "devices/vv-1.x/y", "plain/config/app", "plain/config/app/data", "plain/config")
        .map(Key::parsePrefix).toList();
    for (Key a : keys) {
      for (Key b : keys) {
        assertThat(Integer.signum(a.compareTo(b))).as(a + " vs " + b)
            .isEqualTo(Integer.signum(a.toString().compareTo(b.toString())));
        assertThat(Integer.signum(a.path().compareTo(b.path()))).as(a.path() + " vs " + b.path())
            .isEqualTo(Integer.signum(a.path().toString().compareTo(b.path().toString())));
      }
    }
  }
}
