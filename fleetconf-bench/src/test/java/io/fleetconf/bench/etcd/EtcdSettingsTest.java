package io.fleetconf.bench.etcd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The etcd bench's option for its second fan-out, one connection per watcher. */
class EtcdSettingsTest {
  @Test
  void oneConnectionEachIsOnUnlessTurnedOff() {
    assertThat(EtcdSettings.parse(new String[0]).oneConnectionEach()).isTrue();
    assertThat(EtcdSettings.parse(new String[] {"--one-connection-each", "false"}).oneConnectionEach()).isFalse();
    assertThat(EtcdSettings.parse(new String[] {"--one-connection-each", "true"}).oneConnectionEach()).isTrue();
  }

  @Test
  void oneConnectionEachTakesOnlyTrueOrFalse() {
    assertThatThrownBy(() -> EtcdSettings.parse(new String[] {"--one-connection-each", "yes"}))
        .hasMessage("--one-connection-each must be true or false, was yes");
  }
}
