package io.fleetconf.git;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fleetconf.core.InvalidInputException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A credentials file: USER:TOKEN, or a lone token; the token never printed, a bad file named without its content. */
class GitCredentialsTest {
  @TempDir Path dir;

  @Test
  void aUserAndTokenLineIsReadAndTheTokenNeverPrinted() throws Exception {
    Path file = Files.writeString(dir.resolve("credentials"), "x-access-token:ghp_s3cret:with-colon\n");
    GitCredentials.Login login = new GitCredentials.Password(file).read();
    assertThat(login.user()).isEqualTo("x-access-token");
    assertThat(login.password()).isEqualTo("ghp_s3cret:with-colon");
    assertThat(login.toString()).isEqualTo("Login[x-access-token, ***]");
    Path token = Files.writeString(dir.resolve("token"), "glpat-0123\n");
    assertThat(new GitCredentials.Password(token).read().user()).isEqualTo(GitCredentials.Password.TOKEN_USER);
  }

  @Test
  void aMissingOrEmptyFileIsRefusedNamingItAndNotItsContent() throws Exception {
    Path empty = Files.writeString(dir.resolve("credentials"), "\n");
    assertThatThrownBy(() -> new GitCredentials.Password(empty).read()).isInstanceOf(InvalidInputException.class)
        .hasMessage("credentials file " + empty + " is empty");
    Path missing = dir.resolve("missing");
    assertThatThrownBy(() -> new GitCredentials.Password(missing).check("fleet"))
        .isInstanceOf(InvalidInputException.class)
        .hasMessage("credentials file of git source 'fleet' " + missing + " is not a readable file");
  }
}
