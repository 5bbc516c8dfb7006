package io.fleetconf.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetconf.core.DeviceId;
import io.fleetconf.core.InvalidInputException;
import io.fleetconf.core.Key;
import io.fleetconf.testing.TestServer;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Issue 14 item 1: keys and device ids holding characters that mean something in a URL. Every verb
 * either acts on exactly the key or device typed, or prints the server's refusal and changes
 * nothing; never the key or device before the character, never a Java exception.
 */
class AwkwardKeysCliTest {
  @RegisterExtension static final TestServer server = TestServer.fresh();

  /** Plain keys may hold {@code + , : @ =}; the rest is refused everywhere. */
  static Stream<String> characters() {
    return Stream.of("?", "#", "%", "%41", " ", "\t", "\n", "é", "✓", "+", ",", ":", "@", "=", "%2F", "&x=1");
  }

  @BeforeAll
  static void seed() {
    assertThat(run("kv", "put", "plain/qq/x", "keep").status()).isZero();
    assertThat(run("kv", "put", "global/qq/x", "keep").status()).isZero();
    assertThat(run("device", "add", "victim-01", "-l", "rack=a1").status()).isZero();
    assertThat(run("kv", "put", "devices/victim-01/common/dvr_ip", "10.0.0.1").status()).isZero();
  }

  private static CliRun run(String... args) {
    return CliRun.fleetconf(server, args);
  }

  @ParameterizedTest
  @MethodSource("characters")
  void kvPutGetRmActOnExactlyThePlainKeyTypedOrRefuseIt(String c) {
    String key = "plain/qq/x" + c + "y";
    long before = server.revision();
    CliRun put = run("kv", "put", key, "v");
    String refusal = refusal(() -> Key.parse(key));
    if (refusal == null) {
      assertThat(put.out()).isEqualTo("revision " + (before + 1) + ": " + key + "\n");
      assertThat(run("kv", "get", key).out()).isEqualTo("v\n");
      assertThat(run("kv", "ls", "plain/qq", "--json").out()).contains("\"key\" : \"" + key + "\"");
      assertThat(run("kv", "rm", key).out()).isEqualTo("revision " + (before + 2) + ": deleted 1\n");
      assertThat(run("kv", "get", key).err()).isEqualTo("fleetconf: key '" + key + "' does not exist (404)\n");
    } else {
      assertRefused(put, refusal);
      assertRefused(run("kv", "get", key), refusal);
      assertRefused(run("kv", "rm", key), refusal);
      assertThat(server.revision()).isEqualTo(before);
    }
    assertThat(run("kv", "get", "plain/qq/x").out()).isEqualTo("keep\n");
  }

  @ParameterizedTest
  @MethodSource("characters")
  void kvVerbsNeverTouchTheLayeredKeyBeforeTheCharacter(String c) {
    String key = "global/qq/x" + c + "nothing";
    long before = server.revision();
    String refusal = refusal(() -> Key.parse(key));
    assertRefused(run("kv", "put", key, "v"), refusal);
    assertRefused(run("kv", "rm", key), refusal);
    assertRefused(run("kv", "rm", "-r", "--yes", key), refusal(() -> Key.parsePrefix(key)));
    assertThat(server.revision()).isEqualTo(before);
    assertThat(run("kv", "get", "global/qq/x").out()).isEqualTo("keep\n");
  }

  @ParameterizedTest
  @MethodSource("characters")
  void deviceVerbsNeverTouchTheDeviceBeforeTheCharacter(String c) {
    String id = "victim-01" + c + "typo";
    long before = server.revision();
    String refusal = refusal(() -> DeviceId.of(id));
    assertRefused(run("device", "add", id), refusal);
    assertRefused(run("device", "show", id), refusal);
    assertRefused(run("device", "set-groups", id, "site/x"), refusal);
    assertRefused(run("device", "rm", id), refusal);
    assertRefused(run("config", "show", "--device", id), refusal);
    assertRefused(run("kv", "put", "devices/" + id + "/common/x", "v"), refusal(() -> Key.parse("devices/" + id
        + "/common/x")));
    assertThat(server.revision()).isEqualTo(before);
    assertThat(run("device", "ls").out()).isEqualTo("ID         GROUPS  LABELS\nvictim-01          rack=a1\n");
    assertThat(run("kv", "get", "devices/victim-01/common/dvr_ip").out()).isEqualTo("10.0.0.1\n");
  }

  @ParameterizedTest
  @MethodSource("characters")
  void configShowNamespaceIsOneSegmentAsTyped(String c) {
    CliRun shown = run("config", "show", "--device", "victim-01", "--namespace", "common" + c);
    assertThat(shown.status()).isEqualTo(1);
    assertThat(shown.out()).isEmpty();
    assertThat(shown.err()).startsWith("fleetconf: ").endsWith("(400)\n").doesNotContain("Exception");
  }

  /** The characters that change a URL's structure; each case makes a token, so the list is short. */
  static Stream<String> structural() {
    return Stream.of("?", "#", "%2F", "&x=1", " ");
  }

  @ParameterizedTest
  @MethodSource("structural")
  void tokenAndCertificateRevocationNeverReachAnotherId(String c) {
    CliRun created = run("token", "create", "--identity", "bystander", "--rule", "read global/*");
    String id = created.err().replaceFirst("(?s)^created operator token (\\S+) for .*$", "$1");
    assertThat(run("token", "revoke", id + c + "x").status()).isEqualTo(1);
    assertThat(run("token", "ls", "--json").out()).contains("\"id\" : \"" + id + "\"");
    String listed = run("token", "ls").out();
    assertThat(listed.lines().filter(line -> line.startsWith(id)).toList())
        .singleElement().asString().contains("live");
    assertThat(run("cert", "revoke", "1" + c + "x").status()).isEqualTo(1);
  }

  private static void assertRefused(CliRun run, String serverMessage) {
    assertThat(serverMessage).as("the server accepts this, so the CLI must too").isNotNull();
    assertThat(run.status()).isEqualTo(1);
    assertThat(run.out()).isEmpty();
    assertThat(run.err()).isEqualTo("fleetconf: " + serverMessage + " (400)\n");
  }

  /** The message the server's own validation gives, or null if it accepts the input. */
  private static String refusal(Runnable parse) {
    try {
      parse.run();
      return null;
    } catch (InvalidInputException refused) {
      return refused.getMessage();
    }
  }
}
