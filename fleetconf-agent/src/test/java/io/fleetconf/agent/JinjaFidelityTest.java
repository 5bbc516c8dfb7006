package io.fleetconf.agent;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One test per difference from Ansible's Jinja2 found by probing (issue 16), each named for what
 * broke. The silent ones wrote another file and reported it applied; the others failed where
 * Ansible renders. The differential templates {@code python-values.j2}, {@code jinja-filters.j2} and
 * {@code slices.j2} check the same against real {@code ansible-playbook} (AnsibleTemplateTest).
 */
class JinjaFidelityTest {
  @TempDir Path dir;

  private String render(String source, Map<String, Object> vars) throws Exception {
    return RendererTest.ansible(dir, source, vars);
  }

  /** {@code {{ -x }}} was rewritten to {@code 0 + -x}, so -0.0 printed 0.0; a -0.0 from the config read as 0.0. */
  @Test
  void negativeZeroPrintsAsPythonsMinusZero() throws Exception {
    assertThat(render("{{ -zero }} {{ -0.0 }} {{ [-zero] }} {{ neg }} {{ -neg }}", Map.of("zero", 0.0, "neg", -0.0)))
        .isEqualTo("-0.0 -0.0 [-0.0] -0.0 0.0");
  }

  /** {@code -x | abs} was refused: Jinja2 negates before the filter. */
  @Test
  void minusBeforeAFilterNegatesFirstAsJinja2Does() throws Exception {
    assertThat(render("{{ -port | abs }} {{ -3 | abs }} {{ -ratio | round }} {{ -3 is number }} {{ - port | string }}",
        Map.of("port", 8080, "ratio", 0.75))).isEqualTo("8080 3 -1.0 True -8080");
  }

  /** {@code join} printed {@code true} for True and nothing for None. */
  @Test
  void joinPrintsTrueFalseAndNoneAsPython() throws Exception {
    assertThat(render("{{ [1.0, true, false, none, 'x'] | join(',') }} {{ items | join('/', attribute='a') }}",
        Map.of("items", List.of(Map.of("a", 1), Map.of("a", true))))).isEqualTo("1.0,True,False,None,x 1/True");
  }

  /** {@code sort} was case-sensitive by default and ignored {@code case_sensitive} (the list came back unsorted). */
  @Test
  void sortIgnoresCaseUnlessToldAndSortsByAttribute() throws Exception {
    assertThat(render("{{ ['b', 'A', 'a'] | sort }} {{ ['b', 'A', 'a'] | sort(case_sensitive=true) }}"
        + " {{ ['b', 'A', 'a'] | sort(reverse=true) }} {{ items | sort(attribute='p') | map(attribute='n') | join }}",
        Map.of("items", List.of(Map.of("n", "x", "p", 2), Map.of("n", "y", "p", 1)))))
        .isEqualTo("['A', 'a', 'b'] ['A', 'a', 'b'] ['b', 'A', 'a'] yx");
  }

  /** {@code 'abc' | first} was 'abc', {@code [1, 2] | reverse} printed a Java array, {@code d | list} was [d]. */
  @Test
  void firstLastReverseAndListTakeStringsAndDictsAsPythonIterates() throws Exception {
    assertThat(render("{{ 'abc' | first }} {{ 'abc' | last }} {{ d | first }} {{ [1, 2] | reverse }} {{ 'abc' | reverse }}"
        + " {{ d | list }} {{ 'ab' | list }}", Map.of("d", Map.of("k", 1))))
        .isEqualTo("a c k [2, 1] cba ['k'] ['a', 'b']");
  }

  /** {@code truncate} cut without Jinja2's leeway of 5, {@code batch} padded the last batch with None, {@code tojson} was unsorted. */
  @Test
  void truncateBatchAndTojsonFollowJinja2() throws Exception {
    assertThat(render("{{ 'abcdef ghij' | truncate(9) }}|{{ 'abcdef ghij klmnop' | truncate(9) }}|{{ [1, 2, 3] | batch(2) | list }}"
        + "|{{ {'b': 1, 'a': '<'} | tojson }}", Map.of()))
        .isEqualTo("abcdef ghij|abcdef...|[[1, 2], [3]]|{\"a\": \"\\u003c\", \"b\": 1}");
  }

