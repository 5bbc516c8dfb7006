package io.fleetconf.core;

/** Where a value of an effective config came from: the entry that supplied it, at its revision. */
public record Origin(Key key, Revision revision) {
  public Scope scope() {
    return key.scope();
  }
}
