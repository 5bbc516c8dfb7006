package io.fleetconf.core.format;

import io.fleetconf.core.InvalidInputException;

/** A document that cannot be parsed, or a tree that cannot be rendered, in a {@link Format}. */
public final class DocumentException extends InvalidInputException {
  public DocumentException(String message) {
    super("invalid_document", message);
  }
}
