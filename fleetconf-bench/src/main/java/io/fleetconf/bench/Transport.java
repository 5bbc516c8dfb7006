package io.fleetconf.bench;

import java.util.Locale;

/** How each simulated device hears of changes to its config. */
enum Transport {
  /** One long-poll at a time, re-issued with the revision of each answer as its index. */
  LONGPOLL("a long-poll", "X-Fleetconf-Revision"),
  /** One Server-Sent Events stream, opened once and kept: each change arrives as an event on it. */
  SSE("an event stream", "event id");

  private final String holds;
  private final String declares;

  Transport(String holds, String declares) {
    this.holds = holds;
    this.declares = declares;
  }

  /** {@code longpoll} or {@code sse}, as on the command line. */
  static Transport named(String name) {
    for (Transport transport : values()) {
      if (transport.label().equals(name)) {
        return transport;
      }
    }
    throw new IllegalArgumentException("the transport must be longpoll or sse, was '" + name + "'");
  }

  String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** What each device holds open with it, for log lines: "a long-poll", "an event stream". */
  String holds() {
    return holds;
  }

  /** What gives an answer's revision beside its body: a header, or the event's id. */
  String declares() {
    return declares;
  }
}
