package io.fleetconf.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;

/**
 * Real Ansible (ansible-core from Debian), the oracle of the Ansible tests. {@code .ci/run}
 * installs it, so under CI a missing command fails the test; elsewhere the test is skipped with a
 * reason that says how to get it.
 */
public final class RealAnsible {
  private RealAnsible() {}

  /** The path of an Ansible command such as {@code ansible-inventory}, or the test ends here. */
  public static Path command(String name) {
    Optional<Path> found = Stream.of(Optional.ofNullable(System.getenv("PATH")).orElse("").split(":"))
        .filter(dir -> !dir.isEmpty())
        .map(dir -> Path.of(dir, name))
        .filter(Files::isExecutable)
        .findFirst();
    if (found.isEmpty() && System.getenv("CI") != null) {
      throw new AssertionError(name + " is not installed; .ci/run installs ansible-core (apt-get install ansible-core)");
    }
    Assumptions.assumeTrue(found.isPresent(), name + " is not installed: apt-get install -y ansible-core");
    return found.get();
  }

  /** Runs an Ansible command to its end and answers its standard output; its exit status must be 0. */
  public static String run(Path workingDir, String... command) throws IOException, InterruptedException {
    ProcessBuilder builder = new ProcessBuilder(command).directory(workingDir.toFile());
    builder.environment().put("ANSIBLE_NOCOLOR", "1");
    builder.environment().put("ANSIBLE_LOCAL_TEMP", workingDir.resolve(".ansible-tmp").toString());
    Path errors = Files.createTempFile("ansible", ".err");
    try {
      Process process = builder.redirectError(errors.toFile()).start();
      String out = new String(process.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
      int status = process.waitFor();
      if (status != 0) {
        throw new AssertionError(String.join(" ", command) + " exited with " + status + ":\n" + out
            + Files.readString(errors));
      }
      return out;
    } finally {
      Files.deleteIfExists(errors);
    }
  }
}
