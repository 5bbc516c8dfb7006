package io.fleetconf.bench;

import java.io.IOException;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The watch fan-out benchmark: for each fleet size, how long one global change takes to reach
 * every long-polling device, and what a held long-poll costs the server. With {@code writes} as
 * the first argument, the durable-writes benchmark instead ({@link WritesBench}); with {@code etcd},
 * the same scenarios against etcd ({@link io.fleetconf.bench.etcd.EtcdBench}). See
 * {@code docs/performance.md}.
 */
public final class Main {
  private Main() {}

  public static void main(String[] args) throws IOException {
    String[] rest = args.length > 0 ? Arrays.copyOfRange(args, 1, args.length) : args;
    switch (args.length > 0 ? args[0] : "") {
      case "writes" -> WritesBench.main(rest);
      case "etcd" -> io.fleetconf.bench.etcd.EtcdBench.main(rest);
      case "report" -> ReportBench.main(rest);
      case "reads" -> ReadsBench.main(rest);
      case "loaded" -> LoadedBench.main(rest);
      case "cli" -> io.fleetconf.bench.etcd.CliBench.main(rest);
      default -> fanOut(args);
    }
  }

  private static void fanOut(String[] args) throws IOException {
    BenchSettings settings = Options.orExit("fleetconf-bench", String.join("\n", BenchSettings.USAGE,
        "   or: " + WritesSettings.USAGE.substring("usage: ".length()),
        "   or: fleetconf-bench etcd [--sizes 1000,10000] [--writers 1,16] [--seconds 20] ...",
        "   or: " + ReadsSettings.USAGE.substring("usage: ".length())), () -> BenchSettings.parse(args));
    List<Result> results = new ArrayList<>();
    for (int size : settings.sizes()) {
      results.add(Scenario.run(size, settings));
    }
    Report report = new Report(results, settings, machine());
    System.out.print(report.text());
    if (settings.report().isPresent()) {
      report.append(settings.report().get(), "Watch fan-out, " + LocalDate.now());
      System.err.println("appended to " + settings.report().get());
    }
    System.exit(results.stream().allMatch(r -> r.failure().isEmpty()) ? 0 : 1);
  }

  /** The id of the device numbered {@code index} from 0: {@code d00001} and up. */
  static String deviceId(int index) {
    return String.format("d%05d", index + 1);
  }

  private static String machine() {
    return String.format("%d CPUs (nproc), %s %s %s, JDK %s (%s), open files limit %s",
        Runtime.getRuntime().availableProcessors(), System.getProperty("os.name"), System.getProperty("os.version"),
        System.getProperty("os.arch"), Runtime.version(), System.getProperty("java.vendor"), Machine.openFilesLimit());
  }
}
