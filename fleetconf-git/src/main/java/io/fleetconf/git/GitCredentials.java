package io.fleetconf.git;

import io.fleetconf.core.InvalidInputException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.eclipse.jgit.transport.CredentialsProvider;
import org.eclipse.jgit.transport.UsernamePasswordCredentialsProvider;

/**
 * HTTPS credentials for a fetch, read from a file so that they never sit in a URL that logs show.
 * The file holds one line {@code USER:TOKEN} (for GitHub {@code x-access-token:<token>}, for
 * GitLab {@code oauth2:<token>}); {@link #toString} never shows the token.
 */
public record GitCredentials(String user, String token) {
  /** Reads {@code USER:TOKEN} from {@code file}; the error names the file, never its content. */
  public static GitCredentials read(Path file) {
    String text;
    try {
      text = Files.readString(file).strip();
    } catch (IOException e) {
      throw new InvalidInputException("invalid_git_credentials", "cannot read git credentials file " + file
          + ": " + e.getClass().getSimpleName());
    }
    int colon = text.indexOf(':');
    if (colon <= 0 || colon == text.length() - 1 || text.contains("\n")) {
      throw new InvalidInputException("invalid_git_credentials", "git credentials file " + file
          + " must hold one line USER:TOKEN");
    }
    return new GitCredentials(text.substring(0, colon), text.substring(colon + 1));
  }

  CredentialsProvider provider() {
    return new UsernamePasswordCredentialsProvider(user, token);
  }

  @Override
  public String toString() {
    return "GitCredentials[user=" + user + ", token=***]";
  }
}
