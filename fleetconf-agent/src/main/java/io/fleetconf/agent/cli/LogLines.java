package io.fleetconf.agent.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fleetconf.core.LogLevel;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.logging.Formatter;
import java.util.logging.LogRecord;

/** The two shapes of a log line: text and JSON; both one line per event, times ISO-8601 UTC to the millisecond. */
final class LogLines {
  private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'")
      .withZone(ZoneOffset.UTC);
  private static final ObjectMapper JSON = new ObjectMapper();

  private LogLines() {}

  /** {@code 2026-12-02T11:40:00.123Z INFO io.fleetconf.server.Replica: message}; a failure's trace after " | ", newlines as \n. */
  static final class Text extends Formatter {
    @Override
    public String format(LogRecord record) {
      StringBuilder line = new StringBuilder(TIME.format(record.getInstant())).append(' ')
          .append(level(record).toUpperCase(java.util.Locale.ROOT)).append(' ').append(record.getLoggerName()).append(": ")
          .append(oneLine(formatMessage(record)));
      if (record.getThrown() != null) {
        line.append(" | ").append(oneLine(trace(record.getThrown())));
      }
      return line.append(System.lineSeparator()).toString();
    }
  }

  /** {@code {"time": ..., "level": "info", "logger": ..., "thread": ..., "message": ..., "error": ...}}. */
  static final class Json extends Formatter {
    @Override
    public String format(LogRecord record) {
      ObjectNode line = JSON.createObjectNode();
      line.put("time", TIME.format(record.getInstant()));
      line.put("level", level(record));
      line.put("logger", record.getLoggerName());
      line.put("thread", Thread.currentThread().getName());
      line.put("message", formatMessage(record));
      if (record.getThrown() != null) {
        line.put("error", trace(record.getThrown()));
      }
      return line + System.lineSeparator();
    }
  }

  private static String level(LogRecord record) {
    return LogLevel.of(record.getLevel()).wire();
  }

  private static String oneLine(String text) {
    return text.replace("\r", "\\r").replace("\n", "\\n");
  }

  private static String trace(Throwable thrown) {
    StringWriter out = new StringWriter();
    thrown.printStackTrace(new PrintWriter(out));
    return out.toString().stripTrailing();
  }
}
