package io.fleetconf.agent;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.hubspot.jinjava.interpret.Context;
import com.hubspot.jinjava.interpret.InterpretException;
import com.hubspot.jinjava.interpret.JinjavaInterpreter;
import com.hubspot.jinjava.lib.exptest.ExpTest;
import com.hubspot.jinjava.lib.filter.AdvancedFilter;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;

/**
 * Ansible's filters and tests (ansible-core 2.14, {@code plugins/filter/core.py},
 * {@code mathstuff.py}, {@code plugins/test/core.py}) as Jinjava filters, with Python's semantics:
 * Python regular expressions, Python's {@code json.dumps}, order-keeping set operations.
 */
final class AnsibleFilters {
  private AnsibleFilters() {}

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  @FunctionalInterface
  interface Body {
    Object apply(Object value, Object[] args, Map<String, Object> kwargs);
  }

  private record Named(String name, Body body) implements AdvancedFilter {
    @Override
    public Object filter(Object value, JinjavaInterpreter interpreter, Object[] args, Map<String, Object> kwargs) {
      return body.apply(value, args, kwargs);
    }

    @Override
    public String getName() {
      return name;
    }
  }

  @FunctionalInterface
  interface Check {
    boolean test(Object value, Object[] args);
  }

  private record Test(String name, Check check) implements ExpTest {
    @Override
    public boolean evaluate(Object value, JinjavaInterpreter interpreter, Object... args) {
      // Jinjava hands `x is t(a, b)` to a test as ONE argument, the tuple [a, b]; Jinja2 passes a and b.
      // None of these tests takes a list as its first argument, so a lone list is that tuple.
      if (args.length == 1 && args[0] instanceof List<?> tuple) {
        args = tuple.toArray();
      }
      return check.test(value, args);
    }

    @Override
    public String getName() {
      return name;
    }
  }

