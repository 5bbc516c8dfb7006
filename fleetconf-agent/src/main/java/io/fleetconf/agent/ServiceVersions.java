package io.fleetconf.agent;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The versions of the services the agent manages, read from a file or a command's output as the
 * agent config says ({@code versions:}, docs/agent.md), for values that need a version
 * (docs/safe-changes.md). A version that cannot be read is left out, and said once on the device.
 */
final class ServiceVersions {
  private static final System.Logger LOG = System.getLogger(ServiceVersions.class.getName());
  private static final long COMMAND_TIMEOUT_SECONDS = 10;
  private static final int MAX_OUTPUT = 64 * 1024;

  /**
   * One service: its name as requirements say it, where its version is read, and a regular
   * expression whose first group (or whole match) is the version; without one, the first line.
   */
  record Service(String service, Optional<Path> file, Optional<String> command, Optional<String> regex) {
    Service {
      file = AgentConfig.optional(file);
      command = AgentConfig.optional(command);
      regex = AgentConfig.optional(regex);
    }
  }

  private final Iterable<Service> services;
  private final Set<String> complained = new HashSet<>();

  ServiceVersions(Iterable<Service> services) {
    this.services = services;
  }

  /** Each service's version as read now; services whose version cannot be read are left out. */
  Map<String, String> read() throws InterruptedException {
    Map<String, String> out = new TreeMap<>();
    for (Service service : services) {
      Optional<String> why = Optional.empty();
      try {
        String text = service.file().isPresent() ? Files.readString(service.file().get(), StandardCharsets.UTF_8)
            : run(service.command().orElseThrow());
        Optional<String> version = extract(service, text);
        if (version.isPresent()) {
          out.put(service.service(), version.get());
          complained.remove(service.service());
          continue;
        }
        why = Optional.of(service.regex().map(r -> "nothing in it matches " + r).orElse("it is empty"));
      } catch (IOException e) {
        why = Optional.of(e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
      }
      if (complained.add(service.service())) {
        LOG.log(System.Logger.Level.WARNING, "fleetconf-agent: cannot read the version of " + service.service() + " ("
            + service.file().map(Path::toString).orElseGet(() -> "'" + service.command().orElseThrow() + "'") + "): "
            + why.orElseThrow());
      }
    }
    return out;
  }

  private static Optional<String> extract(Service service, String text) {
    if (service.regex().isEmpty()) {
      return text.lines().map(String::strip).filter(line -> !line.isEmpty()).findFirst();
    }
    Matcher matcher = Pattern.compile(service.regex().get()).matcher(text);
    if (!matcher.find()) {
      return Optional.empty();
    }
    return Optional.of((matcher.groupCount() > 0 && matcher.group(1) != null ? matcher.group(1) : matcher.group()).strip())
        .filter(version -> !version.isEmpty());
  }

  /** The standard output of {@code /bin/sh -c command}, which must exit 0 within the timeout. */
  private static String run(String command) throws IOException, InterruptedException {
    Process process = new ProcessBuilder("/bin/sh", "-c", command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
    process.getOutputStream().close();
    ByteArrayOutputStream output = new ByteArrayOutputStream();
    Thread reader = Thread.ofVirtual().start(() -> {
      try (var in = process.getInputStream()) {
        output.write(in.readNBytes(MAX_OUTPUT));
      } catch (IOException ignored) {
        // the process went away
      }
    });
    if (!process.waitFor(COMMAND_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new IOException("timed out after " + COMMAND_TIMEOUT_SECONDS + " s");
    }
    reader.join(1000);
    if (process.exitValue() != 0) {
      throw new IOException("exited with " + process.exitValue());
    }
    return output.toString(StandardCharsets.UTF_8);
  }
}
