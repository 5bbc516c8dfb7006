package io.fleetconf.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/**
 * Writes a man page (troff, section 1) for every command from the picocli model, so that the pages
 * say what the parser accepts: {@code fleetconf-kv-put.1} for {@code fleetconf kv put}. Run by the
 * build into {@code target/man} (docs/cli.md); picocli's own generator writes AsciiDoc, which would
 * need a converter the build does not have.
 */
public final class ManPages {
  private ManPages() {}

  /** {@code ManPages DIR}: writes every page into DIR. */
  public static void main(String[] args) throws IOException {
    List<Path> pages = write(Path.of(args.length == 0 ? "target/man" : args[0]));
    System.out.println("wrote " + pages.size() + " man pages");
  }

  /** Writes the page of every command into {@code dir}; answers the files, root first. */
  public static List<Path> write(Path dir) throws IOException {
    Files.createDirectories(dir);
    List<Path> written = new ArrayList<>();
    for (CommandLine command : all(Main.commandLine(), new ArrayList<>())) {
      Path file = dir.resolve(pageName(command.getCommandSpec()) + ".1");
      Files.writeString(file, page(command));
      written.add(file);
    }
    return written;
  }

  /** Every command below {@code root}, itself first, each once (aliases are not separate commands). */
  static List<CommandLine> all(CommandLine root, List<CommandLine> into) {
    into.add(root);
    root.getSubcommands().values().stream().distinct().forEach(sub -> all(sub, into));
    return into;
  }

  static String pageName(CommandSpec spec) {
    return spec.qualifiedName("-");
  }

  static String page(CommandLine command) {
    CommandSpec spec = command.getCommandSpec();
    StringBuilder page = new StringBuilder();
    page.append(".TH \"").append(pageName(spec).toUpperCase(java.util.Locale.ROOT)).append("\" \"1\" \"\" \"fleetconf\"")
        .append(" \"fleetconf Manual\"\n");
    page.append(".SH NAME\n").append(escape(pageName(spec))).append(" \\- ")
        .append(escape(first(spec.usageMessage().description()))).append('\n');
    page.append(".SH SYNOPSIS\n.nf\n");
    String synopsis = command.getHelp().synopsis(0).strip();
    synopsis.lines().forEach(line -> page.append(escape(line.strip().startsWith("Usage: ")
        ? line.strip().substring("Usage: ".length()) : line)).append('\n'));
    page.append(".fi\n.SH DESCRIPTION\n");
    for (String line : spec.usageMessage().description()) {
      page.append(escape(line)).append("\n.br\n");
    }
    if (!spec.positionalParameters().isEmpty()) {
      page.append(".SH ARGUMENTS\n");
      for (PositionalParamSpec positional : spec.positionalParameters()) {
        item(page, "\\fI" + escape(positional.paramLabel()) + "\\fR", positional);
      }
    }
    page.append(".SH OPTIONS\n");
    for (OptionSpec option : spec.options()) {
      if (!option.hidden()) {
        item(page, names(option), option);
      }
    }
    if (!command.getSubcommands().isEmpty()) {
      page.append(".SH COMMANDS\n");
      command.getSubcommands().values().stream().distinct().forEach(sub -> page.append(".TP\n\\fB")
          .append(escape(sub.getCommandName())).append("\\fR\n")
          .append(escape(first(sub.getCommandSpec().usageMessage().description()))).append(" See \\fB")
          .append(escape(pageName(sub.getCommandSpec()))).append("\\fR(1).\n"));
    }
    page.append(".SH SEE ALSO\n");
    page.append(spec.parent() == null ? "docs/cli.md in the fleetconf repository.\n"
        : "\\fB" + escape(pageName(spec.parent())) + "\\fR(1), docs/cli.md\n");
    return page.toString();
  }

  private static void item(StringBuilder page, String head, ArgSpec arg) {
    page.append(".TP\n").append(head).append('\n');
    for (String line : arg.description()) {
      String shown = line.replace("${DEFAULT-VALUE}", String.valueOf(arg.defaultValue()));
      page.append(escape(shown)).append("\n.br\n");
    }
  }

  private static String names(OptionSpec option) {
    List<String> names = new ArrayList<>();
    for (String name : option.names()) {
      // a negatable option shows both forms, as the usage help does: --[no-]replace
      CommandSpec command = option.command();
      String shown = option.negatable() ? command.negatableOptionTransformer().makeSynopsis(name, command) : name;
      names.add("\\fB" + escape(shown) + "\\fR");
    }
    String label = option.typeInfo().isBoolean() ? "" : "=\\fI" + escape(option.paramLabel()) + "\\fR";
    return String.join(", ", names) + label;
  }

  private static String first(String[] description) {
    return description.length == 0 ? "" : description[0];
  }

  /** Text as troff prints it: backslashes and dashes literal, no line read as a request. */
  static String escape(String text) {
    String escaped = text.replace("\\", "\\e").replace("-", "\\-");
    return escaped.startsWith(".") || escaped.startsWith("'") ? "\\&" + escaped : escaped;
  }
}