  /** Adds Ansible's filters and tests to {@code context}, replacing Jinjava's of the same name. */
  static void register(Context context) {
    filter(context, "mandatory", (v, a, k) -> {
      if (v instanceof Undefined u) {
        throw new InterpretException(a.length > 0 ? str(a[0]) : "Mandatory variable '" + u.name() + "'  not defined.");
      }
      return v;
    });
    filter(context, "bool", (v, a, k) -> v == null || v instanceof Boolean ? v
        : List.of("yes", "on", "1", "true").contains(str(v).toLowerCase()) || PythonComparison.equal(v, 1L));
    filter(context, "string", (v, a, k) -> Python.str(v));
    filter(context, "int", (v, a, k) -> toInt(v, a.length > 0 ? a[0] : k.getOrDefault("default", 0L),
        a.length > 1 ? ((Number) a[1]).intValue() : k.get("base") instanceof Number n ? n.intValue() : 10));
    filter(context, "lower", (v, a, k) -> str(v).toLowerCase(java.util.Locale.ROOT));
    filter(context, "upper", (v, a, k) -> str(v).toUpperCase(java.util.Locale.ROOT));
    filter(context, "ternary", (v, a, k) -> v == null && a.length > 2 ? a[2] : truthy(v) ? arg(a, 0) : arg(a, 1));
    filter(context, "to_json", (v, a, k) -> Python.json(v, intKw(k, "indent", 0), Boolean.TRUE.equals(k.get("sort_keys"))));
    filter(context, "to_nice_json", (v, a, k) -> Python.json(v, intKw(k, "indent", 4), true));
    filter(context, "to_yaml", (v, a, k) -> PythonYaml.dump(v, yamlOptions(k, 2,
        java.util.Optional.ofNullable(k.get("default_flow_style")).map(AnsibleFilters::truthy))));
    filter(context, "to_nice_yaml", (v, a, k) -> PythonYaml.dump(v, yamlOptions(k, a.length > 0 && a[0] instanceof Number n
        ? n.intValue() : 4, java.util.Optional.of(false))));
    // Python's 'fmt' % values, as StrictJinja rewrites it
    filter(context, "__percent", (v, a, k) -> PythonStrings.percent(str(v), List.of(a), true));
    filter(context, "__percent_one", (v, a, k) -> PythonStrings.percent(str(v), arg(a, 0), arg(a, 0) instanceof Python.Tuple));
    filter(context, "from_json", (v, a, k) -> read(JSON, str(v)));
    filter(context, "from_yaml", (v, a, k) -> read(YAML, str(v)));
    filter(context, "regex_replace", (v, a, k) -> PythonRegex.compile(str(arg(a, 0)), a, k, 2).matcher(str(v))
        .replaceAll(PythonRegex.replacement(a.length > 1 ? str(a[1]) : "")));
    filter(context, "regex_search", AnsibleFilters::regexSearch);
    filter(context, "regex_findall", (v, a, k) -> {
      List<Object> found = new ArrayList<>();
      Matcher m = PythonRegex.compile(str(arg(a, 0)), a, k, 1).matcher(str(v));
      while (m.find()) {
        if (m.groupCount() == 0) {
          found.add(m.group());
        } else if (m.groupCount() == 1) {
          found.add(m.group(1) == null ? "" : m.group(1));
        } else {
          List<Object> groups = new ArrayList<>();
          for (int g = 1; g <= m.groupCount(); g++) {
            groups.add(m.group(g) == null ? "" : m.group(g));
          }
          found.add(new Python.Tuple(groups));
        }
      }
      return found;
    });
    filter(context, "b64encode", (v, a, k) -> Base64.getEncoder().encodeToString(str(v).getBytes(StandardCharsets.UTF_8)));
    filter(context, "b64decode", (v, a, k) -> new String(Base64.getDecoder().decode(str(v)), StandardCharsets.UTF_8));
    filter(context, "hash", (v, a, k) -> hash(str(v), a.length > 0 ? str(a[0]) : "sha1"));
    filter(context, "checksum", (v, a, k) -> hash(str(v), "sha1"));
    filter(context, "quote", (v, a, k) -> quote(str(v)));
    filter(context, "comment", (v, a, k) -> AnsibleComment.comment(str(v), a.length > 0 ? str(a[0]) : "plain", k));
    filter(context, "combine", AnsibleFilters::combine);
    filter(context, "dict2items", (v, a, k) -> {
      List<Object> items = new ArrayList<>();
      map(v, "dict2items").forEach((key, value) -> {
        Map<String, Object> item = new LinkedHashMap<>();
        item.put(str(k.getOrDefault("key_name", "key")), key);
        item.put(str(k.getOrDefault("value_name", "value")), value);
        items.add(item);
      });
      return items;
    });
    filter(context, "items2dict", (v, a, k) -> {
      Map<Object, Object> dict = new LinkedHashMap<>();
      for (Object item : list(v)) {
        Map<?, ?> entry = map(item, "items2dict");
        dict.put(entry.get(str(k.getOrDefault("key_name", "key"))), entry.get(str(k.getOrDefault("value_name", "value"))));
      }
      return dict;
    });
    filter(context, "union", (v, a, k) -> {
      LinkedHashSet<Object> all = new LinkedHashSet<>(list(v));
      all.addAll(list(arg(a, 0)));
      return new ArrayList<>(all);
    });
    filter(context, "intersect", (v, a, k) -> {
      List<Object> other = list(arg(a, 0));
      return new ArrayList<>(new LinkedHashSet<>(list(v).stream().filter(other::contains).toList()));
    });
    filter(context, "difference", (v, a, k) -> {
      List<Object> other = list(arg(a, 0));
      return new ArrayList<>(new LinkedHashSet<>(list(v).stream().filter(x -> !other.contains(x)).toList()));
    });
    filter(context, "flatten", (v, a, k) -> {
      Object levels = a.length > 0 ? a[0] : k.get("levels");
      boolean skipNulls = !Boolean.FALSE.equals(a.length > 1 ? a[1] : k.getOrDefault("skip_nulls", true));
      return flatten(list(v), levels == null ? -1 : ((Number) levels).intValue(), skipNulls);
    });
    filter(context, "zip", (v, a, k) -> {
      List<List<Object>> lists = new ArrayList<>();
      lists.add(list(v));
      for (Object other : a) {
        lists.add(list(other));
      }
      int n = lists.stream().mapToInt(List::size).min().orElse(0);
      List<Object> zipped = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        List<Object> tuple = new ArrayList<>();
        for (List<Object> l : lists) {
          tuple.add(l.get(i));
        }
        zipped.add(new Python.Tuple(tuple));
      }
      return zipped;
    });
    filter(context, "basename", (v, a, k) -> {
      String p = str(v);
      return p.substring(p.lastIndexOf('/') + 1);
    });
    filter(context, "dirname", (v, a, k) -> {
      String p = str(v);
      int slash = p.lastIndexOf('/');
      String head = slash < 0 ? "" : p.substring(0, slash + 1);
      return head.matches("/+") ? head : head.replaceAll("/+$", "");
    });
    filter(context, "splitext", (v, a, k) -> {
      String p = str(v);
      int slash = p.lastIndexOf('/');
      int dot = p.lastIndexOf('.');
      // a leading dot of the file name is not an extension (".bashrc")
      if (dot > slash + 1 && !p.substring(slash + 1, dot).matches("\\.*")) {
        return new Python.Tuple(List.of(p.substring(0, dot), p.substring(dot)));
      }
      return new Python.Tuple(List.of(p, ""));
    });

