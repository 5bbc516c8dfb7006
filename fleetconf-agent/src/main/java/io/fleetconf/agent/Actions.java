package io.fleetconf.agent;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/** Runs reload actions (a signal to a process, or a command) and health checks. */
final class Actions {
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  /** Runs the action; empty if it worked, else why not. */
  Optional<String> run(String name, AgentConfig.Action action) {
    Duration timeout = action.timeoutTime();
    if (action.command().isPresent()) {
      return command(action.command().get(), timeout).map(reason -> "action " + name + ": " + reason);
    }
    String signal = action.signal().orElse("HUP");
    Optional<Long> pid;
    try {
      pid = action.pid().isPresent() ? action.pid()
          : Optional.of(Long.parseLong(Files.readString(action.pidFile().orElseThrow()).strip()));
    } catch (IOException | NumberFormatException e) {
      return Optional.of("action " + name + ": cannot read pid file " + action.pidFile().orElseThrow() + " ("
          + e.getMessage() + ")");
    }
    return command("kill -" + signal + " " + pid.get(), timeout).map(reason -> "action " + name + ": " + reason);
  }

  /** Runs the health check with its retries; empty if healthy, else the last reason. */
  Optional<String> healthy(String name, AgentConfig.Health health) throws InterruptedException {
    Duration timeout = health.timeoutTime();
    Duration interval = health.intervalTime();
    int attempts = health.attempts();
    // A service reloads on its own time after the signal; checking at once would see the old, healthy state.
    Thread.sleep(health.delayTime());
    Optional<String> failure = Optional.empty();
    for (int i = 0; i < attempts; i++) {
      if (i > 0) {
        Thread.sleep(interval);
      }
      failure = health.url().isPresent() ? url(health.url().get(), timeout) : command(health.command().get(), timeout);
      if (failure.isEmpty()) {
        return failure;
      }
    }
    return failure.map(reason -> "health check failed: " + reason);
  }

  private Optional<String> url(String url, Duration timeout) throws InterruptedException {
    try {
      HttpResponse<Void> response = http.send(HttpRequest.newBuilder(URI.create(url)).timeout(timeout).GET().build(),
          HttpResponse.BodyHandlers.discarding());
      return response.statusCode() / 100 == 2 ? Optional.empty()
          : Optional.of(url + " answered " + response.statusCode());
    } catch (IOException e) {
      return Optional.of(url + " did not answer (" + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()) + ")");
    }
  }

  /** Runs {@code /bin/sh -c command}; empty on exit 0, else the exit code and the output's last line. */
  static Optional<String> command(String command, Duration timeout) {
    try {
      Process process = new ProcessBuilder("/bin/sh", "-c", command).redirectErrorStream(true).start();
      process.getOutputStream().close();
      var output = new java.io.ByteArrayOutputStream();
      Thread reader = Thread.ofVirtual().start(() -> {
        try {
          process.getInputStream().transferTo(output);
        } catch (IOException ignored) {
          // the process went away
        }
      });
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly();
        return Optional.of("'" + command + "' timed out after " + timeout.toSeconds() + " s");
      }
      reader.join(1000);
      if (process.exitValue() == 0) {
        return Optional.empty();
      }
      String last = output.toString().strip().lines().reduce((a, b) -> b).orElse("");
      return Optional.of("'" + command + "' exited with " + process.exitValue() + (last.isEmpty() ? "" : ": " + last));
    } catch (IOException e) {
      return Optional.of("cannot run '" + command + "': " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.of("interrupted while running '" + command + "'");
    }
  }
}
