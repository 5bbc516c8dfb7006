package io.fleetconf.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetconf.testing.RealAnsible;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/** Real {@code ansible-playbook} runs, with a {@code fleetconf} on the PATH that runs this build's CLI. */
final class Playbook {
  private static final Pattern RECAP = Pattern.compile("(\\S+)\\s+: ok=(\\d+)\\s+changed=(\\d+)\\s+unreachable=0\\s+failed=(\\d+)");

  private Playbook() {}

  /** One host's line of the play recap. */
  record Recap(int ok, int changed, int failed) {}

  /** The exit status, each host's recap, and the output (for messages). */
  record Run(int status, Map<String, Recap> hosts, String out) {
    Recap of(String host) {
      assertThat(hosts).as(out).containsKey(host);
      return hosts.get(host);
    }
  }

  /** The first yaml block of docs/ansible.md's "Playbook" section: the documented snippet is what runs. */
  static String snippet() throws Exception {
    String doc = Files.readString(Path.of("../docs/ansible.md"));
    String section = doc.substring(doc.indexOf("\n## Playbook"));
    int start = section.indexOf("```yaml\n") + "```yaml\n".length();
    return section.substring(start, section.indexOf("```\n", start));
  }

  /** Runs {@code ansible-playbook ARGS} in {@code dir}; the CLI's JVM is tuned to start fast, as a one-pass agent wants. */
  static Run run(Path dir, String... args) throws Exception {
    Path bin = Files.createDirectories(dir.resolve("bin"));
    Path fleetconf = bin.resolve("fleetconf");
    Files.writeString(fleetconf, "#!/bin/sh\nexec '" + ProcessHandle.current().info().command().orElseThrow() + "' -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -cp '"
        + System.getProperty("java.class.path") + "' " + Main.class.getName() + " \"$@\"\n");
    Files.setPosixFilePermissions(fleetconf, PosixFilePermissions.fromString("rwxr-xr-x"));
    List<String> command = Stream.concat(Stream.of(RealAnsible.command("ansible-playbook").toString()), Stream.of(args)).toList();
    ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true);
    builder.environment().put("PATH", bin + ":" + System.getenv("PATH"));
    builder.environment().put("ANSIBLE_NOCOLOR", "1");
    builder.environment().put("ANSIBLE_LOCAL_TEMP", dir.resolve(".ansible-tmp").toString());
    Process process = builder.start();
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    int status = process.waitFor();
    Map<String, Recap> hosts = new LinkedHashMap<>();
    Matcher recap = RECAP.matcher(out.substring(Math.max(0, out.lastIndexOf("PLAY RECAP"))));
    while (recap.find()) {
      hosts.put(recap.group(1), new Recap(Integer.parseInt(recap.group(2)), Integer.parseInt(recap.group(3)),
          Integer.parseInt(recap.group(4))));
    }
    return new Run(status, hosts, out);
  }
}
