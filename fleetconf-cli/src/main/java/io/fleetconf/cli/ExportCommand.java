package io.fleetconf.cli;

import picocli.CommandLine.Command;

/** {@code fleetconf export}: the fleet written out in another tool's terms. */
@Command(name = "export", mixinStandardHelpOptions = true, subcommands = AnsibleExportCommand.class,
    description = "Write the fleet out in another tool's terms (ansible).")
final class ExportCommand {}