  /** {@code max} and {@code min} were unknown filters. */
  @Test
  void maxAndMinTakeAttributeAndIgnoreCase() throws Exception {
    assertThat(render("{{ items | max(attribute='p') }} {{ items | min(attribute='p') }} {{ ['b', 'A', 'a'] | max }}"
        + " {{ ['b', 'A'] | min(case_sensitive=true) }} {{ [3, 1, 3.0] | max }}",
        Map.of("items", List.of(Map.of("p", 2), Map.of("p", 1)))))
        .isEqualTo("{'p': 2} {'p': 1} b A 3");
  }

  /** A string's length, items and [a:b] slices counted UTF-16 units (an emoji was 2), and repr kept unprintable characters raw. */
  @Test
  void stringsCountCodePointsAndReprEscapesWhatPythonCannotPrint() throws Exception {
    assertThat(render("{{ s | length }} {{ s[-1] }} {{ s[::-1] }} {{ s[:-1] }} {{ s[2:] }} {{ ['\\u200b', '\\x85', '\\u00a0', 'é', '\\U0001f600'] }}",
        Map.of("s", "a☃😀"))).isEqualTo("3 😀 😀☃a a☃ 😀 ['\\u200b', '\\x85', '\\xa0', 'é', '😀']");
  }

  /** {@code true is number} was False (a bool is an int in Python); a tuple printed as a list. */
  @Test
  void boolIsANumberAndTuplesPrintAsTuples() throws Exception {
    assertThat(render("{{ true is number }} {{ (1, 'a') }} {{ (1, 2) | list }}", Map.of())).isEqualTo("True (1, 'a') [1, 2]");
  }

  /** A dict literal keyed {@code {name: 1}} by the text "name" and {@code {1: 'a'}} by the text "1". */
  @Test
  void dictLiteralKeysAreExpressions() throws Exception {
    assertThat(render("{{ {name: 1, 'k': 2} }} {{ {1: 'a', 2.5: 'b', none: 'c'} }}", Map.of("name", "tv-api")))
        .isEqualTo("{'tv-api': 1, 'k': 2} {1: 'a', 2.5: 'b', None: 'c'}");
  }

  /** {@code s[0]} was undefined, {@code x[::2]} a syntax error, an int literal past 64 bits a syntax error. */
  @Test
  void stringIndexStepSliceAndBigIntegerLiteralsRender() throws Exception {
    assertThat(render("{{ s[0] }}{{ s[-1] }} {{ xs[::2] }} {{ xs[::-1] }} {{ s[1::2] }} {{ xs[-1:0:-1] }}"
        + " {{ 123456789012345678901234567890 + 1 }} {{ -9223372036854775809 }}", Map.of("s", "abcd", "xs", List.of(1, 2, 3))))
        .isEqualTo("ad [1, 3] [3, 2, 1] bd [3, 2] 123456789012345678901234567891 -9223372036854775809");
    assertThat(render("{{ xs[::0] }}", Map.of("xs", List.of(1)))).isEqualTo("template a.j2: line 1: slice step cannot be zero");
    assertThat(render("{{ 'ab'[5] }}", Map.of())).isEqualTo("template a.j2: line 1: '('ab').5' is undefined");
  }

  /** to_yaml wrote a dict used twice in full each time; PyYAML anchors the second use of the same object. */
  @Test
  void toYamlAnchorsADictOrListUsedTwiceAsPyYaml() throws Exception {
    assertThat(render("{% set e = [] %}{{ {'x': d, 'y': d, 'z': {'a': 1} } | to_yaml }}{{ [e, e, d] | to_nice_yaml }}",
        Map.of("d", Map.of("a", 1))))
        .isEqualTo("x: &id001 {a: 1}\ny: *id001\nz: {a: 1}\n- &id001 []\n- *id001\n-   a: 1\n");
  }

