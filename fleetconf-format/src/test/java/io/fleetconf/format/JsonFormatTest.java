package io.fleetconf.format;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import org.junit.jupiter.api.Test;

class JsonFormatTest {
  /** A tree as the formats read one: numbers keep their text. */
  static JsonNode tree(String json) {
    return Json.read(json);
  }

  @Test
  void rendersPrettyWithTwoSpacesInTreeOrderAndATrailingNewline() {
    JsonNode tree = tree("""
        {"tvApi": {"port": 8080, "debug": false, "ratio": 1.5, "banner": "Lisboa – São João ✓"},
         "rules": [{"name": "night", "days": [1, 2]}, {"name": "a \\"b\\"\\n"}],
         "none": {}, "empty": [], "a": ""}""");

    assertThat(Format.JSON.render(tree)).isEqualTo("""
        {
          "tvApi": {
            "port": 8080,
            "debug": false,
            "ratio": 1.5,
            "banner": "Lisboa – São João ✓"
          },
          "rules": [
            {
              "name": "night",
              "days": [
                1,
                2
              ]
            },
            {
              "name": "a \\"b\\"\\n"
            }
          ],
          "none": {},
          "empty": [],
          "a": ""
        }
        """);
  }

  @Test
  void renderKeepsNullsAsValues() {
    assertThat(Format.JSON.render(tree("{\"a\": null, \"b\": {\"c\": null}, \"d\": [1, null, 3]}")))
        .isEqualTo("{\n  \"a\": null,\n  \"b\": {\n    \"c\": null\n  },\n  \"d\": [\n    1,\n    null,\n    3\n  ]\n}\n");
  }

  @Test
  void rendersAScalarAtTheTop() {
    assertThat(Format.JSON.render(JsonNodeFactory.instance.textNode("x"))).isEqualTo("\"x\"\n");
  }

  @Test
  void parseGivesAnyJsonValue() {
    assertThat(Format.JSON.parse("{\"a\": [1, \"x\", true]}"))
        .isEqualTo(tree("{\"a\": [1, \"x\", true]}"));
    assertThat(Format.JSON.parse(" 42 \n")).isEqualTo(tree("42"));
  }

  @Test
  void roundTripKeepsAwkwardStrings() {
    JsonNode tree = tree("""
        {"q": "it's \\"quoted\\"", "eq": "a=b#c $HOME", "nl": "line1\\nline2\\r\\n", "u": "São ✓ 😀",
         "sp": "  padded  ", "e": ""}""");
    assertThat(Format.JSON.parse(Format.JSON.render(tree))).isEqualTo(tree);
  }

  @Test
  void parseErrorNamesLineAndColumn() {
    assertThatThrownBy(() -> Format.JSON.parse("{\n  \"a\": 1,\n  \"b\": }"))
        .isInstanceOf(DocumentException.class)
        .hasMessage("malformed JSON at line 3, column 8: Unexpected character ('}' (code 125)): expected a value");
  }

  @Test
  void parseRejectsDuplicateKeys() {
    assertThatThrownBy(() -> Format.JSON.parse("{\"a\": 1,\n \"a\": 2}"))
        .hasMessage("malformed JSON at line 2, column 5: Duplicate field 'a'");
  }

  @Test
  void parseRejectsASecondValue() {
    assertThatThrownBy(() -> Format.JSON.parse("{\"a\": 1}\n{\"b\": 2}"))
        .hasMessage("malformed JSON at line 2, column 1: unexpected content after the document");
  }

  @Test
  void parseRejectsTrailingGarbage() {
    assertThatThrownBy(() -> Format.JSON.parse("{\"a\": 1} x"))
        .hasMessage("malformed JSON at line 1, column 10: Unrecognized token 'x': was expecting "
            + "(JSON String, Number, Array, Object or token 'null', 'true' or 'false')");
  }

  @Test
  void parseErrorDoesNotQuoteTheDocument() {
    assertThatThrownBy(() -> Format.JSON.parse("{\"password\": \"hunter2\""))
        .hasMessage("malformed JSON at line 1, column 23: Unexpected end-of-input: "
            + "expected close marker for Object (start marker at [line 1, column 1])");
  }

  @Test
  void parseRejectsAnEmptyDocument() {
    assertThatThrownBy(() -> Format.JSON.parse("  \n"))
        .hasMessage("malformed JSON: the document is empty");
  }

  @Test
  void parseErrorForTooDeepNestingNamesTheLimit() {
    assertThatThrownBy(() -> Format.JSON.parse("[".repeat(1001)))
        .hasMessage("the JSON document is nested deeper than 108 levels; "
            + "a value may nest objects and arrays at most 100 levels deep");
  }

  @Test
  void numbersConvertedToJavaObjectsKeepTheirType() {
    java.util.Map<?, ?> map = new com.fasterxml.jackson.databind.ObjectMapper()
        .convertValue(Json.read("{\"volume\":80,\"fw\":1.10,\"big\":9007199254740993}"), java.util.Map.class);

    assertThat(map.get("volume")).isEqualTo(80);
    assertThat(map.get("fw")).hasToString("1.10");
    assertThat(map.get("big")).isEqualTo(9007199254740993L);
  }

  @Test
  void parseKeepsEveryNumbersText() {
    String text = "[1.10,1e3,1E+3,-0,0.0,9007199254740993,123456789012345678901234567890,1.5e-7]";
    JsonNode parsed = Format.JSON.parse(text);

    assertThat(Json.write(parsed)).isEqualTo(text);
    assertThat(Format.JSON.render(parsed)).startsWith("[\n  1.10,\n  1e3,\n  1E+3,\n  -0,\n");
    assertThat(parsed.get(0)).isNotEqualTo(Format.JSON.parse("1.1"));
    assertThat(parsed.get(5).longValue()).isEqualTo(9007199254740993L);
    assertThat(parsed.get(6).bigIntegerValue()).isEqualTo(new java.math.BigInteger("123456789012345678901234567890"));
  }
}
