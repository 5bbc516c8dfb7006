package io.fleetconf.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 21 item 2: a man page per command, made from the command model, that man renders. */
class ManPagesTest {
  @TempDir Path dir;

  @Test
  void everyCommandHasAPageWithNameSynopsisAndOptions() throws Exception {
    List<Path> pages = ManPages.write(dir);
    List<String> expected = ManPages.all(Main.commandLine(), new ArrayList<>()).stream()
        .map(command -> command.getCommandSpec().qualifiedName("-") + ".1").toList();
    assertThat(pages.stream().map(page -> page.getFileName().toString())).containsExactlyElementsOf(expected);
    assertThat(expected).contains("fleetconf.1", "fleetconf-kv-put.1", "fleetconf-rollout-promote.1");
    for (Path page : pages) {
      assertThat(Files.readString(page)).as(page.toString()).contains(".SH NAME\n", ".SH SYNOPSIS\n", ".SH OPTIONS\n");
    }
  }

  @Test
  void theBuildWroteThePagesIntoTargetMan() throws Exception {
    Path built = Path.of("target", "man", "fleetconf-kv-put.1");
    assertThat(built).exists();
    assertThat(Files.readString(built)).isEqualTo(ManPages.page(Main.commandLine().getSubcommands().get("kv")
        .getSubcommands().get("put")));
  }

  @Test
  void manRendersThePageOfKvPut() throws Exception {
    Path page = ManPages.write(dir).stream().filter(p -> p.endsWith("fleetconf-kv-put.1")).findFirst().orElseThrow();
    ProcessBuilder man = new ProcessBuilder("man", "-l", page.toString()).redirectErrorStream(true);
    man.environment().put("MANWIDTH", "100");
    man.environment().put("MANPAGER", "cat");
    man.environment().put("LC_ALL", "C.UTF-8");
    Process process = man.start();
    String text = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8)
        .replaceAll(".\b", "") // overstrike bold and underline, as nroff prints them to a pipe
        .replaceAll(" +", " "); // and its justification's spaces
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue()).as(text).isZero();
    assertThat(text).contains("NAME\n fleetconf-kv-put - Set an entry. VALUE is stored as text, exactly as typed,")
        .contains("SYNOPSIS\n fleetconf kv put [-hV] [--dry-run]")
        .contains("--cas=REVISION\n Write only if the entry's modify revision is this (0: only if absent).")
        .contains("-o, --output=FORMAT").contains("--[no-]replace\n");
  }
}
