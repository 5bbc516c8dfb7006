package io.fleetconf.core.format;

import io.fleetconf.core.InvalidInputException;

/** A document that cannot be parsed or rendered; the message names the line, or the keys at fault. */
public final class DocumentException extends InvalidInputException {
  public DocumentException(String message) {
    super("invalid_document", message);
  }
}
