package io.fleetconf.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The simulated fleet, a JVM of its own that the bench starts: {@code count} devices, each with
 * one long-poll in flight over real HTTP/1.1, re-issued with the revision of the last answer as
 * its index. It speaks the line protocol of {@link DevicesProcess} on stdin/stdout and times every
 * delivery on its own clock, from the moment it was told which revision to expect.
 *
 * <p>Arguments: server URL, bearer token, device count, long-poll wait in seconds.
 */
public final class Devices {
  /** How many first fetches may be in flight at once, so the server's accept queue is not flooded. */
  private static final int OPENING_WINDOW = 256;
  private static final long RETRY_PAUSE_MS = 100;
  private static final ObjectMapper JSON = new ObjectMapper();
  /** The field a global round changes. */
  private static final String LOG_LEVEL = "common/log_level";

  private final HttpClient http = HttpClient.newBuilder()
      .version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(30))
      .executor(Executors.newVirtualThreadPerTaskExecutor())
      .build();
  private final URI base;
  private final String token;
  private final int count;
  private final Duration wait;
  /** Per device: the revision of its last answer, -1 before the first; each is touched by one poll chain only. */
  private final long[] index;
  private final long[] countedIn;
  /** Per device: when its poll in flight was sent, to tell a wait that ran out from a wake. */
  private final long[] sentAt;
  private final Semaphore opening = new Semaphore(OPENING_WINDOW);
  private final Problems problems = new Problems();
  private final AtomicInteger stale = new AtomicInteger();
  private final AtomicInteger unexpected = new AtomicInteger();
  private final List<long[]> measured = new ArrayList<>();
  private volatile Round round;

  /**
   * One expected revision: when the bench said so, and when each device had it. {@code members}
   * are the devices that must get it ({@code null}: all of them), {@code path} the config field
   * ({@code namespace/key}) whose new value they must see.
   */
  private static final class Round {
    final long revision;
    final String[] path;
    final String value;
    final boolean measured;
    final boolean[] members;
    final int want;
    final long start = System.nanoTime();
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
    }

    boolean expects(int device) {
      return members == null || members[device];
    }
  }

  private Devices(URI base, String token, int count, Duration wait) {
    this.base = base;
    this.token = token;
    this.count = count;
    this.wait = wait;
    this.index = new long[count];
    this.countedIn = new long[count];
    this.sentAt = new long[count];
    java.util.Arrays.fill(index, -1);
    java.util.Arrays.fill(countedIn, -1);
  }

  public static void main(String[] args) throws IOException {
    if (args.length != 4) {
      System.err.println("usage: Devices <server-url> <token> <count> <wait-seconds>");
      System.exit(2);
    }
    Devices devices = new Devices(URI.create(args[0]), args[1], Integer.parseInt(args[2]),
        Duration.ofSeconds(Long.parseLong(args[3])));
    devices.round = new Round(0, LOG_LEVEL, "", false, devices.count, null);
    Thread.ofVirtual().name("opening").start(devices::open);
    devices.serve(new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)));
    System.exit(0);
  }

  private void open() {
    for (int device = 0; device < count; device++) {
      opening.acquireUninterruptibly();
      poll(device);
    }
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
        + unexpected.get());
  }

  private void poll(int device) {
    String id = Main.deviceId(device);
    String query = index[device] < 0 ? "" : "?index=" + index[device] + "&wait=" + wait.toSeconds() + "s";
    HttpRequest request = HttpRequest.newBuilder(base.resolve("/api/v1/devices/" + id + "/config" + query))
        .timeout(wait.plusSeconds(30))
        .header("Authorization", "Bearer " + token)
        .GET()
        .build();
    sentAt[device] = System.nanoTime();
    http.sendAsync(request, HttpResponse.BodyHandlers.ofByteArray()).whenComplete((response, failure) -> {
      long now = System.nanoTime();
      try {
        if (failure != null) {
          problems.add(failure);
          retry(device);
        } else if (response.statusCode() != 200) {
          problems.add("HTTP " + response.statusCode() + ": " + snippet(response.body()));
          retry(device);
        } else {
          answered(device, response, now);
        }
      } catch (RuntimeException | IOException e) {
        problems.add(e);
        retry(device);
      }
    });
  }

  private void answered(int device, HttpResponse<byte[]> response, long now) throws IOException {
    JsonNode body = JSON.readTree(response.body());
    long revision = body.path("revision").asLong(-1);
    String header = response.headers().firstValue("X-Fleetconf-Revision").orElse("(none)");
    if (!header.equals(Long.toString(revision))) {
      problems.add("X-Fleetconf-Revision " + header + " differs from the body's revision");
    }
    if (index[device] < 0) {
      opening.release();
    }
    Round current = round;
    boolean counts = current.expects(device) && revision >= current.revision && countedIn[device] != current.revision;
    if (counts) {
      JsonNode field = body.path("config");
      for (String name : current.path) {
        field = field.path(name);
      }
      String value = field.asText("(missing)");
      if (!current.value.isEmpty() && !value.equals(current.value)) {
        problems.add("revision " + revision + " carried " + String.join("/", current.path) + " " + value
            + ", expected " + current.value);
      }
      countedIn[device] = current.revision;
      current.latency[device] = now - current.start;
    } else if (index[device] < 0 || now - sentAt[device] >= wait.toNanos()
        || current.expects(device) && revision < current.revision) {
      stale.incrementAndGet(); // a wait that ran out, or an answer older than the expected revision
    } else {
      unexpected.incrementAndGet(); // woken, before its wait ran out, by nothing the bench expected it to see
    }
    index[device] = revision;
    poll(device);
    if (counts && current.reissued.incrementAndGet() == current.want) {
      finish(current);
    }
  }

  /** Every device has the revision and a new long-poll out: report the slowest delivery. */
  private void finish(Round done) {
    if (done.measured) {
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

  private void retry(int device) {
    CompletableFuture.delayedExecutor(RETRY_PAUSE_MS, TimeUnit.MILLISECONDS).execute(() -> poll(device));
  }

  private static String snippet(byte[] body) {
    String text = new String(body, StandardCharsets.UTF_8).replaceAll("\\s+", " ").strip();
    return text.length() > 200 ? text.substring(0, 200) + "..." : text;
  }

  private static void say(String line) {
    synchronized (System.out) {
      System.out.println(line);
      System.out.flush();
    }
  }
}
