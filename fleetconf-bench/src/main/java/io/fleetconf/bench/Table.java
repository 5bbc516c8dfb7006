package io.fleetconf.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The benches' tables: rows (the first a header) as aligned plain text, or as a Markdown table;
 * and the Markdown files that {@code --report} appends them to.
 */
public final class Table {
  private Table() {}

  /** Appends a section to a Markdown file (made if missing), a blank line after what is there. */
  public static void append(Path file, String section) throws IOException {
    String existing = Files.exists(file) ? Files.readString(file) : "";
    String separator = existing.isEmpty() || existing.endsWith("\n\n") ? "" : existing.endsWith("\n") ? "\n" : "\n\n";
    Files.writeString(file, existing + separator + section);
  }

  public static String render(List<List<String>> rows, boolean markdown) {
    List<String> header = rows.get(0);
    int[] widths = new int[header.size()];
    rows.forEach(cells -> {
      for (int i = 0; i < cells.size(); i++) {
        widths[i] = Math.max(widths[i], cells.get(i).length());
      }
    });
    StringBuilder out = new StringBuilder();
    for (int r = 0; r < rows.size(); r++) {
      out.append(line(rows.get(r), widths, markdown));
      if (markdown && r == 0) {
        List<String> rule = header.stream().map(h -> "-".repeat(Math.max(3, h.length() - 1)) + ":").toList();
        out.append(line(rule, widths, true));
      }
    }
    return out.toString();
  }

  private static String line(List<String> cells, int[] widths, boolean markdown) {
    StringBuilder out = new StringBuilder(markdown ? "|" : "");
    for (int i = 0; i < cells.size(); i++) {
      String cell = String.format("%" + widths[i] + "s", cells.get(i));
      out.append(markdown ? " " + cell + " |" : (i == 0 ? "" : "  ") + cell);
    }
    return out.append('\n').toString();
  }
}
