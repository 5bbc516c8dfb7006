package io.fleetconf.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The tables of {@link Extras}: changes that concern some devices, and the writer with and without watchers. */
final class ExtrasReport {
  private static final List<String> CHANGES = List.of("devices", "change", "concerned", "rounds", "all-have p50",
      "all-have p99", "all-have max", "others woken, sum", "others woken, max/round");
  private static final List<String> WRITES = List.of("devices", "PUT", "before p50", "before p99", "before max",
      "held p50", "held p99", "held max", "after p50", "after p99", "after max", "p50 held/before",
      "p50 held/after");

  private ExtrasReport() {}

  static String tables(List<Result> results, boolean markdown) {
    List<List<String>> changes = new ArrayList<>(List.of(CHANGES));
    List<List<String>> writes = new ArrayList<>(List.of(WRITES));
    for (Result r : results) {
      String devices = Integer.toString(r.devices());
      for (Map.Entry<String, Extras.Change> e : r.extras().changes().entrySet()) {
        Extras.Change c = e.getValue();
        changes.add(List.of(devices, e.getKey(), Integer.toString(c.concerned()), Integer.toString(c.others().count()),
            Report.ms(c.latency().p50()), Report.ms(c.latency().p99()), Report.ms(c.latency().max()),
            Long.toString(c.othersSum()), Long.toString(c.others().max())));
      }
      for (Map.Entry<String, Extras.Writes> e : r.extras().writes().entrySet()) {
        Extras.Writes w = e.getValue();
        writes.add(List.of(devices, e.getKey(), Report.ms(w.before().p50()), Report.ms(w.before().p99()),
            Report.ms(w.before().max()), Report.ms(w.held().p50()), Report.ms(w.held().p99()),
            Report.ms(w.held().max()), Report.ms(w.after().p50()), Report.ms(w.after().p99()),
            Report.ms(w.after().max()), ratio(w.held(), w.before()), ratio(w.held(), w.after())));
      }
    }
    StringBuilder out = new StringBuilder();
    if (changes.size() > 1) {
      out.append(markdown ? "" : "\n").append("Changes by what they concern: ms per measured round until the last")
          .append(" concerned device had it (devices' clock, from just before they said armed), and held watches")
          .append(" the server woke beyond the concerned ones (its woken counter; should be 0)\n")
          .append(markdown ? "\n" : "").append(Table.render(changes, markdown));
    }
    if (writes.size() > 1) {
      out.append("\n").append("Writer: PUT round trip in ms, with no watch held before the devices process starts")
          .append(" (before), with every device holding a long-poll (held), and with none after it quit (after)\n")
          .append(markdown ? "\n" : "").append(Table.render(writes, markdown));
    }
    return out.toString();
  }

  private static String ratio(Distribution over, Distribution under) {
    return over.p50() == 0 || under.p50() == 0 ? "-" : String.format("%.2f", (double) over.p50() / under.p50());
  }
}
