package io.fleetconf.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Issue 14 item 27: the first run of {@code ./fleetconf} builds the jar without printing escape junk. */
class LauncherScriptTest {
  /** The checkout's root: tests run in the module's directory. */
  private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

  @Test
  void theLauncherBuildsThroughTheQuietMavenWrapper() throws Exception {
    assertThat(Files.readString(ROOT.resolve("fleetconf")))
        .contains("\"$root/scripts/quiet-mvn.sh\" -DskipTests package -pl fleetconf-cli -am");
  }

  @Test
  void theQuietMavenWrapperPrintsNothingOnSuccessNotEvenResetSequences() throws Exception {
    Process maven = new ProcessBuilder("bash", ROOT.resolve("scripts/quiet-mvn.sh").toString(), "-o", "validate",
        "-pl", "fleetconf-core").directory(ROOT.toFile()).redirectErrorStream(true).start();
    maven.getOutputStream().close();
    byte[] output = maven.getInputStream().readAllBytes();
    assertThat(maven.waitFor(120, TimeUnit.SECONDS)).isTrue();
    assertThat(maven.exitValue()).as(new String(output)).isZero();
    assertThat(output).as(new String(output)).isEmpty();
  }
}
