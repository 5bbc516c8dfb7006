package io.fleetconf.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The simulated fleet, a JVM of its own that the bench starts: {@code count} devices over real
 * HTTP/1.1, each with one long-poll in flight, re-issued with the revision of the last answer as
 * its index, or each with one event stream kept open. It speaks the line protocol of {@link
 * DevicesProcess} on stdin/stdout and times every delivery on its own clock, from the moment it
 * was told which revision to expect. The sockets are {@link DeviceLoop}'s; this class keeps the
 * account of what each device got.
 *
 * <p>Arguments: server URL, bearer token, device count, long-poll wait in seconds, and optionally
 * the transport, {@code longpoll} (the default) or {@code sse}.
 */
public final class Devices {
  /**
   * Selector threads. One keeps up with 10,000 devices; two were no faster on 2 cores, where the
   * server under test needs the CPU more than this JVM does.
   */
  private static final int LOOPS = 1;
  /** The field a global round changes. */
  private static final String LOG_LEVEL = "common/log_level";

  private final int count;
  private final Duration wait;
  private final Transport transport;
  /** Per device: the revision of its last answer, -1 before the first; each is touched by its loop only. */
  private final long[] index;
  private final long[] countedIn;
  /** Per device: when its request in flight was sent, to tell a wait that ran out from a wake. */
  private final long[] sentAt;
  private final Problems problems = new Problems();
  private final AtomicInteger stale = new AtomicInteger();
  private final AtomicInteger unexpected = new AtomicInteger();
  private final AtomicLong measuredCpu = new AtomicLong();
  private final List<long[]> measured = new ArrayList<>();
  private volatile Round round;

  /**
   * One expected revision: when the bench said so, and when each device had it. {@code members}
   * are the devices that must get it ({@code null}: all of them), {@code path} the config field
   * ({@code namespace/key}) whose new value they must see.
   */
  static final class Round {
    final long revision;
    final String[] path;
    final String value;
    final boolean measured;
    final boolean[] members;
    final int want;
    /** This JVM's CPU time when the round was armed. */
    final long cpuStart;
    final long start;
    final long[] latency;
    final AtomicInteger reissued = new AtomicInteger();

    Round(long revision, String path, String value, boolean measured, int count, boolean[] members) {
      this.revision = revision;
      this.path = path.split("/");
      this.value = value;
      this.measured = measured;
      this.members = members;
      int want = count;
      if (members != null) {
        want = 0;
        for (boolean member : members) {
          want += member ? 1 : 0;
        }
      }
      this.want = want;
      this.latency = new long[count];
      this.cpuStart = ProcessCpu.nanos();
      this.start = System.nanoTime();
    }

    boolean expects(int device) {
      return members == null || members[device];
    }
  }

  private Devices(int count, Duration wait, Transport transport) {
    this.count = count;
    this.wait = wait;
    this.transport = transport;
    this.index = new long[count];
    this.countedIn = new long[count];
    this.sentAt = new long[count];
    Arrays.fill(index, -1);
    Arrays.fill(countedIn, -1);
    this.round = new Round(0, LOG_LEVEL, "", false, count, null);
  }

