package io.fleetconf.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 21 item 2: the build's rewrite of picocli's Java 5 class files as Java 8 ones
 * (src/build/UpgradeClassFiles.java), so that the AOT cache can hold them, gives class files the
 * verifier accepts, every one of them.
 */
class AotCacheablePicocliTest {
  @TempDir Path dir;

  @Test
  void everyPicocliClassBecomesAJava8ClassFileThatTheVerifierAccepts() throws Exception {
    assumeTrue(Runtime.version().feature() >= 24, "java.lang.classfile is final from JDK 24; the build skips it before");
    Path jar = dir.resolve("picocli.jar");
    Files.copy(Path.of(picocli.CommandLine.class.getProtectionDomain().getCodeSource().getLocation().toURI()), jar);
    assertThat(versions(jar)).containsOnlyKeys(49); // Java 5, as picocli ships them

    Process upgrade = new ProcessBuilder(ProcessHandle.current().info().command().orElseThrow(),
        Path.of("src/build/UpgradeClassFiles.java").toAbsolutePath().toString(), jar.toString(), "picocli")
        .redirectErrorStream(true).start();
    String output = new String(upgrade.getInputStream().readAllBytes());
    assertThat(upgrade.waitFor(120, TimeUnit.SECONDS)).isTrue();
    assertThat(upgrade.exitValue()).as(output).isZero();
    int classes = versions(jar).get(52);
    assertThat(versions(jar)).containsOnlyKeys(52);
    assertThat(output).isEqualTo("upgraded " + classes + " class files in " + jar + " to version 52\n");

    List<String> refused = new ArrayList<>();
    try (URLClassLoader loader = new URLClassLoader(new java.net.URL[] {jar.toUri().toURL()},
        ClassLoader.getPlatformClassLoader());
        ZipFile zip = new ZipFile(jar.toFile())) {
      for (String name : classNames(zip)) {
        try {
          Class.forName(name, true, loader); // initialising links, and linking verifies
        } catch (VerifyError e) {
          refused.add(name + ": " + e.getMessage());
        }
      }
    }
    assertThat(refused).isEmpty();
  }

  /** How many class files under picocli/ have each major version. */
  private static TreeMap<Integer, Integer> versions(Path jar) throws IOException {
    TreeMap<Integer, Integer> counts = new TreeMap<>();
    try (ZipFile zip = new ZipFile(jar.toFile())) {
      for (String name : classNames(zip)) {
        try (InputStream in = zip.getInputStream(zip.getEntry(name.replace('.', '/') + ".class"))) {
          DataInputStream data = new DataInputStream(in);
          data.readInt(); // 0xCAFEBABE
          data.readUnsignedShort(); // minor
          counts.merge(data.readUnsignedShort(), 1, Integer::sum);
        }
      }
    }
    return counts;
  }

  private static List<String> classNames(ZipFile zip) {
    return zip.stream().map(java.util.zip.ZipEntry::getName)
        .filter(name -> name.startsWith("picocli/") && name.endsWith(".class"))
        .map(name -> name.substring(0, name.length() - ".class".length()).replace('/', '.')).toList();
  }
}
