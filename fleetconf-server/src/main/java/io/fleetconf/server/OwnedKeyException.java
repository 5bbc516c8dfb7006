package io.fleetconf.server;

/**
 * A write to something a Git source owns (a namespace its files define, a device its registry
 * lists): refused, naming the source and the file to change instead.
 */
public final class OwnedKeyException extends RuntimeException {
  private final String source;
  private final String file;

  public OwnedKeyException(String what, String source, String file) {
    super(what + " is owned by git source '" + source + "': change " + file + " in its repository instead");
    this.source = source;
    this.file = file;
  }

  private OwnedKeyException(OwnedKeyException refused, String advice) {
    super(refused.getMessage() + advice);
    this.source = refused.source;
    this.file = refused.file;
  }

  /**
   * The same refusal of a rollback or restore, saying what to run in the repository instead:
   * {@code git revert} of {@code commits} (newest first), the commits that made what was to be undone.
   * Without commits (what was to be undone did not come from Git) it stays as it is.
   */
  public OwnedKeyException revertInstead(String undoing, java.util.List<String> commits) {
    if (commits.isEmpty()) {
      return this;
    }
    return new OwnedKeyException(this, "; to undo " + undoing + ", run `git revert " + String.join(" ", commits)
        + "` in its repository and push");
  }

  public String source() {
    return source;
  }

  public String file() {
    return file;
  }
}