  public static void main(String[] args) throws IOException {
    if (args.length != 4 && args.length != 5) {
      System.err.println("usage: Devices <server-url> <token> <count> <wait-seconds> [longpoll|sse]");
      System.exit(2);
    }
    Transport transport = args.length == 5 ? Transport.named(args[4]) : Transport.LONGPOLL;
    Devices devices = new Devices(Integer.parseInt(args[2]), Duration.ofSeconds(Long.parseLong(args[3])), transport);
    DeviceLoop.Target target = new DeviceLoop.Target(URI.create(args[0]), args[1], transport, devices.wait);
    for (int loop = 0; loop < LOOPS; loop++) {
      Thread.ofPlatform().name("devices-loop-" + loop).daemon()
          .start(new DeviceLoop(target, devices, loop, LOOPS, devices.count));
    }
    devices.serve(new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)));
    System.exit(0);
  }

  /** Answers the bench's commands until it says quit or goes away. */
  private void serve(BufferedReader in) throws IOException {
    for (String line = in.readLine(); line != null; line = in.readLine()) {
      String[] words = line.strip().split(" ");
      switch (words[0]) {
        case "expect" -> {
          round = new Round(Long.parseLong(words[1]), LOG_LEVEL, words[2], words[3].equals("measured"), count, null);
          say("armed " + words[1]);
        }
        case "expect-some" -> {
          boolean[] members = new boolean[count];
          for (String number : words[4].split(",")) {
            members[Integer.parseInt(number)] = true;
          }
          round = new Round(Long.parseLong(words[1]), words[2], words[3], words[5].equals("measured"), count, members);
          say("armed " + words[1]);
        }
        case "status" -> {
          Round current = round;
          say("status " + current.revision + " " + current.reissued.get() + " " + current.want);
        }
        case "summary" -> summary();
        case "quit" -> {
          return;
        }
        default -> System.err.println("devices: unknown command '" + line + "'");
      }
    }
  }

  private void summary() {
    long[] all;
    synchronized (measured) {
      all = new long[measured.size() * count];
      for (int i = 0; i < measured.size(); i++) {
        System.arraycopy(measured.get(i), 0, all, i * count, count);
      }
    }
    problems.forEach((kind, times) -> say("problem " + times + " " + kind));
    say("summary " + Distribution.of(all).line() + " " + problems.total() + " " + stale.get() + " "
        + unexpected.get() + " " + measuredCpu.get());
  }

  Problems problems() {
    return problems;
  }

  /** The revision of the device's last answer, -1 before its first. */
  long index(int device) {
    return index[device];
  }

  /** The device's request is on its way. */
  void sent(int device, long now) {
    sentAt[device] = now;
  }

  /**
   * Accounts for one answer of a device, a long-poll's body or an event's data: checks it,
   * counts it, and makes its revision the device's index. {@code declared} is the revision the
   * response or event gave beside the body (the {@code X-Fleetconf-Revision} header, the event
   * id). Returns the round it counted for, which {@link #reissued} then takes once the device
   * polls again; {@code null} if it counted for none.
   */
  Round answered(int device, byte[] body, int length, String declared, long now) throws IOException {
    Round current = round;
    ConfigAnswer answer = ConfigAnswer.parse(body, length, current.path);
    long revision = answer.revision();
    if (!Long.toString(revision).equals(declared)) {
      problems.add(transport.declares() + " " + (declared == null ? "(none)" : declared)
          + " differs from the body's revision");
    }
    boolean counts = current.expects(device) && revision >= current.revision && countedIn[device] != current.revision;
    if (counts) {
      if (!current.value.isEmpty() && !answer.value().equals(current.value)) {
        problems.add("revision " + revision + " carried " + String.join("/", current.path) + " " + answer.value()
            + ", expected " + current.value);
      }
      countedIn[device] = current.revision;
      current.latency[device] = now - current.start;
    } else if (index[device] < 0 || waitRanOut(device, now)
        || current.expects(device) && revision < current.revision) {
      stale.incrementAndGet(); // a wait that ran out, or an answer older than the expected revision
    } else {
      unexpected.incrementAndGet(); // woken, before its wait ran out, by nothing the bench expected it to see
    }
    index[device] = revision;
    return counts ? current : null;
  }

  /** The device that counted for {@code counted} polls again (or, on a stream, simply has it). */
  void reissued(Round counted) {
    if (counted.reissued.incrementAndGet() == counted.want) {
      finish(counted);
    }
  }

  /** A long-poll that was answered only because its wait ran out; an event stream has no wait. */
  private boolean waitRanOut(int device, long now) {
    return transport == Transport.LONGPOLL && now - sentAt[device] >= wait.toNanos();
  }

  /** Every device has the revision and a new long-poll out: report the slowest delivery. */
  private void finish(Round done) {
    if (done.measured) {
      measuredCpu.addAndGet(ProcessCpu.nanos() - done.cpuStart);
      synchronized (measured) {
        measured.add(done.latency);
      }
    }
    long slowest = 0;
    for (long latency : done.latency) {
      slowest = Math.max(slowest, latency);
    }
    say("done " + done.revision + " " + slowest);
  }

  private static void say(String line) {
    synchronized (System.out) {
      System.out.println(line);
      System.out.flush();
    }
  }
}
