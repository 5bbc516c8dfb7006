package io.fleetconf.format;

import static io.fleetconf.format.JsonFormatTest.tree;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Properties;
import org.junit.jupiter.api.Test;

class PropertiesFormatTest {

  private static Properties loadAsIso88591(String text) throws IOException {
    Properties properties = new Properties();
    properties.load(new ByteArrayInputStream(text.getBytes(StandardCharsets.ISO_8859_1)));
    return properties;
  }

  @Test
  void aDottedKeyAndANestedMemberWithTheSameNameAreRefusedNotWrittenTwice() {
    // Properties.load keeps the last of two equal names: the file would hold one value silently.
    assertThatThrownBy(() -> Format.PROPERTIES.render(tree("{\"a\": {\"b\": 2}, \"a.b\": 1}")))
        .isInstanceOf(DocumentException.class)
        .hasMessage("keys 'a/b' and 'a.b' both render as a.b in .properties");
    assertThatThrownBy(() -> Format.PROPERTIES.render(tree("{\"x\": {\"a.b\": 1, \"a\": {\"b\": 2}}}")))
        .hasMessage("keys 'x/a.b' and 'x/a/b' both render as x.a.b in .properties");
  }

  @Test
  void rendersDottedKeysAndSpringStyleIndexesInTreeOrder() {
    JsonNode tree = tree("""
        {"tvApi": {"port": 8080, "debug": false, "ratio": 1.5},
         "rules": [{"name": "night", "days": [1, 2]}, {"name": "day", "off": null}],
         "banner": "Lisboa – São João ✓", "none": null, "tags": [], "opts": {}, "a": ""}""");

    assertThat(Format.PROPERTIES.render(tree)).isEqualTo("""
        tvApi.port=8080
        tvApi.debug=false
        tvApi.ratio=1.5
        rules[0].name=night
        rules[0].days[0]=1
        rules[0].days[1]=2
        rules[1].name=day
        banner=Lisboa \\u2013 S\\u00E3o Jo\\u00E3o \\u2713
        a=
        """);
  }

  @Test
  void escapesKeySeparatorsAndValueSpecials() {
    ObjectNode tree = JsonNodeFactory.instance.objectNode()
        .put("a key:=#!\\", " lead = #x! trail ")
        .put("lines", "l1\nl2\r\n\tx\f")
        .put("path", "C:\\dir");

    assertThat(Format.PROPERTIES.render(tree)).isEqualTo("""
        a\\ key\\:\\=\\#\\!\\\\=\\ lead = #x! trail\s
        lines=l1\\nl2\\r\\n\\tx\\f
        path=C:\\\\dir
        """);
  }

  @Test
  void roundTripThroughPropertiesLoadOfIso88591Bytes() throws IOException {
    ObjectNode tree = JsonNodeFactory.instance.objectNode()
        .put("quotes", "it's \"x\"")
        .put("shell", "a=b #c !d :e $HOME")
        .put("lines", "l1\nl2\r\n")
        .put("padding", "  both  ")
        .put("unicode", "Lisboa – São João ✓ 😀")
        .put("empty", "")
        .put("# not a comment", "k")
        .put("num", 42)
        .put("bool", true);
    tree.putObject("nested").putArray("list").addObject().put("ключ", "значение");

    Properties loaded = loadAsIso88591(Format.PROPERTIES.render(tree));

    assertThat(loaded).hasSize(10)
        .containsEntry("quotes", "it's \"x\"")
        .containsEntry("shell", "a=b #c !d :e $HOME")
        .containsEntry("lines", "l1\nl2\r\n")
        .containsEntry("padding", "  both  ")
        .containsEntry("unicode", "Lisboa – São João ✓ 😀")
        .containsEntry("empty", "")
        .containsEntry("# not a comment", "k")
        .containsEntry("num", "42")
        .containsEntry("bool", "true")
        .containsEntry("nested.list[0].ключ", "значение");
  }

  @Test
  void renderedTextIsPureAscii() {
    String text = Format.PROPERTIES.render(JsonNodeFactory.instance.objectNode().put("ä", "😀"));

    assertThat(text).isEqualTo("\\u00E4=\\uD83D\\uDE00\n");
  }

  @Test
  void parseGivesKeysSortedWithStringValues() {
    assertThat(Format.PROPERTIES.parse("""
        # comment
        zeta = last
        alpha:first
        rules[0].name=night \\
            shift
        num=1
        """)).isEqualTo(JsonNodeFactory.instance.objectNode()
            .put("alpha", "first")
            .put("num", "1")
            .put("rules[0].name", "night shift")
            .put("zeta", "last"));
  }

  @Test
  void parseRejectsMalformedUnicodeEscapeNamingTheLine() {
    assertThatThrownBy(() -> Format.PROPERTIES.parse("a=1\n# \\uZZ in a comment\nb=\\u12x\n"))
        .isInstanceOf(DocumentException.class)
        .hasMessage("malformed .properties at line 3: malformed \\uxxxx escape");
  }

  @Test
  void refusesAScalarAtTheTop() {
    assertThatThrownBy(() -> Format.PROPERTIES.render(JsonNodeFactory.instance.textNode("x")))
        .hasMessage("only an object can be rendered as .properties, not string");
  }
}
