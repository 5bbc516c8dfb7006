package io.fleetconf.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "rollout", mixinStandardHelpOptions = true,
    description = "Staged rollouts: a change released wave by wave, gated on the devices' reports"
        + " (docs/safe-changes.md).")
final class RolloutCommand {
  /** Its verbs, in the order help lists them; registered by {@link Main} on demand (see Main.VERBS). */
  static final java.util.List<Class<?>> VERBS = java.util.List.of(
      RolloutCommand.Start.class, RolloutCommand.Status.class, RolloutCommand.Pause.class,
      RolloutCommand.Resume.class, RolloutCommand.Abort.class, RolloutCommand.Promote.class);

  /** {@code kv put} with a policy it must go out with. */
  @Command(name = "start", mixinStandardHelpOptions = true,
      description = "Set an entry through a rollout with --policy (the options of kv put).")
  static final class Start extends KvCommand.Put {
    @Option(names = "--policy", required = true, paramLabel = "POLICY",
        description = "The rollout policy: the entry plain/fleetconf/rollout-policies/POLICY.") String policy;

    @Override
    public Integer call() {
      rollout = policy;
      return super.call();
    }
  }

  @Command(name = "status", mixinStandardHelpOptions = true,
      description = "Every rollout, newest first; with ID, that one with its waves and their progress"
          + " (released, applied, failed, silent, pending and gone devices; the wave's deadline).")
  static final class Status implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin Connection connection;
    @Parameters(index = "0", arity = "0..1", paramLabel = "ID") String id;

    @Override
    public Integer call() {
      if (id != null) {
        JsonNode answer = connection.client().get("/api/v1/rollouts/" + ApiClient.segment(id), ApiClient.query());
        connection.print(spec, answer, out -> describe(out, answer));
        return 0;
      }
      JsonNode answer = connection.client().get("/api/v1/rollouts", ApiClient.query());
      connection.print(spec, answer, out -> {
        List<List<String>> rows = new ArrayList<>();
        for (JsonNode rollout : answer.get("rollouts")) {
          rows.add(List.of(rollout.get("id").asText(), rollout.get("state").asText(),
              rollout.get("released").asInt() + "/" + rollout.get("waves").size(), rollout.get("policy").asText(),
              keys(rollout)));
        }
        out.table(List.of("ID", "STATE", "WAVES", "POLICY", "KEYS"), rows);
      });
      return 0;
    }
  }

  /** One rollout, for people: its state, keys, and each wave with its devices. */
  static void describe(Output out, JsonNode rollout) {
    out.line("rollout " + rollout.get("id").asText() + ": " + rollout.get("state").asText() + ", wave "
        + rollout.get("released").asInt() + " of " + rollout.get("waves").size() + " released (policy "
        + rollout.get("policy").asText() + ", bake " + rollout.get("bakeSeconds").asLong() + "s)");
    out.line("keys: " + keys(rollout));
    int i = 0;
    for (JsonNode wave : rollout.get("waves")) {
      List<String> devices = new ArrayList<>();
      wave.get("devices").forEach(d -> devices.add(d.asText()));
      i++;
      out.line((i <= rollout.get("released").asInt() ? "  released " : "  waiting  ") + "wave " + i + " ("
          + wave.get("name").asText() + "): " + String.join(", ", devices));
      if (i <= rollout.get("released").asInt() && wave.has("progress")) {
        out.line("           " + progress(wave));
      }
    }
    if (rollout.has("reason")) {
      out.line("reason: " + rollout.get("reason").asText());
    }
  }

  /** A released wave's counts, and its deadline when it has one. */
  private static String progress(JsonNode wave) {
    JsonNode counts = wave.get("progress");
    List<String> parts = new ArrayList<>();
    for (String count : List.of("released", "applied", "failed", "silent", "pending", "gone")) {
      parts.add(counts.path(count).asInt() + " " + count);
    }
    return String.join(", ", parts) + (wave.has("deadline") ? "; deadline " + wave.get("deadline").asText() : "");
  }

  private static String keys(JsonNode rollout) {
    List<String> keys = new ArrayList<>();
    rollout.get("changes").forEach(c -> keys.add(c.get("key").asText()));
    return String.join(", ", keys);
  }

  /** A control: POST /api/v1/rollouts/ID/ACTION, then the rollout as it is now. */
  abstract static class Control implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin Connection connection;
    @Parameters(index = "0", paramLabel = "ID") String id;

    abstract String action();

    @Override
    public Integer call() {
      JsonNode answer = connection.client().send("POST", "/api/v1/rollouts/" + ApiClient.segment(id) + "/" + action(),
          ApiClient.query(), ApiClient.JSON.createObjectNode());
      connection.print(spec, answer, out -> describe(out, answer));
      return 0;
    }
  }

  @Command(name = "pause", mixinStandardHelpOptions = true, description = "Hold the next wave; released devices keep the change.")
  static final class Pause extends Control {
    String action() {
      return "pause";
    }
  }

  @Command(name = "resume", mixinStandardHelpOptions = true, description = "Go on from where it was paused.")
  static final class Resume extends Control {
    String action() {
      return "resume";
    }
  }

  @Command(name = "abort", mixinStandardHelpOptions = true,
      description = "Stop it: every device goes back to the stored value.")
  static final class Abort extends Control {
    String action() {
      return "abort";
    }
  }

  @Command(name = "promote", mixinStandardHelpOptions = true,
      description = "Release the next wave now (after the last: complete), without waiting for reports or bake time.")
  static final class Promote extends Control {
    String action() {
      return "promote";
    }
  }
}
