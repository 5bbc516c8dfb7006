package io.fleetconf.format;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.node.NumericNode;
import com.fasterxml.jackson.databind.util.TokenBuffer;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A JSON number that keeps the text it was written with: {@code 1.10} stays {@code 1.10} and
 * {@code 1e3} stays {@code 1e3} wherever it is written again (JSON and YAML write the text as it
 * is). Two numbers are equal only when their texts are, so a change from {@code 1.1} to
 * {@code 1.10} is a change. See docs/api.md, "Values".
 */
public final class LiteralNumber extends NumericNode {
  private static final long serialVersionUID = 1L;
  private static final Pattern JSON_NUMBER = Pattern.compile("-?(?:0|[1-9][0-9]*)(?:\\.[0-9]+)?(?:[eE][+-]?[0-9]+)?");

  private static final BigDecimal MIN_LONG = BigDecimal.valueOf(Long.MIN_VALUE);
  private static final BigDecimal MAX_LONG = BigDecimal.valueOf(Long.MAX_VALUE);

  private final String text;
  private transient BigDecimal decimal;

  private LiteralNumber(String text) {
    this.text = text;
  }

  /** The number written {@code text}; refuses text that is not a JSON number. */
  public static LiteralNumber of(String text) {
    if (!isJsonNumber(text)) {
      throw new IllegalArgumentException("not a JSON number: " + text);
    }
    return new LiteralNumber(text);
  }

  /** Whether {@code text} is a number as JSON writes one (no sign +, no leading zero, no hex). */
  public static boolean isJsonNumber(String text) {
    return JSON_NUMBER.matcher(text).matches();
  }

  private BigDecimal decimal() {
    if (decimal == null) {
      decimal = new BigDecimal(text);
    }
    return decimal;
  }

  @Override
  public boolean isIntegralNumber() {
    return text.indexOf('.') < 0 && text.indexOf('e') < 0 && text.indexOf('E') < 0;
  }

  @Override
  public boolean isFloatingPointNumber() {
    return !isIntegralNumber();
  }

  @Override
  public boolean isInt() {
    return numberType() == JsonParser.NumberType.INT;
  }

  @Override
  public boolean isLong() {
    return numberType() == JsonParser.NumberType.LONG;
  }

  @Override
  public boolean isBigInteger() {
    return numberType() == JsonParser.NumberType.BIG_INTEGER;
  }

  @Override
  public boolean isBigDecimal() {
    return numberType() == JsonParser.NumberType.BIG_DECIMAL;
  }

  @Override
  public JsonParser.NumberType numberType() {
    if (!isIntegralNumber()) {
      return JsonParser.NumberType.BIG_DECIMAL;
    }
    int bits = bigIntegerValue().bitLength();
    return bits < 32 ? JsonParser.NumberType.INT
        : bits < 64 ? JsonParser.NumberType.LONG : JsonParser.NumberType.BIG_INTEGER;
  }

  @Override
  public Number numberValue() {
    return switch (numberType()) {
      case INT -> intValue();
      case LONG -> longValue();
      case BIG_INTEGER -> bigIntegerValue();
      default -> decimalValue();
    };
  }

  @Override
  public JsonToken asToken() {
    return isIntegralNumber() ? JsonToken.VALUE_NUMBER_INT : JsonToken.VALUE_NUMBER_FLOAT;
  }

  // Outside the long range, convert as a double does: 1e999999999 must not build a huge integer.
  @Override
  public int intValue() {
    return canConvertToLong() ? decimal().intValue() : (int) doubleValue();
  }

  @Override
  public long longValue() {
    return canConvertToLong() ? decimal().longValue() : (long) doubleValue();
  }

  @Override
  public double doubleValue() {
    return Double.parseDouble(text);
  }

  @Override
  public BigDecimal decimalValue() {
    return decimal();
  }

  @Override
  public BigInteger bigIntegerValue() {
    return isIntegralNumber() ? new BigInteger(text) : decimal().toBigInteger();
  }

  @Override
  public boolean canConvertToInt() {
    return canConvertToLong() && longValue() == intValue();
  }

  @Override
  public boolean canConvertToLong() {
    return decimal().compareTo(MIN_LONG) >= 0 && decimal().compareTo(MAX_LONG) <= 0;
  }

  @Override
  public boolean canConvertToExactIntegral() {
    return isIntegralNumber();
  }

  @Override
  public boolean isNaN() {
    return false;
  }

  @Override
  public String asText() {
    return text;
  }

  /**
   * Writes the text as it is; but a tree converted to Java objects ({@code convertValue},
   * {@code treeToValue}, which go through a {@link TokenBuffer}) gets a typed number, an integer
   * as an int, long or BigInteger and any other as a BigDecimal (which keeps {@code 1.10}), since
   * a buffered text would be read back as a double.
   */
  @Override
  public void serialize(JsonGenerator generator, SerializerProvider provider) throws IOException {
    if (!(generator instanceof TokenBuffer)) {
      generator.writeNumber(text);
      return;
    }
    switch (numberType()) {
      case INT -> generator.writeNumber(intValue());
      case LONG -> generator.writeNumber(longValue());
      case BIG_INTEGER -> generator.writeNumber(bigIntegerValue());
      default -> generator.writeNumber(decimalValue());
    }
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof LiteralNumber number && number.text.equals(text);
  }

  @Override
  public int hashCode() {
    return Objects.hash(text);
  }
}
