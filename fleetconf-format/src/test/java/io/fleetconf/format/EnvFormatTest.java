package io.fleetconf.format;

import static io.fleetconf.format.JsonFormatTest.tree;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

class EnvFormatTest {

  private static String renderValue(String value) {
    return Format.ENV.render(JsonNodeFactory.instance.objectNode().put("v", value));
  }

  @Test
  void rendersNestedTreeFlatInTreeOrder() {
    JsonNode tree = tree("""
        {"tvApi": {"port": 8080, "debug": false, "ratio": 1.5, "logLevel": "info"},
         "rules": [{"name": "night", "cron": "0 23 * * *"}, {"name": "day", "off": null}],
         "dvrIP": "10.0.0.1", "banner": "Lisboa – São João ✓",
         "none": null, "tags": [], "opts": {}}""");

    assertThat(Format.ENV.render(tree)).isEqualTo("""
        TV_API_PORT=8080
        TV_API_DEBUG=false
        TV_API_RATIO=1.5
        TV_API_LOG_LEVEL=info
        RULES_0_NAME=night
        RULES_0_CRON='0 23 * * *'
        RULES_1_NAME=day
        DVR_IP=10.0.0.1
        BANNER='Lisboa – São João ✓'
        """);
  }

  @Test
  void namesAreUpperSnakeCase() {
    JsonNode tree = tree("""
        {"logLevel": 1, "HTTPServer": 2, "ipv4Addr": 3, "log-file.path": 4, "3d": 5, "café": 6,
         "a": [[7]]}""");

    assertThat(Format.ENV.render(tree)).isEqualTo("""
        LOG_LEVEL=1
        HTTP_SERVER=2
        IPV4_ADDR=3
        LOG_FILE_PATH=4
        _3D=5
        CAF_=6
        A_0_0=7
        """);
  }

  @Test
  void leavesSafeWordsBareAndQuotesGlobCharacters() {
    assertThat(renderValue("https://ops.example.org:8443/a_b,c+d@e%20")).isEqualTo(
        "V=https://ops.example.org:8443/a_b,c+d@e%20\n");
    assertThat(renderValue("*.log")).isEqualTo("V='*.log'\n");
    assertThat(renderValue("~/x")).isEqualTo("V='~/x'\n");
  }

  @Test
  void envSingleQuotesValueWithSpacesQuotesHashAndDollar() {
    assertThat(renderValue("say \"hi\" to $HOME #now = `date` \\ \t")).isEqualTo(
        "V='say \"hi\" to $HOME #now = `date` \\ \t'\n");
  }

  @Test
  void envSingleQuotesEmptyStringAndPadding() {
    assertThat(renderValue("")).isEqualTo("V=''\n");
    assertThat(renderValue("  padded ")).isEqualTo("V='  padded '\n");
  }

  @Test
  void envDoubleQuotesValueWithApostropheEscapingOnlyBackslashAndQuote() {
    // Both bash and python-dotenv decode \\ and \" inside double quotes; no other escape is shared.
    assertThat(renderValue("it's \\ \"q\" x\\\\y $ 5")).isEqualTo("V=\"it's \\\\ \\\"q\\\" x\\\\\\\\y $ 5\"\n");
  }

  @Test
  void envDoubleQuotesValueWithNewlineLiterally() {
    // A literal newline: bash does not decode \n inside double quotes.
    assertThat(renderValue("line1\nline2\n\tend")).isEqualTo("V=\"line1\nline2\n\tend\"\n");
  }

  @Test
  void envSingleQuotesValueWithNewlineAndDollar() {
    // In double quotes bash would expand $HOME, and python-dotenv would keep the backslash of \$.
    assertThat(renderValue("line1\n$HOME `id`")).isEqualTo("V='line1\n$HOME `id`'\n");
  }

  @Test
  void refusesTwoKeysThatRenderAsTheSameName() {
    assertThatThrownBy(() -> Format.ENV.render(tree("{\"a_b\": 1, \"a\": {\"b\": 2}}")))
        .isInstanceOf(DocumentException.class)
        .hasMessage("keys 'a_b' and 'a/b' both render as A_B in .env");
    assertThatThrownBy(() -> Format.ENV.render(tree("{\"logLevel\": 1, \"log_level\": 2}")))
        .hasMessage("keys 'logLevel' and 'log_level' both render as LOG_LEVEL in .env");
    assertThatThrownBy(() -> Format.ENV.render(tree("{\"r\": [{\"a\": 1}], \"r_0\": {\"a\": 2}}")))
        .hasMessage("keys 'r[0]/a' and 'r_0/a' both render as R_0_A in .env");
  }

  @Test
  void refusesAScalarAtTheTop() {
    assertThatThrownBy(() -> Format.ENV.render(tree("[1]")))
        .hasMessage("only an object can be rendered as .env, not array");
  }

