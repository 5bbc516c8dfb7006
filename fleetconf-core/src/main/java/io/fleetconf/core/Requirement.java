package io.fleetconf.core;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A software version a value needs on the device, such as {@code tv_scheduler >= 2.3}: a service
 * name as the device's agent reports it, a comparison and a version. Versions compare by their
 * leading dot-separated numbers ({@code 2.10 > 2.9}, {@code 2.3 == 2.3.0}); whatever follows them
 * ({@code -rc1}, {@code +build}) is ignored.
 */
public record Requirement(String service, Comparison comparison, List<Integer> version) {
  private static final Pattern FORM = Pattern.compile("\\s*([A-Za-z0-9_.-]+)\\s*(>=|<=|==|>|<)\\s*(\\d+(?:\\.\\d+)*)\\s*");
  private static final Pattern LEADING_NUMBERS = Pattern.compile("v?(\\d+(?:\\.\\d+)*)");

  public Requirement {
    version = List.copyOf(version);
  }

  /** The comparisons a requirement may make. */
  public enum Comparison {
    AT_LEAST(">="), ABOVE(">"), AT_MOST("<="), BELOW("<"), EQUAL("==");

    private final String symbol;

    Comparison(String symbol) {
      this.symbol = symbol;
    }

    boolean holds(int order) {
      return switch (this) {
        case AT_LEAST -> order >= 0;
        case ABOVE -> order > 0;
        case AT_MOST -> order <= 0;
        case BELOW -> order < 0;
        case EQUAL -> order == 0;
      };
    }

    static Comparison of(String symbol) {
      for (Comparison comparison : values()) {
        if (comparison.symbol.equals(symbol)) {
          return comparison;
        }
      }
      throw new IllegalArgumentException(symbol);
    }
  }

  /** Reads {@code tv_scheduler >= 2.3}; anything else is refused naming the text and the form. */
  public static Requirement parse(String text) {
    Matcher matcher = FORM.matcher(text);
    if (!matcher.matches()) {
      throw new InvalidInputException("invalid_requirement", "requirement '" + Excerpt.of(text)
          + "' must read <service> <op> <version>, such as 'tv_scheduler >= 2.3' (op: >=, >, <=, <, ==)");
    }
    return new Requirement(matcher.group(1), Comparison.of(matcher.group(2)), numbers(matcher.group(3)));
  }

  /** Whether a device that reported {@code versions} (service to version text) meets it. */
  public boolean metBy(Map<String, String> versions) {
    return Optional.ofNullable(versions.get(service)).flatMap(Requirement::leadingNumbers)
        .map(reported -> comparison.holds(compare(reported, version))).orElse(false);
  }

  private static Optional<List<Integer>> leadingNumbers(String reported) {
    Matcher matcher = LEADING_NUMBERS.matcher(reported.trim());
    try {
      return matcher.lookingAt() ? Optional.of(numbers(matcher.group(1))) : Optional.empty();
    } catch (InvalidInputException e) { // a part too large to compare: the device does not meet it
      return Optional.empty();
    }
  }

  private static List<Integer> numbers(String dotted) {
    List<Integer> out = new ArrayList<>();
    for (String part : dotted.split("\\.")) {
      try {
        out.add(Integer.parseInt(part));
      } catch (NumberFormatException e) { // more digits than an int holds
        throw new InvalidInputException("invalid_requirement", "version part '" + Excerpt.of(part) + "' is too large");
      }
    }
    return out;
  }

  /** Compares part by part; a missing part counts as 0, so 2.3 equals 2.3.0. */
  private static int compare(List<Integer> a, List<Integer> b) {
    for (int i = 0; i < Math.max(a.size(), b.size()); i++) {
      int order = Integer.compare(i < a.size() ? a.get(i) : 0, i < b.size() ? b.get(i) : 0);
      if (order != 0) {
        return order;
      }
    }
    return 0;
  }

  @Override
  public String toString() {
    return service + " " + comparison.symbol + " " + String.join(".", version.stream().map(String::valueOf).toList());
  }
}