    test(context, "match", (v, a) -> PythonRegex.compile(str(arg(a, 0)), a, Map.of(), 1).matcher(str(v)).lookingAt());
    test(context, "search", (v, a) -> PythonRegex.compile(str(arg(a, 0)), a, Map.of(), 1).matcher(str(v)).find());
    test(context, "regex", (v, a) -> PythonRegex.compile(str(arg(a, 0)), a, Map.of(), 1).matcher(str(v)).find());
    test(context, "version", (v, a) -> LooseVersion.compare(str(v), str(arg(a, 0)), a.length > 1 ? str(a[1]) : "eq"));
    test(context, "version_compare", (v, a) -> LooseVersion.compare(str(v), str(arg(a, 0)), a.length > 1 ? str(a[1]) : "eq"));
    test(context, "none", (v, a) -> v == null);
    test(context, "string", (v, a) -> v instanceof CharSequence);
    // Jinja2's test is isinstance(value, Number), and a bool is an int
    test(context, "number", (v, a) -> v instanceof Number || v instanceof Boolean);
  }

  private static void filter(Context context, String name, Body body) {
    context.registerFilter(new Named(name, body));
  }

  private static void test(Context context, String name, Check check) {
    context.registerExpTest(new Test(name, check));
  }

  /** Jinja2's {@code int}: a string read in {@code base} ({@code 0x} and {@code _} allowed), else as a float, else the default; exact past 64 bits. */
  private static Object toInt(Object value, Object fallback, int base) {
    if (value instanceof Undefined undefined) {
      throw new Undefined.UndefinedException(undefined);
    }
    try {
      if (value instanceof CharSequence text) {
        String s = text.toString().strip().replace("_", "");
        boolean negative = s.startsWith("-");
        String digits = s.replaceFirst("^[-+]", "");
        String prefix = base == 16 ? "0[xX]" : base == 8 ? "0[oO]" : base == 2 ? "0[bB]" : "(?!)";
        java.math.BigInteger parsed = new java.math.BigInteger(digits.replaceFirst("^" + prefix, ""), base);
        return exact(negative ? parsed.negate() : parsed);
      }
      return value instanceof java.math.BigInteger big ? big : value instanceof Boolean b ? (b ? 1L : 0L)
          : value instanceof Number n ? wholePart(n.doubleValue(), n) : fallback;
    } catch (NumberFormatException e) {
      try {
        return wholePart(Double.parseDouble(value.toString().strip()), null);
      } catch (NumberFormatException notFloat) {
        return fallback;
      }
    }
  }

  /** Python's {@code int(x)} of a number: a float's whole part, exact (int(1e20) is 100000000000000000000). */
  private static Object wholePart(double d, Number n) {
    if (n != null && !(n instanceof Double || n instanceof Float || n instanceof java.math.BigDecimal)) {
      return n.longValue();
    }
    if (Double.isNaN(d) || Double.isInfinite(d)) {
      throw new PythonOperators.PythonError(Double.isNaN(d) ? "cannot convert float NaN to integer"
          : "cannot convert float infinity to integer");
    }
    return exact(new java.math.BigDecimal(d).toBigInteger());
  }

  private static Object exact(java.math.BigInteger value) {
    return value.bitLength() < 64 ? (Object) value.longValue() : value;
  }

  private static Object arg(Object[] args, int index) {
    if (index >= args.length) {
      throw new InterpretException("missing argument " + (index + 1));
    }
    return args[index];
  }

  private static String str(Object value) {
    return Python.str(value);
  }

  private static int intKw(Map<String, Object> kwargs, String name, int fallback) {
    Object value = kwargs.get(name);
    return value instanceof Number n ? n.intValue() : fallback;
  }

  /** {@code yaml.dump}'s keyword arguments as the filters pass them on (PyYAML sorts keys unless told not to). */
  private static PythonYaml.Options yamlOptions(Map<String, Object> kwargs, int indent,
      java.util.Optional<Boolean> flowStyle) {
    return new PythonYaml.Options(intKw(kwargs, "indent", indent), intKw(kwargs, "width", 80), flowStyle,
        !kwargs.containsKey("sort_keys") || truthy(kwargs.get("sort_keys")), truthy(kwargs.get("explicit_start")));
  }

  private static boolean truthy(Object value) {
    return switch (value) {
      case null -> false;
      case Boolean b -> b;
      case Number n -> n.doubleValue() != 0;
      case CharSequence s -> !s.isEmpty();
      case Collection<?> c -> !c.isEmpty();
      case Map<?, ?> m -> !m.isEmpty();
      default -> true;
    };
  }

  @SuppressWarnings("unchecked")
  private static List<Object> list(Object value) {
    if (value instanceof Collection<?> c) {
      return new ArrayList<>((Collection<Object>) c);
    }
    if (value instanceof Map<?, ?> m) {
      return new ArrayList<>((Collection<Object>) m.keySet());
    }
    if (value instanceof CharSequence s) {
      return new ArrayList<>(s.toString().chars().mapToObj(c -> (Object) String.valueOf((char) c)).toList());
    }
    throw new InterpretException("expected a list, got " + Python.repr(value));
  }

  private static Map<?, ?> map(Object value, String filter) {
    if (value instanceof Map<?, ?> m) {
      return m;
    }
    throw new InterpretException(filter + " requires a dictionary, got " + Python.repr(value));
  }

  private static Object read(ObjectMapper mapper, String text) {
    try {
      return mapper.readValue(text, Object.class);
    } catch (java.io.IOException e) {
      throw new InterpretException("cannot parse: " + e.getMessage().lines().findFirst().orElse(""));
    }
  }

  private static Object regexSearch(Object value, Object[] args, Map<String, Object> kwargs) {
    List<Object> groups = new ArrayList<>();
    for (int i = 1; i < args.length; i++) {
      groups.add(args[i]);
    }
    Matcher m = PythonRegex.compile(str(arg(args, 0)), new Object[0], kwargs, 0).matcher(str(value));
    if (!m.find()) {
      return null;
    }
    if (groups.isEmpty()) {
      return m.group();
    }
    List<Object> out = new ArrayList<>();
    for (Object g : groups) {
      String name = str(g);
      if (name.matches("\\\\\\d+")) {
        out.add(m.group(Integer.parseInt(name.substring(1))));
      } else if (name.startsWith("\\g<")) {
        out.add(m.group(name.substring(3, name.length() - 1)));
      } else {
        throw new InterpretException("Unknown argument " + name);
      }
    }
    return out;
  }

  private static String hash(String text, String algorithm) {
    String java = switch (algorithm) {
      case "md5" -> "MD5";
      case "sha1" -> "SHA-1";
      case "sha224" -> "SHA-224";
      case "sha256" -> "SHA-256";
      case "sha384" -> "SHA-384";
      case "sha512" -> "SHA-512";
      default -> throw new InterpretException("unsupported hash type " + algorithm);
    };
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance(java).digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Python's {@code shlex.quote}. */
  private static String quote(String s) {
    if (s.isEmpty()) {
      return "''";
    }
    if (s.matches("[\\w@%+=:,./-]+") && s.chars().allMatch(c -> c < 128)) {
      return s;
    }
    return "'" + s.replace("'", "'\"'\"'") + "'";
  }

  private static Object combine(Object value, Object[] args, Map<String, Object> kwargs) {
    boolean recursive = Boolean.TRUE.equals(kwargs.get("recursive"));
    Map<Object, Object> result = new LinkedHashMap<>(map(value, "combine"));
    for (Object other : args) {
      for (Object dict : other instanceof List<?> l ? l : List.of(other)) {
        result = merge(result, map(dict, "combine"), recursive);
      }
    }
    return result;
  }

  private static Map<Object, Object> merge(Map<?, ?> base, Map<?, ?> over, boolean recursive) {
    Map<Object, Object> out = new LinkedHashMap<>(base);
    over.forEach((k, v) -> {
      Object old = out.get(k);
      out.put(k, recursive && old instanceof Map<?, ?> a && v instanceof Map<?, ?> b ? merge(a, b, true) : v);
    });
    return out;
  }

  private static List<Object> flatten(List<Object> items, int levels, boolean skipNulls) {
    List<Object> out = new ArrayList<>();
    for (Object item : items) {
      if (skipNulls && (item == null || "None".equals(item))) {
        continue;
      }
      if (item instanceof Collection<?> inner && levels != 0) {
        out.addAll(flatten(new ArrayList<>(inner), levels - 1, skipNulls));
      } else {
        out.add(item);
      }
    }
    return out;
  }
}
