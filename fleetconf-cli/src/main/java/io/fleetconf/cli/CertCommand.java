package io.fleetconf.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "cert", mixinStandardHelpOptions = true,
    description = "Client certificates the fleet CA issued to devices (admin only).")
final class CertCommand {
  /** Its verbs, in the order help lists them; registered by {@link Main} on demand (see Main.VERBS). */
  static final java.util.List<Class<?>> VERBS = java.util.List.of(
      CertCommand.Ls.class, CertCommand.Revoke.class);

  private static final String BASE = "/api/v1/certificates";

  @Command(name = "ls", mixinStandardHelpOptions = true, description = "List issued certificates.")
  static final class Ls implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin Connection connection;

    @Override
    public Integer call() {
      JsonNode answer = connection.client().get(BASE, ApiClient.query());
      connection.print(spec, answer, out -> {
        List<List<String>> rows = new ArrayList<>();
        for (JsonNode cert : answer.get("certificates")) {
          rows.add(List.of(cert.get("serial").asText(), cert.get("device").asText(), cert.get("notAfter").asText(),
              cert.get("revoked").isNull() ? "valid" : "revoked " + cert.get("revoked").asText()));
        }
        out.table(List.of("SERIAL", "DEVICE", "NOT AFTER", "STATE"), rows);
      });
      return 0;
    }
  }

  @Command(name = "revoke", mixinStandardHelpOptions = true,
      description = "Revoke a certificate: its next handshake fails, and open connections get 401.")
  static final class Revoke implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin Connection connection;
    @Parameters(paramLabel = "SERIAL", description = "The serial, as 'cert ls' shows it.") String serial;

    @Override
    public Integer call() {
      JsonNode answer = connection.client().send("DELETE", BASE + "/" + ApiClient.segment(serial), ApiClient.query(), null);
      connection.print(spec, answer, out -> out.line("revoked " + serial + " of " + answer.get("device").asText()));
      return 0;
    }
  }
}
