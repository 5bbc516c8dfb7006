package io.fleetconf.agent;

import io.fleetconf.agent.PythonOperators.PythonError;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Jinja2 syntax that Jinjava's parser rejects or reads otherwise, rewritten into forms it reads, with
 * Python's meaning: a slice ({@code x[1:]}, {@code x[::2]}, {@code s[::-1]}) becomes a lookup by a {@link Slice}, and an
 * integer literal past Java's long ({@code 123456789012345678901234567890}) an exact int.
 */
final class PythonSyntax {
  private PythonSyntax() {}

  /**
   * {@code start:stop:step} of a slice, each an int or None. Jinjava hands a lookup in a string its
   * key as text, so a slice also reads back from {@link #toString()}.
   */
  record Slice(Object start, Object stop, Object step) {
    private static final String MARK = "\u0000slice:";

    @Override
    public String toString() {
      return MARK + Python.repr(start) + ":" + Python.repr(stop) + ":" + Python.repr(step);
    }

    /** The slice a key stands for: a Slice, or its text. */
    static java.util.Optional<Slice> of(Object key) {
      if (key instanceof Slice slice) {
        return java.util.Optional.of(slice);
      }
      if (!(key instanceof String text) || !text.startsWith(MARK)) {
        return java.util.Optional.empty();
      }
      Object[] parts = java.util.Arrays.stream(text.substring(MARK.length()).split(":"))
          .map(p -> p.equals("None") ? null : (Object) new BigInteger(p)).toArray();
      return java.util.Optional.of(new Slice(parts[0], parts[1], parts[2]));
    }
  }

  private static final Pattern STRING = Pattern.compile("'(?:[^'\\\\]|\\\\.)*'|\"(?:[^\"\\\\]|\\\\.)*\"", Pattern.DOTALL);
  private static final Pattern BIG_INT = Pattern.compile("(?<![\\w.])\\d{19,}(?![\\w.])");
  private static final BigInteger LONG_MAX = BigInteger.valueOf(Long.MAX_VALUE);

  /** The code of one {@code {{ }}} or {@code {% %}} block, with step slices and big integers rewritten. */
  static String rewrite(String code) {
    return bigIntegers(stepSlices(code));
  }

  private static String bigIntegers(String code) {
    String blanked = blankStrings(code);
    StringBuilder out = new StringBuilder();
    int done = 0;
    for (Matcher m = BIG_INT.matcher(blanked); m.find(); ) {
      if (new BigInteger(m.group()).compareTo(LONG_MAX) > 0) {
        out.append(code, done, m.start()).append("('").append(m.group()).append("' | __bigint)");
        done = m.end();
      }
    }
    return out.append(code.substring(done)).toString();
  }

  /**
   * {@code x[a:b:c]} and {@code x[a:b]} become {@code x[none | __slice(a, b, c)]}, an empty part None
   * (Jinjava's own {@code [a:b]} counts a string's UTF-16 units, Python its code points).
   */
  private static String stepSlices(String code) {
    String blanked = blankStrings(code);
    StringBuilder out = new StringBuilder();
    int done = 0;
    for (int i = 0; i < blanked.length(); i++) {
      if (blanked.charAt(i) != '[') {
        continue;
      }
      List<Integer> colons = new ArrayList<>();
      int end = closing(blanked, i, colons);
      if (end < 0 || colons.isEmpty() || colons.size() > 2) {
        continue;
      }
      List<String> parts = colons.size() == 1
          ? List.of(code.substring(i + 1, colons.get(0)), code.substring(colons.get(0) + 1, end), "")
          : List.of(code.substring(i + 1, colons.get(0)), code.substring(colons.get(0) + 1, colons.get(1)),
              code.substring(colons.get(1) + 1, end));
      out.append(code, done, i).append("[none | __slice(")
          .append(String.join(", ", parts.stream().map(p -> p.isBlank() ? "none" : stepSlices(p)).toList())).append(")]");
      done = end + 1;
      i = end;
    }
    return out.append(code.substring(done)).toString();
  }

  /** The index of the bracket that closes the one at {@code open}, noting its own top-level colons; -1 if none. */
  private static int closing(String code, int open, List<Integer> colons) {
    int depth = 0;
    for (int i = open; i < code.length(); i++) {
      char c = code.charAt(i);
      if (c == '[' || c == '(' || c == '{') {
        depth++;
      } else if (c == ']' || c == ')' || c == '}') {
        depth--;
        if (depth == 0) {
          return c == ']' ? i : -1;
        }
      } else if (c == ':' && depth == 1) {
        colons.add(i);
      }
    }
    return -1;
  }

  private static String blankStrings(String code) {
    return STRING.matcher(code).replaceAll(m -> Matcher.quoteReplacement(m.group().replaceAll("[^\n]", " ")));
  }

  /** Python's {@code value[slice]} of a string (by code points) or a list. */
  static Object slice(Object value, Slice slice) {
    List<Object> items = value instanceof CharSequence || value instanceof List<?> ? JinjaFilters.items(value) : null;
    if (items == null) {
      throw new PythonError("'" + PythonArithmetic.type(value) + "' object is not subscriptable");
    }
    long step = index(slice.step(), 1);
    if (step == 0) {
      throw new PythonError("slice step cannot be zero");
    }
    int length = items.size();
    long start = bound(slice.start(), length, step, step < 0 ? length - 1 : 0);
    long stop = bound(slice.stop(), length, step, step < 0 ? -1 : length);
    List<Object> result = new ArrayList<>();
    for (long i = start; step > 0 ? i < stop : i > stop; i += step) {
      result.add(items.get((int) i));
    }
    if (value instanceof CharSequence) {
      return String.join("", result.stream().map(String::valueOf).toList());
    }
    return result;
  }

  /** CPython's {@code PySlice_AdjustIndices} for one end. */
  private static long bound(Object given, int length, long step, long fallback) {
    if (given == null) {
      return fallback;
    }
    long index = index(given, 0);
    if (index < 0) {
      index += length;
      return index < 0 ? (step < 0 ? -1 : 0) : index;
    }
    return index >= length ? (step < 0 ? length - 1 : length) : index;
  }

  private static long index(Object value, long fallback) {
    if (value == null) {
      return fallback;
    }
    if (!PythonArithmetic.isInt(value)) {
      throw new PythonError("slice indices must be integers or None or have an __index__ method");
    }
    BigInteger index = PythonArithmetic.integer(value);
    return index.max(BigInteger.valueOf(Integer.MIN_VALUE)).min(BigInteger.valueOf(Integer.MAX_VALUE)).longValue();
  }
}
