package io.fleetconf.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParseResult;

/**
 * A bench command line, read by picocli: options that take one value each, and flags. Every bench
 * command parses its arguments here, so all of them word a wrong argument the same way
 * ({@code --rounds must be a whole number, was 'x'}); ranges are checked by each settings record.
 */
public final class Options {
  private final ParseResult parsed;

  private Options(ParseResult parsed) {
    this.parsed = parsed;
  }

  /**
   * Reads {@code args} as {@code names}, each taking one value (the last given wins), and {@code flags}.
   *
   * @throws IllegalArgumentException for an unknown option or one without its value
   */
  public static Options parse(String[] args, Set<String> flags, String... names) {
    CommandSpec spec = CommandSpec.create();
    for (String name : names) {
      spec.addOption(OptionSpec.builder(name).arity("1").type(String.class).build());
    }
    for (String flag : flags) {
      spec.addOption(OptionSpec.builder(flag).arity("0").type(boolean.class).build());
    }
    CommandLine line = new CommandLine(spec).setExpandAtFiles(false).setOverwrittenOptionsAllowed(true);
    try {
      return new Options(line.parseArgs(args));
    } catch (CommandLine.UnmatchedArgumentException e) {
      throw new IllegalArgumentException("unknown option '" + e.getUnmatched().getFirst() + "'");
    } catch (CommandLine.MissingParameterException e) {
      throw new IllegalArgumentException(((OptionSpec) e.getMissing().getFirst()).longestName() + " needs a value");
    } catch (CommandLine.ParameterException e) {
      throw new IllegalArgumentException(e.getMessage());
    }
  }

  /** {@link #parse(String[], Set, String...)} without flags. */
  public static Options parse(String[] args, String... names) {
    return parse(args, Set.of(), names);
  }

  /**
   * The settings {@code parse} makes; if an argument is wrong, prints why and {@code usage} to stderr
   * and exits with status 2.
   */
  public static <T> T orExit(String command, String usage, Supplier<T> parse) {
    try {
      return parse.get();
    } catch (IllegalArgumentException e) {
      System.err.println(command + ": " + e.getMessage());
      System.err.println(usage);
      System.exit(2);
      throw e;
    }
  }

  public boolean flag(String name) {
    return parsed.hasMatchedOption(name);
  }

  public Optional<String> text(String name) {
    return Optional.ofNullable(parsed.matchedOptionValue(name, null));
  }

  public String text(String name, String fallback) {
    return text(name).orElse(fallback);
  }

  public Optional<Path> path(String name) {
    return text(name).map(Path::of);
  }

  /** A whole number; {@code _} may group its digits ({@code 10_000}). */
  public int number(String name, int fallback) {
    return text(name).map(value -> number(name, value)).orElse(fallback);
  }

  /** Whole numbers separated by commas, such as {@code 1000,10_000}. */
  public List<Integer> numbers(String name, List<Integer> fallback) {
    return text(name).map(value -> {
      List<Integer> numbers = new ArrayList<>();
      for (String part : value.split(",")) {
        numbers.add(number(name, part.strip()));
      }
      return List.copyOf(numbers);
    }).orElse(fallback);
  }

  /** Words separated by commas. */
  public List<String> words(String name, List<String> fallback) {
    return text(name).map(value -> List.of(value.split(","))).orElse(fallback);
  }

  static int number(String name, String text) {
    try {
      return Integer.parseInt(text.replace("_", ""));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(name + " must be a whole number, was '" + text + "'");
    }
  }
}