  @Test
  void roundTripGivesTheSameStrings() {
    ObjectNode tree = JsonNodeFactory.instance.objectNode()
        .put("PLAIN", "0.0.0.0")
        .put("SPACES", "  a b  ")
        .put("BOTH_QUOTES", "it's \"x\"")
        .put("SHELL", "$HOME `id` $(id) \\n \\ #x = y")
        .put("LINES", "l1\nl2\nl3\n")
        .put("TAB", "a\tb")
        .put("UNICODE", "Lisboa – São João ✓ 😀")
        .put("EMPTY", "")
        .put("HASH", "#not-a-comment")
        .put("NUM", 42)
        .put("BOOL", true);

    ObjectNode expected = JsonNodeFactory.instance.objectNode();
    tree.properties().forEach(e -> expected.put(e.getKey(), e.getValue().asText()));

    assertThat(Format.ENV.parse(Format.ENV.render(tree))).isEqualTo(expected);
  }

  @Test
  void parseReadsCommentsExportAndEachQuoting() {
    String text = """
        # tv_api settings

        export TV_API_PORT=8080
        TV_API_BIND = 0.0.0.0   # inline comment
        HMAC='k#1 $x \\n'
        BANNER="Bem-vindo \\"VV\\" \\$HOME\\tx\\\\y\\`z\\` \\q"
        MULTI="first
        second"   # after
        HASH=#1
        EMPTY=
        SPACED= # only a comment
        lower.case_key=a#b
        """;

    assertThat(Format.ENV.parse(text)).isEqualTo(JsonNodeFactory.instance.objectNode()
        .put("TV_API_PORT", "8080")
        .put("TV_API_BIND", "0.0.0.0")
        .put("HMAC", "k#1 $x \\n")
        .put("BANNER", "Bem-vindo \"VV\" $HOME\tx\\y`z` \\q")
        .put("MULTI", "first\nsecond")
        .put("HASH", "#1")
        .put("EMPTY", "")
        .put("SPACED", "")
        .put("lower.case_key", "a#b"));
  }

  @Test
  void parseAsTreeLowerCasesNames() {
    assertThat(Format.ENV.parseAsTree("LOG_LEVEL=info\nTv.Port=1\n"))
        .isEqualTo(JsonNodeFactory.instance.objectNode().put("log_level", "info").put("tv.port", "1"));
  }

  @Test
  void parseAsTreeRefusesNamesThatDifferOnlyInCaseInsteadOfDroppingOne() {
    assertThatThrownBy(() -> Format.ENV.parseAsTree("LOG_LEVEL=upper\n# note\nlog_level=lower\n"))
        .isInstanceOf(DocumentException.class)
        .hasMessage("malformed .env at line 3: 'log_level' and 'LOG_LEVEL' (line 1) both import as the key log_level");
    assertThatThrownBy(() -> Format.ENV.parseAsTree("A=\"1\n2\"\nB=x\nexport a=2\n"))
        .hasMessage("malformed .env at line 4: 'a' and 'A' (line 1) both import as the key a");
  }

  @Test
  void parseAsTreeKeepsTheLastOfOneNameWrittenTwiceAsBashAndPythonDotenvDo() {
    assertThat(Format.ENV.parseAsTree("A=1\nA=2\n")).isEqualTo(JsonNodeFactory.instance.objectNode().put("a", "2"));
  }

  @Test
  void parseAcceptsWindowsLineEndsAndByteOrderMark() {
    assertThat(Format.ENV.parse("\uFEFFA=1\r\nB='x y'\r\n"))
        .isEqualTo(JsonNodeFactory.instance.objectNode().put("A", "1").put("B", "x y"));
  }

  @Test
  void parseRejectsLineWithoutEquals() {
    assertThatThrownBy(() -> Format.ENV.parse("A=1\n\n# c\nJUST_A_WORD\n"))
        .isInstanceOf(DocumentException.class)
        .hasMessage("malformed .env at line 4: expected KEY=value");
  }

  @Test
  void parseRejectsBadKey() {
    assertThatThrownBy(() -> Format.ENV.parse("A=1\n1ABC=2\n"))
        .hasMessage("malformed .env at line 2: invalid key '1ABC'; "
            + "a key must match [A-Za-z_][A-Za-z0-9_.]*");
    assertThatThrownBy(() -> Format.ENV.parse("MY-KEY=2\n"))
        .hasMessage("malformed .env at line 1: invalid key 'MY-KEY'; "
            + "a key must match [A-Za-z_][A-Za-z0-9_.]*");
  }

  @Test
  void parseRejectsUnterminatedQuotesNamingTheLineWhereTheyOpen() {
    assertThatThrownBy(() -> Format.ENV.parse("A=1\nB='open\nC=3\n"))
        .hasMessage("malformed .env at line 2: unterminated single-quoted value");
    assertThatThrownBy(() -> Format.ENV.parse("A=\"x\ny\"\nB=\"open \\\"\n"))
        .hasMessage("malformed .env at line 3: unterminated double-quoted value");
  }

  @Test
  void parseRejectsTextAfterClosingQuote() {
    assertThatThrownBy(() -> Format.ENV.parse("A='x'y\n"))
        .hasMessage("malformed .env at line 1: unexpected text after the closing quote");
  }

  @Test
  void parseCountsLinesInsideMultiLineValues() {
    assertThatThrownBy(() -> Format.ENV.parse("A=\"1\n2\n3\"\nB='4\n5'\nnope\n"))
        .hasMessage("malformed .env at line 6: expected KEY=value");
  }
}
