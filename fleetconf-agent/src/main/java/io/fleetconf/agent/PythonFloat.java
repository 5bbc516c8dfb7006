package io.fleetconf.agent;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import com.hubspot.jinjava.interpret.InterpretException;

/**
 * Python's {@code f}, {@code e} and {@code g} float formatting, correctly rounded from the double's
 * exact value as CPython does ({@code '%.2f' % 0.125} is {@code 0.12}); Java's Formatter rounds the
 * shortest decimal half-up and writes {@code %g} without Python's trimming.
 */
final class PythonFloat {
  private PythonFloat() {}

  /** {@code value} formatted as Python's type {@code f}/{@code F}/{@code e}/{@code E}/{@code g}/{@code G}, sign included. */
  static String format(double value, char type, int precision, boolean alternate) {
    String text;
    if (Double.isNaN(value) || Double.isInfinite(value)) {
      text = Double.isNaN(value) ? "nan" : value > 0 ? "inf" : "-inf";
    } else {
      text = switch (Character.toLowerCase(type)) {
        case 'f' -> fixed(value, precision);
        case 'e' -> exponent(value, precision);
        default -> general(value, precision, alternate);
      };
    }
    return Character.isUpperCase(type) ? text.toUpperCase(Locale.ROOT) : text;
  }

  private static String sign(double value) {
    return value < 0 || (value == 0 && 1 / value < 0) ? "-" : "";
  }

  static String fixed(double value, int precision) {
    return sign(value) + new BigDecimal(Math.abs(value)).setScale(precision, RoundingMode.HALF_EVEN).toPlainString();
  }

  static String exponent(double value, int precision) {
    String digits = "0";
    int exponent = 0;
    if (value != 0) {
      BigDecimal rounded = new BigDecimal(Math.abs(value)).round(new MathContext(precision + 1, RoundingMode.HALF_EVEN));
      digits = rounded.unscaledValue().toString();
      exponent = digits.length() - 1 - rounded.scale();
    }
    digits = (digits + "0".repeat(precision + 1)).substring(0, precision + 1);
    String mantissa = digits.charAt(0) + (precision > 0 ? "." + digits.substring(1) : "");
    return sign(value) + mantissa + "e" + (exponent < 0 ? "-" : "+") + (Math.abs(exponent) < 10 ? "0" : "") + Math.abs(exponent);
  }

  /** {@code g}: fixed or exponent by the rounded exponent, trailing zeros dropped unless {@code #}. */
  static String general(double value, int precision, boolean alternate) {
    int p = Math.max(1, precision);
    String e = exponent(value, p - 1);
    int x = Integer.parseInt(e.substring(e.indexOf('e') + 1));
    String text = x >= -4 && x < p ? fixed(value, p - 1 - x) : e;
    if (alternate) {
      return text;
    }
    int at = text.indexOf('e');
    String mantissa = at < 0 ? text : text.substring(0, at);
    if (mantissa.contains(".")) {
      mantissa = mantissa.replaceAll("0+$", "").replaceAll("\\.$", "");
    }
    return mantissa + (at < 0 ? "" : text.substring(at));
  }

  /** {@code [sign][,][.precision]type} of a float, as Python's format spec. */
  static String spec(String spec, double value) {
    Matcher m = Pattern.compile("([-+ ])?(,)?(?:\\.(\\d+))?(.)").matcher(spec);
    if (!m.matches()) {
      throw new InterpretException("Invalid format specifier '" + spec + "'");
    }
    String body = PythonFloat.format(value, m.group(4).charAt(0), m.group(3) == null ? 6 : Integer.parseInt(m.group(3)), false);
    if (m.group(2) != null) {
      int end = body.replaceAll("[.eE].*$", "").length();
      int start = body.startsWith("-") ? 1 : 0;
      String grouped = String.format(Locale.ROOT, "%,d", new java.math.BigInteger(body.substring(start, end)));
      body = body.substring(0, start) + grouped + body.substring(end);
    }
    return pad(body, m.group(1) == null ? "" : m.group(1), 0);
  }
  /** A formatted number with printf's flags: {@code +} or space for the sign, {@code -} left, {@code 0} zero fill. */
  static String pad(String body, String flags, int width) {
    String signed = body.startsWith("-") ? body : flags.contains("+") ? "+" + body : flags.contains(" ") ? " " + body : body;
    int missing = Math.max(0, width - signed.length());
    if (flags.contains("-")) {
      return signed + " ".repeat(missing);
    }
    if (flags.contains("0") && !signed.matches("[-+ ]?(nan|inf|NAN|INF)")) {
      int sign = signed.startsWith("-") || signed.startsWith("+") || signed.startsWith(" ") ? 1 : 0;
      return signed.substring(0, sign) + "0".repeat(missing) + signed.substring(sign);
    }
    return " ".repeat(missing) + signed;
  }}
