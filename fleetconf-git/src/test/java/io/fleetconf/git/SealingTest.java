package io.fleetconf.git;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fleetconf.core.InvalidInputException;
import io.fleetconf.core.Key;
import io.fleetconf.format.Json;
import java.security.KeyPair;
import java.util.SortedMap;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class SealingTest {
  private final KeyPair server = Sealing.generate();
  private final Key key = Key.parse("devices/vv-01/tv/api_token");

  @Test
  void aSealedValueOpensWithTheServersKeyForItsKeyOnly() {
    String sealed = Sealing.seal(Sealing.parsePublic(Sealing.publicText(server.getPublic())), key, "s3cret ünïcode");

    assertThat(sealed).startsWith("ENC[fc1:" + Sealing.keyId(server.getPublic()) + ":").endsWith("]")
        .doesNotContain("s3cret");
    assertThat(Sealing.open(server, key, sealed)).isEqualTo("s3cret ünïcode");
    assertThat(Sealing.seal(server.getPublic(), key, "s3cret")).isNotEqualTo(Sealing.seal(server.getPublic(), key,
        "s3cret"));
    assertThatThrownBy(() -> Sealing.open(server, Key.parse("devices/vv-02/tv/api_token"), sealed))
        .isInstanceOf(InvalidInputException.class).hasMessage("the value of devices/vv-02/tv/api_token does not open:"
            + " it was sealed for another key path, or altered; seal it again for devices/vv-02/tv/api_token");
  }

  @Test
  void aValueSealedForAnotherServerOrAlteredOrMalformedIsRefusedWithTheReason() {
    KeyPair other = Sealing.generate();
    String sealed = Sealing.seal(other.getPublic(), key, "s3cret");
    assertThatThrownBy(() -> Sealing.open(server, key, sealed)).hasMessage("the value of " + key + " was sealed for"
        + " key " + Sealing.keyId(other.getPublic()) + ", not for this server's key " + Sealing.keyId(server.getPublic())
        + "; seal it again with fleetconf seal");
    String mine = Sealing.seal(server.getPublic(), key, "s3cret");
    char last = mine.charAt(mine.length() - 3);
    String altered = mine.substring(0, mine.length() - 3) + (last == 'A' ? 'B' : 'A') + mine.substring(mine.length() - 2);
    assertThatThrownBy(() -> Sealing.open(server, key, altered)).hasMessageContaining("does not open");
    assertThatThrownBy(() -> Sealing.open(server, key, "ENC[plain]"))
        .hasMessage("a sealed value must be ENC[fc1:<key id>:<data>], as fleetconf seal makes it");
    assertThatThrownBy(() -> Sealing.parsePublic("ssh-ed25519 AAAA")).hasMessage("a seal key starts with 'x25519:'");
    assertThatThrownBy(() -> Layout.read("", file("global/db.yaml", "password: ENC[fc1:0011223344556677:short]\n"),
        Unsealer.KEEP_SEALED)).hasMessageContaining("a sealed value must be ENC[fc1:<key id>:<data>]");
    Sealing.checkShape(mine);
  }

  private static SortedMap<String, String> file(String path, String text) {
    SortedMap<String, String> files = new TreeMap<>();
    files.put(path, text);
    return files;
  }

  @Test
  void theLayoutOpensSealedValuesAsSecretsAndRefusesPlaintextWhereANameMarksASecret() {
    String sealed = Sealing.seal(server.getPublic(), key, "s3cret");
    DesiredState state = Layout.read("", file("devices/vv-01/tv.yaml", "volume: 1\napi_token: " + sealed + "\n"),
        Unsealer.with(server));
    assertThat(Json.write(state.entries().get(key))).isEqualTo("\"s3cret\"");
    assertThat(state.secrets()).containsExactly(key);
    assertThat(Layout.read("", file("devices/vv-01/tv.yaml", "api_token: " + sealed + "\n"), Unsealer.KEEP_SEALED)
        .entries().get(key).asText()).isEqualTo(sealed);

    assertThatThrownBy(() -> Layout.read("", file("devices/vv-01/tv.yaml", "volume: 1\nAPI_TOKEN: plain\n")))
        .isInstanceOfSatisfying(LayoutException.class, e -> {
          assertThat(e.file()).isEqualTo("devices/vv-01/tv.yaml");
          assertThat(e.line()).hasValue(2);
          assertThat(e.reason()).isEqualTo("devices/vv-01/tv/API_TOKEN must be sealed, as its name marks a secret:"
              + " commit the ENC[...] that fleetconf seal makes, never the plaintext");
        });
    assertThatThrownBy(() -> Layout.read("", file("global/db.yaml", "conn:\n  pass: " + sealed + "\n"),
        Unsealer.with(server))).hasMessageContaining("global/db/conn holds ENC[...] inside a map or list");
    assertThatThrownBy(() -> Layout.read("", file("devices/vv-01/tv.yaml", "api_token: " + sealed + "\n")))
        .hasMessageContaining("devices/vv-01/tv/api_token is sealed, and this reader has no seal key");
  }

  @Test
  void namesThatMarkASecret() {
    assertThat(java.util.List.of("password", "db_password", "token", "api_token", "secret", "client_secret",
        "api_key", "ssh_private_key", "passwd", "aws_credentials", "DB_PASSWORD"))
        .allMatch(Layout::mustBeSealed);
    assertThat(java.util.List.of("volume", "max_tokens", "token_ttl", "keyboard", "public_key", "password_policy",
        "secretary")).noneMatch(Layout::mustBeSealed);
  }
}
