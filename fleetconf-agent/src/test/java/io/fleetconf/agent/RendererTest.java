package io.fleetconf.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fleetconf.client.FleetconfClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RendererTest {
  @TempDir Path dir;

  private static io.fleetconf.client.Config config(Map<String, Object> values) {
    var builder = FleetconfClient.builder();
    values.forEach(builder::defaultValue);
    try (FleetconfClient client = builder.start()) {
      return client.config();
    }
  }

  private static AgentConfig.Output output(Optional<Path> template, Optional<String> format, Optional<String> path) {
    return new AgentConfig.Output("out", "tv_scheduler", template, format, path, Path.of("/tmp/x"),
        Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.of("fleetconf"));
  }

  @Test
  void ansibleTemplateRendersAsJinjaWithTrimBlocks() throws Exception {
    Path template = Path.of(getClass().getResource("/tv_scheduler.yaml.j2").toURI());
    var config = config(Map.of(
        "tv_scheduler/timezone", "Europe/Lisbon", "tv_scheduler/volume", 40, "tv_scheduler/night_mode", true,
        "tv_scheduler/rules", List.of(Map.of("name", "news", "channel", 1, "days", List.of("mon", "tue")),
            Map.of("name", "football", "channel", 7, "days", List.of("sat"))),
        "common/dvr_ip", "10.1.0.1"));
    byte[] bytes = new Renderer("vv-1").render(output(Optional.of(template), Optional.empty(), Optional.empty()), config);
    // The expected text is what Python's Jinja2 3.1 renders with Ansible's settings (trim_blocks,
    // keep_trailing_newline) from the same template and values.
    assertThat(new String(bytes, StandardCharsets.UTF_8)).isEqualTo("""
        # tv_scheduler for vv-1, managed by fleetconf
        timezone: Europe/Lisbon
        volume: 40
        night_mode: on
        rules:
          - name: NEWS
            channel: 1
            days: mon,tue
          - name: FOOTBALL
            channel: 7
            days: sat
        healthy: true
        dvr: 10.1.0.1:554
        """);
  }

  @Test
  void builtInFormatRendersTheNamespaceOrASubtree() {
    var values = new java.util.LinkedHashMap<String, Object>();
    values.put("tv_scheduler/volume", 40);
    values.put("tv_scheduler/limits/max", 90);
    var config = config(values);
    assertThat(new String(new Renderer("vv-1").render(output(Optional.empty(), Optional.of("env"), Optional.empty()),
        config), StandardCharsets.UTF_8)).isEqualTo("VOLUME=40\nLIMITS_MAX=90\n");
    assertThat(new String(new Renderer("vv-1").render(
        output(Optional.empty(), Optional.of("json"), Optional.of("tv_scheduler/limits")), config),
        StandardCharsets.UTF_8)).isEqualTo("{\n  \"max\": 90\n}\n");
  }

  @Test
  void aBrokenTemplateNamesTheLine() throws Exception {
    Path template = dir.resolve("bad.j2");
    Files.writeString(template, "ok\n{% for x in %}\n");
    assertThatThrownBy(() -> new Renderer("vv-1").render(output(Optional.of(template), Optional.empty(),
        Optional.empty()), config(Map.of())))
        .isInstanceOf(AgentException.class).hasMessageStartingWith("template " + template + ": line 2: Syntax error");
  }

  private String failure(String source, Map<String, Object> values) throws Exception {
    Path template = dir.resolve("t.j2");
    Files.writeString(template, source);
    try {
      byte[] bytes = new Renderer("vv-1").render(output(Optional.of(template), Optional.empty(), Optional.empty()),
          config(values));
      return "rendered: " + new String(bytes, StandardCharsets.UTF_8);
    } catch (AgentException e) {
      return e.getMessage().replace(template.toString(), "t.j2");
    }
  }

  @Test
  void undefinedVariableFailsTheRenderNamingTemplateLineAndName() throws Exception {
    assertThat(failure("# tv_api\nTV_API_PORT={{ tv_api.port }}\n", Map.of("tv_api/host", "h")))
        .isEqualTo("template t.j2: line 2: 'tv_api.port' is undefined");
    assertThat(failure("X={{ nope }}", Map.of())).isEqualTo("template t.j2: line 1: 'nope' is undefined");
    assertThat(failure("X={{ nope.port }}", Map.of())).isEqualTo("template t.j2: line 1: 'nope.port' is undefined");
  }

  @Test
  void undefinedVariableInsideAnExpressionFailsTheRender() throws Exception {
    assertThat(failure("dvr: {{ common.dvr_ip ~ ':554' }}", Map.of("common/x", 1)))
        .isEqualTo("template t.j2: line 1: 'common.dvr_ip' is undefined");
    assertThat(failure("port={{ tv_api.port | int }}", Map.of("tv_api/host", "h")))
        .isEqualTo("template t.j2: line 1: 'tv_api.port' is undefined");
    assertThat(failure("{% if tv_api.debug %}debug{% endif %}", Map.of("tv_api/host", "h")))
        .isEqualTo("template t.j2: line 1: 'tv_api.debug' is undefined");
    assertThat(failure("{% for r in tv_api.rules %}{{ r }}{% endfor %}", Map.of("tv_api/host", "h")))
        .isEqualTo("template t.j2: line 1: 'tv_api.rules' is undefined");
    assertThat(failure("{{ tv_api.host.name }}", Map.of("tv_api/host", "h")))
        .isEqualTo("template t.j2: line 1: '('h').name' is undefined");
  }

  @Test
  void listIndexOutOfRangeFailsTheRenderInsteadOfPrintingNothing() throws Exception {
    Map<String, Object> rules = Map.of("tv_api/rules", List.of("news", "football"));
    assertThat(failure("first={{ tv_api.rules[2] }}", rules))
        .isEqualTo("template t.j2: line 1: 'tv_api.rules[2]' is undefined");
    assertThat(failure("x\nlast={{ tv_api.rules[-3] }}", rules))
        .isEqualTo("template t.j2: line 2: 'tv_api.rules[-3]' is undefined");
    assertThat(failure("{{ tv_api.rules[5].name }}", rules))
        .isEqualTo("template t.j2: line 1: 'tv_api.rules[5].name' is undefined");
  }

  @Test
  void listIndexInRangeAndGuardedOutOfRangeStillRender() throws Exception {
    Map<String, Object> rules = Map.of("tv_api/rules", List.of("news", "football"));
    assertThat(failure("{{ tv_api.rules[0] }} {{ tv_api.rules[1] }} {{ tv_api.rules[-1] }}", rules))
        .isEqualTo("rendered: news football football");
    assertThat(failure("{{ tv_api.rules[7] | default('none') }}{% if tv_api.rules[9] is defined %}!{% endif %}",
        rules)).isEqualTo("rendered: none");
  }

  @Test
  void unknownFilterOrTestFailsTheRender() throws Exception {
    assertThat(failure("a\n{{ tv_api | to_nice_yaml }}", Map.of("tv_api/host", "h")))
        .isEqualTo("template t.j2: line 2: unknown filter 'to_nice_yaml'");
    assertThat(failure("{% if tv_api.host is nosuchtest %}{% endif %}", Map.of("tv_api/host", "h")))
        .isEqualTo("template t.j2: line 1: unknown test 'nosuchtest'");
    assertThat(failure("{{ lookup('env', 'HOME') }}", Map.of()))
        .isEqualTo("template t.j2: line 1: Could not resolve function 'lookup'");
  }

  @Test
  void defaultAndIsDefinedStillGuardAnUndefinedName() throws Exception {
    assertThat(failure("""
        port={{ tv_api.port | default(8080) }}
        mode={{ tv_api.mode | d('fast') }}
        deep={{ nope.deeper | default('none') }}
        {% if tv_api.debug is defined %}debug={{ tv_api.debug }}{% endif %}
        {% if tv_api.debug is not defined %}no debug{% endif %}
        {% if tv_api.host is defined and tv_api.host %}host={{ tv_api.host }}{% endif %}
        {% if nope is undefined %}nope undefined{% endif %}
        {# a | filter in a comment: {{ x | bogus }} #}
        pipe={{ 'a|b' | upper }}
        """, Map.of("tv_api/host", "h"))).isEqualTo("""
        rendered: port=8080
        mode=fast
        deep=none
        no debughost=hnope undefinedpipe=A|B
        """); // trim_blocks eats the newline after each block tag and comment, as in Jinja
  }

  /** A fleetconf template printed 1e3 as 1E+3, 1.0e-10 as 1.0E-10 and -0 as 0: numbers print as written, as in every format. */
  @Test
  void fleetconfTemplatePrintsNumbersAsWritten(@TempDir Path dir) throws Exception {
    Path template = dir.resolve("n.conf");
    Files.writeString(template, "{{ tv_scheduler.a }} {{ tv_scheduler.b }} {{ tv_scheduler.c }} {{ tv_scheduler.d }}"
        + " {{ tv_scheduler.e }} {{ tv_scheduler.f }} {{ tv_scheduler.port }} {{ tv_scheduler.a | tojson }}"
        + " {{ [tv_scheduler.a, tv_scheduler.d] | join(',') }} {{ tv_scheduler.port + 1 }} {{ tv_scheduler.a > 999 }}"
        + " {{ tv_scheduler.d == 0 }}\n");
    Path values = Files.writeString(dir.resolve("tv_scheduler.json"),
        "{\"a\": 1e3, \"b\": 1E3, \"c\": 1.0e-10, \"d\": -0, \"e\": 1.10, \"f\": -0.0, \"port\": 8080}");
    io.fleetconf.client.Config config;
    try (FleetconfClient client = FleetconfClient.builder().file(values, "tv_scheduler").start()) {
      config = client.config();
    }
    byte[] bytes = new Renderer("vv-1").render(output(Optional.of(template), Optional.empty(), Optional.empty()),
        config);
    assertThat(new String(bytes, StandardCharsets.UTF_8))
        .isEqualTo("1e3 1E3 1.0e-10 -0 1.10 -0.0 8080 1e3 1e3,-0 8081 true true\n");
  }

  /** Ansible's version test with an operator compares with it; before, the operator was dropped and it printed False. */
  @Test
  void versionTestWithAnOperatorComparesWithIt(@TempDir Path dir) throws Exception {
    Path template = dir.resolve("v.j2");
    Files.writeString(template, "{{ '1.10' is version('1.9', '>') }} {{ '1.10' is version('1.9', 'lt') }} {{ '1.2' is version('1.2') }}\n");
    var output = new AgentConfig.Output("out", "vars", Optional.of(template), Optional.empty(), Optional.empty(),
        Path.of("/tmp/x"), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.of("ansible"));
    byte[] bytes = new Renderer("vv-1").render(output, config(Map.of("vars/x", 1)));
    assertThat(new String(bytes, StandardCharsets.UTF_8)).isEqualTo("True False True\n");
  }

  /** Renders {@code source} in Ansible mode with {@code vars}; the text, or the error without the template's path. */
  private String ansible(String source, Map<String, Object> vars) throws Exception {
    return ansible(dir, source, vars);
  }

  /** Renders {@code source} in Ansible mode for device vv-1 with {@code vars}; a failure answers its message. */
  static String ansible(Path dir, String source, Map<String, Object> vars) throws Exception {
    Path template = Files.writeString(dir.resolve("a.j2"), source);
    var output = new AgentConfig.Output("out", "vars", Optional.of(template), Optional.empty(), Optional.empty(),
        Path.of("/tmp/x"), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.of("ansible"));
    Map<String, Object> values = new java.util.LinkedHashMap<>();
    values.put("vars/x", 1);
    vars.forEach((k, v) -> values.put("vars/" + k, v));
    try {
      return new String(new Renderer("vv-1").render(output, config(values)), StandardCharsets.UTF_8);
    } catch (AgentException e) {
      return e.getMessage().replace(template.toString(), "a.j2");
    }
  }

  /** Java writes 1.0E-4 for 0.0001, and the plain text of that kept a zero Python does not print. */
  @Test
  void aSmallFloatPrintsAsPythonWithoutATrailingZero() throws Exception {
    assertThat(ansible("{{ 0.0001 }} {{ 0.00012 }} {{ 100.0 }} {{ 1.5e-7 }} {{ [0.0001] | to_yaml }}", Map.of()))
        .isEqualTo("0.0001 0.00012 100.0 1.5e-07 [0.0001]\n");
  }

  /** Jinjava had no loop filter (an undefined name), rendered a for's else as nothing, and had no previtem. */
  @Test
  void aForLoopFilterCountsOnlyTheItemsItKeepsAndElseRendersWhenNoneIsLeft() throws Exception {
    Map<String, Object> vars = Map.of("ports", List.of(80, 8080, 443));
    assertThat(ansible("{% for p in ports if p > 100 %}{{ loop.index }}/{{ loop.length }}={{ p }}{% if loop.previtem is defined %}"
        + " after {{ loop.previtem }}{% endif %};{% else %}none{% endfor %}", vars)).isEqualTo("1/2=8080;2/2=443 after 8080;");
    assertThat(ansible("{% for p in ports if p > 9000 %}{{ p }}{% else %}none above 9000{% endfor %}", vars))
        .isEqualTo("none above 9000");
  }

  /** Jinjava read % as a remainder ("Cannot coerce '%s:%d' to Long") and looked for Java methods on strings. */
  @Test
  void pythonPercentFormattingAndStringMethodsRenderAsInJinja2() throws Exception {
    Map<String, Object> vars = Map.of("name", "tv-api", "port", 8080, "env", Map.of("zone", "eu"));
    assertThat(ansible("{{ '%s:%05d' % (name, port) }} {{ '%(zone)s' % env }} {{ 'v=%s' % name | upper }} {{ '%d%%' % 5 }}", vars))
        .isEqualTo("tv-api:08080 eu v=TV-API 5%");
    assertThat(ansible("{{ name.upper() }} {{ name.split('-') }} {{ '-'.join(['a', 'b']) }} {{ '{}:{:>6}'.format(name, port) }}"
        + " {{ name.startswith('tv') }} {{ ' x '.strip() }}", vars)).isEqualTo("TV-API ['tv', 'api'] a-b tv-api:  8080 True x");
    assertThat(ansible("{{ '%s %s' % (name,) }}", vars)).startsWith("template a.j2: line 1: ")
        .endsWith("not enough arguments for format string");
  }

  /** groups and group_names come from the import's inventory entry; before, groups[...] listed only this device. */
  @Test
  void groupsAndGroupNamesComeFromTheInventoryEntryAndOtherHostsVarsFailClearly() throws Exception {
    Path template = Files.writeString(dir.resolve("g.j2"), "{{ groups['eu'] }} {{ groups['all'] }} {{ group_names }}");
    var output = new AgentConfig.Output("out", "vars", Optional.of(template), Optional.empty(), Optional.empty(),
        Path.of("/tmp/x"), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.of("ansible"));
    Map<String, Object> values = new java.util.LinkedHashMap<>();
    values.put("vars/x", 1);
    values.put("ansible/inventory", Map.of("groups", Map.of(
        "all", Map.of("children", List.of("ungrouped", "eu")),
        "eu", Map.of("hosts", List.of("vv-2"), "children", List.of("lisbon")),
        "lisbon", Map.of("hosts", List.of("vv-1", "vv-2")))));
    assertThat(new String(new Renderer("vv-1").render(output, config(values)), StandardCharsets.UTF_8))
        .isEqualTo("['vv-2', 'vv-1'] ['vv-2', 'vv-1'] ['eu', 'lisbon']");
    assertThat(ansible("{{ hostvars[inventory_hostname].x }} {{ hostvars['vv-9'].x }}", Map.of()))
        .isEqualTo("template a.j2: line 1: 'hostvars['vv-9'].x' is undefined: the agent has only its own host's"
            + " variables (hostvars[inventory_hostname])");
  }

  /** Jinjava's int ignored base=16 and printed a wrong number without failing; an undefined value still fails. */
  @Test
  void intReadsAStringInTheBaseGiven() throws Exception {
    assertThat(ansible("{{ 'ff' | int(base=16) }} {{ '0x1F' | int(base=16) }} {{ '42.9' | int }} {{ 'x' | int(7) }} {{ '1_000' | int }}",
        Map.of())).isEqualTo("255 31 42 7 1000");
    assertThat(ansible("{{ nope | int }}", Map.of())).isEqualTo("template a.j2: line 1: 'nope' is undefined");
  }

  /** Jinjava iterated a dict's values where Python iterates its keys: {% for k in d %} printed the values. */
  @Test
  void aForLoopOverADictIteratesItsKeys() throws Exception {
    assertThat(ansible("{% for k in limits %}{{ k }}={{ limits[k] }};{% endfor %}", Map.of("limits", Map.of("nofile", 65536))))
        .isEqualTo("nofile=65536;");
  }
  /** Jinjava truncated // and % toward zero on negative numbers where Python floors, and wrote a different number. */
  @Test
  void floorDivisionAndRemainderFloorAsPythonOnNegativeNumbers() throws Exception {
    assertThat(ansible("[{{ -7 }}] {{  -n }}", Map.of("n", 2))).isEqualTo("[-7] -2");
    assertThat(ansible("{{ -7 // 2 }} {{ -7 % 2 }} {{ 7 // -2 }} {{ 7 % -2 }} {{ -7.5 // 2 }} {{ -7.5 % 2 }} {{ n // 2 }} {{ n % 3 }}"
        + " {{ f // 2 }} {{ 7.0 % 2 }}", Map.of("n", -7, "f", -7.5))).isEqualTo("-4 1 -4 -1 -4.0 0.5 -4 2 -4.0 1.0");
    assertThat(ansible("{{ 1 // 0 }}", Map.of())).isEqualTo("template a.j2: line 1: integer division or modulo by zero");
    assertThat(ansible("{{ '7' // 2 }}", Map.of()))
        .isEqualTo("template a.j2: line 1: unsupported operand type(s) for //: 'str' and 'int'");
  }

  /** Jinjava's ~ wrote a boolean as true/false where Jinja2 writes Python's True/False. */
  @Test
  void concatenationWritesBooleansAndNoneAsPython() throws Exception {
    assertThat(ansible("{{ flag ~ '' }} {{ 'x' ~ flag }} {{ off ~ 1 }} {{ flag | string }} {{ flag }} {{ none ~ 1 }} {{ [flag] ~ '' }}"
        + " {{ 1.0 ~ '' }}", Map.of("flag", true, "off", false))).isEqualTo("True xTrue False1 True True None1 [True] 1.0");
  }

  /** Jinjava multiplied '90' * 2 as the number 180 and failed on '=' * 5; Python repeats strings and lists. */
  @Test
  void multiplyingAStringOrAListRepeatsIt() throws Exception {
    assertThat(ansible("{{ '90' * 2 }} {{ '=' * 5 }} {{ 3 * 'ab' }} {{ [1, 2] * 2 }} {{ s * 0 }} {{ s * -1 }}|{{ num * 2 }} {{ 2 * 3 }}"
        + " {{ 1.5 * 2 }}", Map.of("s", "ab", "num", "90"))).isEqualTo("9090 ===== ababab [1, 2, 1, 2]  |9090 6 3.0");
    assertThat(ansible("{{ 'a' * 1.5 }}", Map.of()))
        .isEqualTo("template a.j2: line 1: can't multiply sequence by non-int of type 'float'");
  }
  /** A variable on the left of % was read as a number ("Cannot coerce"): Python formats with it. */
  @Test
  void aVariableFormatStringFormatsWithPercent() throws Exception {
    assertThat(ansible("{{ fmt % (1, 2) }} {{ fmt2 % 'x' }} {{ fmt2 % [1] }}", Map.of("fmt", "%s-%s", "fmt2", "<%s>")))
        .isEqualTo("1-2 <x> <[1]>");
  }
  /**
   * Jinjava coerced where Python refuses or answers otherwise, and wrote a different file: '7' + 2 was 72,
   * '1' == 1 and 1 in ['1'] were true, 2 ** -1 was 0, 2 ** 70 was Long's maximum, 7 / 0 was inf, '10' < 9
   * was false. (-3 | abs was -3, then refused; Jinja2 negates before the filter: see JinjaFidelityTest.)
   */
  @Test
  void arithmeticAndComparisonsAnswerAsPythonOrFailAsItsTypeError() throws Exception {
    assertThat(ansible("{{ '1' == 1 }} {{ 1 in ['1'] }} {{ 1 == 1.0 }} {{ 1 == true }} {{ 2 ** -1 }} {{ 2 ** 70 }} {{ 1 + true }}"
        + " {{ [1, 2] < [1, 3] }} {{ 'k' in {'k': 1} }} {{ 'at' in 'cat' }} {{ 1 not in ['1'] }}", Map.of()))
        .isEqualTo("False False True True 0.5 1180591620717411303424 2 True True True True");
    Map<String, String> failures = new java.util.LinkedHashMap<>();
    failures.put("{{ '7' + 2 }}", "can only concatenate str (not \"int\") to str");
    failures.put("{{ 7 - '2' }}", "unsupported operand type(s) for -: 'int' and 'str'");
    failures.put("{{ 7 / 0 }}", "division by zero");
    failures.put("{{ '10' < 9 }}", "'<' not supported between instances of 'str' and 'int'");
    failures.put("{{ 1 in 'x' }}", "'in <string>' requires string as left operand, not int");
    failures.put("{{ -'a' }}", "bad operand type for unary -: 'str'");
    for (var failure : failures.entrySet()) {
      assertThat(ansible(failure.getKey(), Map.of())).isEqualTo("template a.j2: line 1: " + failure.getValue());
    }
  }
  /**
   * %g was refused, '{:.3g}' used Java's %g (0.500 where Python writes 0.5), and Java's Formatter rounded
   * the shortest decimal half-up ('%.2f' % 0.125 was 0.13, Python 0.12); a float from the config in
   * '{:>8}' was formatted as an integer (0).
   */
  @Test
  void floatFormattingRoundsAndTrimsAsPython() throws Exception {
    assertThat(ansible("{{ '%.2f|%.1f|%g|%g|%g|%.3g|%10.4g|%g|%G|%-8.2e|%+.1f|%05.1f|%.0f|%.0f' % (0.125, 26.75, 0.5, 1e-5,"
        + " 123456789.0, 1234.5, 3.14159, 100000, 1e-10, 12345.678, 2.25, -2.5, 0.5, 1.5) }}", Map.of()))
        .isEqualTo("0.12|26.8|0.5|1e-05|1.23457e+08|1.23e+03|     3.142|100000|1E-10|1.23e+04|+2.2|-02.5|0|2");
    assertThat(ansible("{{ '{:.3g}|{:g}|{:>8}|{:.2f}|{:e}|{:.1%}|{:,.2f}'.format(0.5, 1e20, ratio, 0.125, 12345.678, 0.125,"
        + " 1234567.125) }} {{ fmt % ratio }}", Map.of("ratio", 0.75, "fmt", "%g")))
        .isEqualTo("0.5|1e+20|    0.75|0.12|1.234568e+04|12.5%|1,234,567.12 0.75");
  }
  /** Jinjava's float read '3.10' as a Java float, round went half-up, sum gave a float and ignored start; -0.0 printed 0.0. */
  @Test
  void floatRoundAndSumFiltersAnswerAsJinja2() throws Exception {
    assertThat(ansible("{{ '3.10' | float }} {{ 'x' | float }} {{ 'x' | float(1.5) }} {{ ' 1_000.5 ' | float }} {{ 7 | float }}"
        + " {{ 2.5 | round }} {{ 2.675 | round(2) }} {{ 5 | round }} {{ 15 | round(-1) }} {{ 2.5 | round(0, 'ceil') }}"
        + " {{ [3, 1, 2] | sum }} {{ [1, 2] | sum(start=10) }} {{ items | sum(attribute='a') }} {{ 0.0 * -1 }}",
        Map.of("items", List.of(Map.of("a", 1), Map.of("a", 2.5)))))
        .isEqualTo("3.1 0.0 1.5 1000.5 7.0 2.0 2.67 5 20 3.0 6 13 3.5 -0.0");
  }
}
