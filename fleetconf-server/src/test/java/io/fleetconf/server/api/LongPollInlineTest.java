package io.fleetconf.server.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Only a device's long-poll is handled on the event loop that read it: anything that may block
 * (an event stream, a store read, a write) must keep its own thread.
 */
class LongPollInlineTest {
  private static boolean inline(String method, String target, Map<String, String> headers) {
    return DevicesApi.longPoll(method, URI.create(target), name -> Optional.ofNullable(headers.get(name)));
  }

  @Test
  void aDevicesLongPollIsHandledInline() {
    assertThat(inline("GET", "/api/v1/devices/vv-1/config?index=5", Map.of())).isTrue();
    assertThat(inline("GET", "/api/v1/devices/vv-1/config/common?wait=60s&index=5", Map.of())).isTrue();
    assertThat(inline("GET", "/api/v1/devices/vv-1/config?index=5&format=env", Map.of("Accept", "*/*"))).isTrue();
  }

  @Test
  void whatMayBlockIsNot() {
    assertThat(inline("GET", "/api/v1/devices/vv-1/config?index=5", Map.of("Accept", "text/event-stream")))
        .as("an event stream writes for as long as it is open").isFalse();
    assertThat(inline("GET", "/api/v1/devices/vv-1/reports?index=5", Map.of())).as("reads the store").isFalse();
    assertThat(inline("POST", "/api/v1/devices/vv-1/config?index=5", Map.of())).isFalse();
    assertThat(inline("GET", "/api/v1/devices/vv-1/config", Map.of())).as("no index: a plain read").isFalse();
    assertThat(inline("GET", "/api/v1/devices/vv-1/config?windex=5", Map.of())).isFalse();
    assertThat(inline("GET", "/api/v1/devices/vv-1/config/a/b?index=5", Map.of())).isFalse();
    assertThat(inline("GET", "/api/v1/entries/global?index=5", Map.of())).isFalse();
  }
}
