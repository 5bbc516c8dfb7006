package io.fleetconf.format;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fleetconf.core.ValueLimits;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads exactly one JSON or YAML value and turns Jackson's errors into {@link DocumentException}s
 * that name the line and column, without Java class names or quoted input around the error.
 */
final class JacksonReader {
  // SnakeYAML lists context and problem marks; the last one is where the problem is.
  private static final Pattern YAML_MARK =
      Pattern.compile(" in '[^']*', line (\\d+), column (\\d+):");
  // Jackson quotes the document around a start marker as "[Source: ...; line: 1, column: 2]".
  private static final Pattern SOURCE =
      Pattern.compile("\\[Source: .*?; line: (\\d+), column: (\\d+)]", Pattern.DOTALL);
  private static final Pattern CONSTRAINT_ORIGIN = Pattern.compile(",? from `[^`]*`");
  private static final Pattern QUALIFIED_CLASS =
      Pattern.compile("\\b(?:[a-z_][a-z0-9_]*\\.)+([A-Z]\\w*)");

  private JacksonReader() {}

  /**
   * Reads the single value in {@code text}; empty if there is none.
   *
   * @param wrap lets the caller check tokens as they are read, by throwing a
   *     {@link JsonProcessingException} from a delegate
   */
  static Optional<JsonNode> readSingle(
      ObjectMapper mapper, String text, String formatName, UnaryOperator<JsonParser> wrap) {
    try (JsonParser parser = wrap.apply(mapper.createParser(text))) {
      Optional<JsonNode> tree = TreeReader.read(parser, ValueLimits.MAX_DOCUMENT_DEPTH, formatName);
      if (tree.isEmpty()) {
        return tree;
      }
      if (parser.nextToken() != null) {
        JsonLocation extra = parser.currentTokenLocation();
        throw failure(formatName, extra.getLineNr(), extra.getColumnNr(),
            "unexpected content after the document");
      }
      return tree;
    } catch (JsonProcessingException e) {
      throw translate(e, formatName);
    } catch (IOException e) {
      // A String source does no I/O.
      throw new UncheckedIOException(e);
    }
  }

  private static DocumentException translate(JsonProcessingException e, String formatName) {
    String original = e.getOriginalMessage() == null ? "unreadable input" : e.getOriginalMessage();
    JsonLocation location = e.getLocation();
    int line = location == null ? -1 : location.getLineNr();
    int column = location == null ? -1 : location.getColumnNr();
    Matcher mark = YAML_MARK.matcher(original);
    while (mark.find()) {
      line = Integer.parseInt(mark.group(1));
      column = Integer.parseInt(mark.group(2));
    }
    return failure(formatName, line, column, clean(original));
  }

  private static DocumentException failure(
      String formatName, int line, int column, String problem) {
    StringBuilder message = new StringBuilder("malformed ").append(formatName);
    if (line > 0) {
      message.append(" at line ").append(line);
      if (column > 0) {
        message.append(", column ").append(column);
      }
    }
    return new DocumentException(message.append(": ").append(problem).toString());
  }

  /** Keeps the problem statement of a (possibly multi-line SnakeYAML) message, in one line. */
  static String clean(String original) {
    // SnakeYAML indents its mark and snippet lines; "while ..." lines are context.
    List<String> statements = original.lines()
        .filter(l -> !l.isBlank() && !Character.isWhitespace(l.charAt(0)))
        .toList();
    List<String> problems = statements.stream().filter(l -> !l.startsWith("while ")).toList();
    String text = String.join("; ", problems.isEmpty() ? statements : problems);
    if (text.startsWith("Expected a field name")) {
      text = "only scalar mapping keys are supported";
    }
    text = SOURCE.matcher(text).replaceAll("[line $1, column $2]");
    text = CONSTRAINT_ORIGIN.matcher(text).replaceAll("");
    text = QUALIFIED_CLASS.matcher(text).replaceAll("$1");
    return DocumentException.printable(text.strip());
  }
}
