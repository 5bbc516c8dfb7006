package io.fleetconf.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class EventStreamTest {
  private final List<String> events = new ArrayList<>();
  private final EventStream.Listener listener =
      (id, data, length) -> events.add(id + "=" + new String(data, 0, length, StandardCharsets.UTF_8));

  @Test
  void joinsDataLinesAndPassesOverCommentsAndOtherFields() throws IOException {
    byte[] bytes = ("id: 7\nevent: config\ndata: {\ndata:   \"revision\": 7\ndata: }\n\n: keep-alive\n\n"
        + "id: 8\r\nevent: config\r\ndata: {}\r\n\r\n").getBytes(StandardCharsets.UTF_8);

    int used = new EventStream().read(bytes, bytes.length, listener);

    assertThat(used).isEqualTo(bytes.length);
    assertThat(events).containsExactly("7={\n  \"revision\": 7\n}", "8={}");
  }

  @Test
  void leavesAnUnfinishedLineToTheNextRead() throws IOException {
    EventStream stream = new EventStream();
    byte[] first = "id: 9\ndata: {\"revi".getBytes(StandardCharsets.UTF_8);

    int used = stream.read(first, first.length, listener);
    byte[] rest = ("data: {\"revi" + "sion\": 9}\n\n").getBytes(StandardCharsets.UTF_8);
    int usedOfRest = stream.read(rest, rest.length, listener);

    assertThat(used).isEqualTo("id: 9\n".length());
    assertThat(usedOfRest).isEqualTo(rest.length);
    assertThat(events).containsExactly("9={\"revision\": 9}");
  }
}