  /** {@code {{ groups }}} printed the groups sorted, Ansible in the order it parsed the inventory. */
  @Test
  void groupsAsAWholeIsRefusedAndAGroupByNameStillWorks() throws Exception {
    assertThat(render("{{ groups['all'] }} {{ 'all' in groups }} {{ groups | length }}", Map.of()))
        .isEqualTo("['vv-1'] True 2");
    assertThat(render("{{ groups }}", Map.of())).isEqualTo("template a.j2: line 1: 'groups' as a whole (printed, iterated,"
        + " its keys or items) lists the groups in the order Ansible parsed the inventory, which the agent does not know:"
        + " use groups['<group>'] or group_names");
    assertThat(render("{% for g in groups %}{{ g }}{% endfor %}", Map.of())).startsWith("template a.j2: line 1: 'groups' as a whole");
  }

  /** {@code none | default('d')} printed d: Jinja2 gives the default to an undefined value only (or a false one with boolean=true). */
  @Test
  void defaultKeepsNoneAndTakesBooleanForFalseValues() throws Exception {
    assertThat(render("[{{ none | default('d') }}] {{ [none | d('d')] }} {{ missing | default('d') }} {{ '' | default('e', true) }}"
        + " {{ [] | d('f', boolean=true) }} {{ 0 | default('g') }}", Map.of())).isEqualTo("[] [None] d e f 0");
  }

  /** trim ignored its characters, indent indented empty lines, title started words after quotes, split dropped empty parts. */
  @Test
  void trimIndentTitleAndSplitFollowJinja2AndPython() throws Exception {
    assertThat(render("{{ 'xxaxx' | trim('x') }}|{{ 'a\n\nb' | indent(2) }}|{{ \"they're x-y\" | title }}|{{ 'a,b,,c' | split(',') }}"
        + "|{{ '1.2.3' | split('.', 1) }}", Map.of())).isEqualTo("a|a\n\n  b|They're X-Y|['a', 'b', '', 'c']|['1', '2.3']");
  }

  /** groupby and pprint printed Java objects; dictsort ignored reverse and by; unique was case-sensitive; slice cut pieces of that size. */
  @Test
  void groupbyPprintDictsortUniqueAndSliceFollowJinja2() throws Exception {
    Map<String, Object> vars = Map.of("items", List.of(Map.of("k", "b", "n", 1), Map.of("k", "a", "n", 2), Map.of("k", "B", "n", 3)),
        "d", Map.of("b", 1, "a", 2));
    assertThat(render("{% for g in items | groupby('k') %}{{ g.grouper }}={{ g.list | map(attribute='n') | list }} {% endfor %}"
        + "{{ d | pprint }} {{ d | dictsort(by='value', reverse=true) }} {{ ['a', 'A', 1, 1.0] | unique }}"
        + " {{ [1, 2, 3, 4, 5] | slice(2) | list }}", vars))
        .isEqualTo("a=[2] b=[1, 3] {'a': 2, 'b': 1} [('a', 2), ('b', 1)] ['a', 1] [[1, 2, 3], [4, 5]]");
  }

  /** {@code urlencode} quoted '/' and wrote spaces as '+' in a string; {@code 1.0 | bool} was False. */
  @Test
  void urlencodeAndBoolFollowJinja2AndAnsible() throws Exception {
    assertThat(render("{{ 'a b&c/d' | urlencode }} {{ {'a': 'x y'} | urlencode }} {{ 1.0 | bool }} {{ 2 | bool }}", Map.of()))
        .isEqualTo("a%20b%26c/d a=x+y True False");
  }

  /** {@code int} read a number past 64 bits as Java's long (truncated, or clamped from a float). */
  @Test
  void intFilterStaysExactPast64Bits() throws Exception {
    assertThat(render("{{ big | int }} {{ '123456789012345678901234567890' | int }} {{ 1e20 | int }} {{ '1e20' | int }} {{ -3.7 | int }}",
        Map.of("big", new java.math.BigInteger("123456789012345678901234567890"))))
        .isEqualTo("123456789012345678901234567890 123456789012345678901234567890 100000000000000000000 100000000000000000000 -3");
  }
}
