package io.fleetconf.format;

import static io.fleetconf.format.JsonFormatTest.tree;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import org.junit.jupiter.api.Test;

class YamlFormatTest {

  @Test
  void rendersBlockStyleWithoutDocumentMarkerQuotingOnlyWhenNeeded() {
    JsonNode tree = tree("""
        {"tvApi": {"port": 8080, "debug": false, "ratio": 1.5, "bind": "0.0.0.0",
                   "banner": "Lisboa – São João ✓", "greeting": "it's \\"here\\"", "mode": "on"},
         "rules": [{"name": "night", "cron": "0 23 * * *", "days": [1, 2]}],
         "note": "line1\\nline2", "none": null, "tags": [], "a": ""}""");

    assertThat(Format.YAML.render(tree)).isEqualTo("""
        tvApi:
          port: 8080
          debug: false
          ratio: 1.5
          bind: "0.0.0.0"
          banner: Lisboa – São João ✓
          greeting: it's "here"
          mode: "on"
        rules:
        - name: night
          cron: "0 23 * * *"
          days:
          - 1
          - 2
        note: |-
          line1
          line2
        none: null
        tags: []
        a: ""
        """);
  }

  @Test
  void ambiguousStringsStayStringsOnRoundTrip() {
    List<String> ambiguous = List.of("yes", "no", "on", "off", "true", "null", "1.0", "0123", "",
        "Y", "n", "NO", "False", "NULL", "~", "0x1F", "0o17", "1_000", ".inf", "-.inf", ".nan",
        "1e3", "+1", "-2", "2024-01-01", "12:30", "=", "-", "#x", "a: b", "- x", " lead", "trail ",
        "multi\nline\n", "\ttab");
    ObjectNode tree = JsonNodeFactory.instance.objectNode();
    for (int i = 0; i < ambiguous.size(); i++) {
      tree.put("k" + i, ambiguous.get(i));
      tree.put(ambiguous.get(i), i);
    }

    JsonNode back = Format.YAML.parse(Format.YAML.render(tree));

    assertThat(Json.write(back)).isEqualTo(Json.write(tree));
    assertThat(back.get("k0").isTextual()).isTrue();
  }

  @Test
  void unquotedYesIsABooleanAndNumbersKeepTheirText() {
    // Why the renderer quotes such strings: a YAML 1.1 reader types these.
    assertThat(Json.write(Format.YAML.parse("a: yes\nb: 0123\nc: 1.0\nd: 1.10\ne: 0x1F\nf: 1_000\ng: .inf\n")))
        .isEqualTo("{\"a\":true,\"b\":\"0123\",\"c\":1.0,\"d\":1.10,\"e\":\"0x1F\",\"f\":\"1_000\",\"g\":\".inf\"}");
  }

  @Test
  void numbersRenderWithTheirText() {
    assertThat(Format.YAML.render(Json.read("{\"fw\":1.10,\"e\":1e3,\"big\":123456789012345678901234567890}")))
        .isEqualTo("fw: 1.10\ne: 1e3\nbig: 123456789012345678901234567890\n");
  }

  @Test
  void parseGivesNestedTree() {
    assertThat(Format.YAML.parse("""
        # comment
        tv_api:
          port: 8080
          hosts: ["a", b]
        """)).isEqualTo(tree("{\"tv_api\": {\"port\": 8080, \"hosts\": [\"a\", \"b\"]}}"));
  }

  @Test
  void emptyDocumentParsesToEmptyObject() {
    assertThat(Format.YAML.parse("")).isEqualTo(JsonNodeFactory.instance.objectNode());
    assertThat(Format.YAML.parse("# nothing here\n"))
        .isEqualTo(JsonNodeFactory.instance.objectNode());
  }

  @Test
  void parseErrorNamesTheProblemLine() {
    assertThatThrownBy(() -> Format.YAML.parse("a: [1\nb: 2\n"))
        .isInstanceOf(DocumentException.class)
        .hasMessage("malformed YAML at line 2, column 2: expected ',' or ']', but got :");
  }

  @Test
  void parseErrorForTabIndentation() {
    assertThatThrownBy(() -> Format.YAML.parse("a:\n\tb: 1\n"))
        .hasMessage("malformed YAML at line 2, column 1: found character '\\t(TAB)' that cannot "
            + "start any token. (Do not use \\t(TAB) for indentation)");
  }

  @Test
  void parseRejectsDuplicateKeys() {
    assertThatThrownBy(() -> Format.YAML.parse("a: 1\nb: 2\na: 3\n"))
        .hasMessage("malformed YAML at line 3, column 2: Duplicate field 'a'");
  }

  @Test
  void parseRejectsAliases() {
    assertThatThrownBy(() -> Format.YAML.parse("base: &b 1\ncopy: *b\n"))
        .hasMessage("malformed YAML at line 2, column 9: aliases are not supported (found *b)");
  }

  @Test
  void parseRejectsASecondDocument() {
    assertThatThrownBy(() -> Format.YAML.parse("a: 1\n---\nb: 2\n"))
        .hasMessage("malformed YAML at line 3, column 1: unexpected content after the document");
  }

  @Test
  void parseRejectsComplexKeysWithoutNamingJavaClasses() {
    assertThatThrownBy(() -> Format.YAML.parse("? [a]\n: 1\n"))
        .hasMessage("malformed YAML at line 1, column 4: only scalar mapping keys are supported");
  }
}
