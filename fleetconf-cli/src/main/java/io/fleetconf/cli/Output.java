package io.fleetconf.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/** Prints tables for people and JSON for scripts. */
final class Output {
  private final PrintWriter out;

  Output(PrintWriter out) {
    this.out = out;
  }

  void json(JsonNode node) {
    try {
      out.println(ApiClient.JSON.writer(new com.fasterxml.jackson.core.util.DefaultPrettyPrinter())
          .with(SerializationFeature.INDENT_OUTPUT).writeValueAsString(node));
    } catch (JsonProcessingException e) {
      throw new CliException("cannot print JSON");
    }
    out.flush();
  }

  void line(String text) {
    out.println(text);
    out.flush();
  }

  /** A value as a person reads it: strings bare, everything else as compact JSON. */
  static String value(JsonNode node) {
    return node == null ? "" : node.isTextual() ? node.asText() : node.toString();
  }

  /** Columns padded to their widest cell; a cell's newlines are shown as \n. */
  void table(List<String> header, List<List<String>> rows) {
    List<List<String>> all = new ArrayList<>();
    all.add(header);
    rows.forEach(row -> all.add(row.stream().map(cell -> cell.replace("\n", "\\n")).toList()));
    int[] widths = new int[header.size()];
    for (List<String> row : all) {
      for (int i = 0; i < row.size() - 1; i++) {
        widths[i] = Math.max(widths[i], row.get(i).length());
      }
    }
    for (List<String> row : all) {
      StringBuilder line = new StringBuilder();
      for (int i = 0; i < row.size(); i++) {
        String cell = row.get(i);
        line.append(i == row.size() - 1 ? cell : String.format("%-" + widths[i] + "s  ", cell));
      }
      out.println(line.toString().stripTrailing());
    }
    out.flush();
  }
}
