package io.fleetconf.git;

/** A source's repository or branch could not be fetched; the message holds no credentials. */
public final class GitFetchException extends RuntimeException {
  public GitFetchException(String message) {
    super(message);
  }
}
