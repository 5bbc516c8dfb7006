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

  public String source() {
    return source;
  }

  public String file() {
    return file;
  }
}
