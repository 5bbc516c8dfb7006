package io.fleetconf.git;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fleetconf.core.InvalidInputException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GitCredentialsTest {
  @TempDir Path dir;

  @Test
  void aUserAndTokenLineIsReadAndTheTokenNeverPrinted() throws Exception {
    Path file = Files.writeString(dir.resolve("credentials"), "x-access-token:ghp_s3cret:with-colon\n");
    GitCredentials credentials = GitCredentials.read(file);
    assertThat(credentials.user()).isEqualTo("x-access-token");
    assertThat(credentials.token()).isEqualTo("ghp_s3cret:with-colon");
    assertThat(credentials.toString()).isEqualTo("GitCredentials[user=x-access-token, token=***]");
  }

  @Test
  void aFileWithoutUserAndTokenIsRefusedWithoutShowingItsContent() throws Exception {
    Path file = Files.writeString(dir.resolve("credentials"), "ghp_s3cret\n");
    assertThatThrownBy(() -> GitCredentials.read(file)).isInstanceOf(InvalidInputException.class)
        .hasMessage("git credentials file " + file + " must hold one line USER:TOKEN");
    assertThatThrownBy(() -> GitCredentials.read(dir.resolve("missing"))).isInstanceOf(InvalidInputException.class)
        .hasMessage("cannot read git credentials file " + dir.resolve("missing") + ": NoSuchFileException");
  }
}
