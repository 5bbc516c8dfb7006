package io.fleetconf.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "token", mixinStandardHelpOptions = true,
    description = "Operator, device and enrolment tokens (admin only).")
final class TokenCommand {
  /** Its verbs, in the order help lists them; registered by {@link Main} on demand (see Main.VERBS). */
  static final java.util.List<Class<?>> VERBS = java.util.List.of(
      TokenCommand.Create.class, TokenCommand.Ls.class, TokenCommand.Revoke.class);

  private static final String BASE = "/api/v1/tokens";

  @Command(name = "create", mixinStandardHelpOptions = true, description = {
      "Create a token; its secret is printed once and kept nowhere.",
      "  operator:  --identity alice --rule 'read fleet/global/*' --rule 'write fleet/groups/site/lisbon/*'",
      "  device:    --device cam-001",
      "  enrolment: --enrol cam-001 [--ttl 1h]   (one use, for the agent to get a client certificate)"})
  static final class Create implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin Connection connection;
    @ArgGroup(exclusive = true, multiplicity = "1") Kind kind;
    @Option(names = "--rule", paramLabel = "RULE", description = "An ACL rule of an operator token; repeat for more:"
        + " admin | read|write <key pattern> | read|write devices [<device pattern>] | read secrets.") List<String> rules = new ArrayList<>();
    @Option(names = "--ttl", paramLabel = "DURATION", description = "Expire after this long, e.g. 30d, 12h, 15m.") String ttl;

    static final class Kind {
      @Option(names = "--identity", paramLabel = "NAME", required = true, description = "An operator token for NAME.") String identity;
      @Option(names = "--device", paramLabel = "ID", required = true, description = "A device token for device ID.") String device;
      @Option(names = "--enrol", paramLabel = "ID", required = true, description = "An enrolment token for device ID.") String enrol;
    }

    @Override
    public Integer call() {
      ObjectNode body = ApiClient.JSON.createObjectNode();
      if (kind.identity != null) {
        body.put("kind", "operator").put("identity", kind.identity);
        rules.forEach(body.putArray("rules")::add);
      } else if (!rules.isEmpty()) {
        throw new CliException("--rule is for operator tokens (--identity) only");
      } else {
        body.put("kind", kind.device != null ? "device" : "enrolment");
        body.put("device", kind.device != null ? kind.device : kind.enrol);
      }
      if (ttl != null) {
        body.put("ttl", ttl);
      }
      JsonNode answer = connection.client().send("POST", BASE, ApiClient.query(), body);
      connection.print(spec, answer, out -> {
        out.line(answer.get("token").asText());
        spec.commandLine().getErr().println("created " + answer.get("kind").asText() + " token "
            + answer.get("id").asText() + " for " + answer.get("identity").asText()
            + (answer.get("expires").isNull() ? "" : ", expires " + answer.get("expires").asText())
            + "; the secret above is shown only now");
      });
      return 0;
    }
  }

  @Command(name = "ls", mixinStandardHelpOptions = true, description = "List tokens (never their secrets).")
  static final class Ls implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin Connection connection;

    @Override
    public Integer call() {
      JsonNode answer = connection.client().get(BASE, ApiClient.query());
      connection.print(spec, answer, out -> {
        List<List<String>> rows = new ArrayList<>();
        for (JsonNode token : answer.get("tokens")) {
          List<String> rules = new ArrayList<>();
          token.get("rules").forEach(rule -> rules.add(rule.asText()));
          String state = !token.get("revoked").isNull() ? "revoked" : !token.get("used").isNull() ? "used"
              : token.get("expires").isNull() ? "live" : "until " + token.get("expires").asText();
          rows.add(List.of(token.get("id").asText(), token.get("kind").asText(), token.get("identity").asText(),
              state, String.join(", ", rules)));
        }
        out.table(List.of("ID", "KIND", "IDENTITY", "STATE", "RULES"), rows);
      });
      return 0;
    }
  }

  @Command(name = "revoke", mixinStandardHelpOptions = true, description = "Revoke a token at once.")
  static final class Revoke implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin Connection connection;
    @Parameters(paramLabel = "ID", description = "The token's id (tok_...), as 'token ls' shows it.") String id;

    @Override
    public Integer call() {
      JsonNode answer = connection.client().send("DELETE", BASE + "/" + ApiClient.segment(id), ApiClient.query(), null);
      connection.print(spec, answer, out -> out.line("revoked " + id + " (" + answer.get("identity").asText() + ")"));
      return 0;
    }
  }
}
