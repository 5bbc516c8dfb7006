package io.fleetconf.agent;

import java.math.BigDecimal;

/**
 * A number a fleetconf-mode template prints as the config wrote it ({@code 1e3}, {@code 1.0e-10}, {@code -0}),
 * where Java's number would print otherwise ({@code 1E+3}, {@code 1.0E-10}, {@code 0}); it compares and computes
 * as its value.
 */
final class WrittenNumber extends BigDecimal {
  private static final long serialVersionUID = 1L;
  private final String text;

  WrittenNumber(String text) {
    super(text);
    this.text = text;
  }

  @Override
  public String toString() {
    return text;
  }
}
