package io.fleetconf.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fleetconf.core.Device;
import io.fleetconf.core.Entry;
import io.fleetconf.core.InvalidInputException;
import io.fleetconf.core.Mutation;
import io.fleetconf.core.Proposal;
import io.fleetconf.core.Revision;
import io.fleetconf.git.DesiredState;
import io.fleetconf.git.GitFetchException;
import io.fleetconf.git.LayoutException;
import io.fleetconf.git.Mirror;
import io.fleetconf.git.Reconcile;
import io.fleetconf.git.Unsealer;
import io.fleetconf.store.ConflictException;
import io.fleetconf.store.NotFoundException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * What merging a branch would do to the fleet, for a pull-request check: the change from the
 * base's files to the head's, previewed by the server as that commit ({@code POST
 * /api/v1/changes?dry_run=true&mask=true} naming it), so that the server's own checks (keys, owners,
 * schemas) and its per-device diff are what the plan shows. Nothing is written.
 */
@Command(name = "plan", mixinStandardHelpOptions = true,
    description = {"Validates a branch of a config repository and prints which devices it changes and how,"
        + " writing nothing. Exits 1 when the head is invalid (a file refused, a key refused by the server,"
        + " a schema broken), 0 otherwise.", "Sealed values are compared sealed and shown masked."})
final class GitPlanCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin Connection connection;

  @Option(names = "--repo", defaultValue = ".", paramLabel = "DIR", description = "The repository (default: here).")
  Path repo;
  @Option(names = "--path", defaultValue = "", paramLabel = "PATH",
      description = "The sub-directory holding the layout, as the source's :PATH (default: the top).")
  String path;
  @Option(names = "--base", defaultValue = "main", paramLabel = "REF",
      description = "What the server follows now (default ${DEFAULT-VALUE}).")
  String base;
  @Option(names = "--head", defaultValue = "HEAD", paramLabel = "REF",
      description = "The change to check (default ${DEFAULT-VALUE}).")
  String head;
  @Option(names = "--backup", paramLabel = "FILE",
      description = "Plan offline, against a backup (fleetconf backup) instead of the server.")
  Path backup;
  @Option(names = "--master-key-file", paramLabel = "FILE",
      description = "With --backup: the master key of its secrets, when it holds any.")
  Path masterKeyFile;

  @Override
  public Integer call() {
    try (Mirror mirror = Mirror.local(repo, path)) {
      String baseId = mirror.resolve(base);
      String headId = mirror.resolve(head);
      DesiredState before = read(mirror, base, baseId);
      DesiredState after;
      try {
        after = mirror.read(headId, Unsealer.KEEP_SEALED);
      } catch (LayoutException e) {
        return invalid(baseId, headId, e);
      }
      List<Mutation> mutations = Reconcile.mutations(before, after, entries(before),
          new ArrayList<>(before.devices().values()));
      if (mutations.isEmpty()) {
        connection.print(spec, plan(baseId, headId).put("valid", true).put("devices", 0),
            out -> out.line(header(baseId, headId) + ": no change to anything fleetconf keeps"));
        return 0;
      }
      return preview(baseId, headId, after, mutations);
    } catch (GitFetchException e) {
      throw new CliException(e.getMessage());
    }
  }

  private DesiredState read(Mirror mirror, String ref, String id) {
    try {
      return mirror.read(id, Unsealer.KEEP_SEALED);
    } catch (LayoutException e) {
      throw new CliException("the base " + ref + " (" + id.substring(0, 12) + ") is itself invalid: " + where(e)
          + e.reason());
    }
  }

  private int preview(String baseId, String headId, DesiredState after, List<Mutation> mutations) {
    String message = "git plan " + base + ".." + head;
    if (backup == null) {
      ObjectNode body = ApiClient.JSON.createObjectNode();
      ArrayNode operations = body.putArray("operations");
      mutations.forEach(mutation -> operations.add(operation(mutation)));
      body.put("commit", headId);
      body.put("message", message);
      JsonNode answer = connection.client().send("POST", "/api/v1/changes",
          ApiClient.query("dry_run", "true", "mask", "true"), body);
      return print(baseId, headId, mutations.size(), answer, countByGroup(answer, serverGroups(), after));
    }
    try (PlanFromBackup fleet = PlanFromBackup.open(backup, java.util.Optional.ofNullable(masterKeyFile))) {
      JsonNode answer = fleet.preview(Proposal.ofCommit("fleetconf git plan", message, headId, mutations));
      return print(baseId, headId, mutations.size(), answer, countByGroup(answer, fleet.groups(), after));
    } catch (InvalidInputException | NotFoundException | ConflictException e) {
      throw new CliException(e.getMessage()); // refused, as the server would refuse it
    }
  }

  private int print(String baseId, String headId, int changes, JsonNode answer, Map<String, Integer> byGroup) {
    boolean valid = answer.at("/schema/valid").asBoolean(true);
    ObjectNode json = plan(baseId, headId).put("valid", valid);
    json.setAll((ObjectNode) answer);
    byGroup.forEach(json.putObject("byGroup")::put);
    connection.print(spec, json, out -> {
      out.line(header(baseId, headId) + ": " + changes + " change(s), " + answer.get("devices").asInt()
          + " device(s) would change; nothing written");
      out.line(valid ? "schema: ok" : "schema: refused: " + answer.at("/schema/message").asText());
      for (JsonNode group : answer.get("impact")) {
        List<String> devices = new ArrayList<>();
        group.get("devices").forEach(d -> devices.add(d.asText()));
        out.line(group.get("kind").asText() + " (" + devices.size() + "): " + String.join(", ", devices));
        group.get("differences").forEach(difference -> out.line("  " + DryRun.line(difference)));
      }
      List<String> counts = new ArrayList<>();
      byGroup.forEach((group, count) -> counts.add(group + " " + count));
      out.line("devices by group: " + (counts.isEmpty() ? "-" : String.join(", ", counts)));
    });
    return valid ? 0 : 1;
  }

  private int invalid(String baseId, String headId, LayoutException e) {
    ObjectNode json = plan(baseId, headId).put("valid", false).put("file", e.file()).put("reason", e.reason());
    e.line().ifPresent(line -> json.put("line", line));
    connection.print(spec, json, out -> out.line("invalid: " + head + " (" + headId.substring(0, 12) + "): " + where(e)
        + e.reason()));
    return 1;
  }

  private static String where(LayoutException e) {
    return e.file() + e.line().stream().mapToObj(line -> ":" + line).findFirst().orElse("") + ": ";
  }

  private ObjectNode plan(String baseId, String headId) {
    return ApiClient.JSON.createObjectNode().put("base", baseId).put("head", headId);
  }

  private String header(String baseId, String headId) {
    return "plan " + base + " (" + baseId.substring(0, 12) + ") -> " + head + " (" + headId.substring(0, 12) + ")";
  }

  /** The base's entries as the store would hold them after applying it. */
  private static List<Entry> entries(DesiredState state) {
    List<Entry> entries = new ArrayList<>();
    state.entries().forEach((key, value) -> entries.add(new Entry(key, value, Revision.ZERO, Revision.ZERO, 1,
        state.secrets().contains(key), 0, state.replacing().contains(key))));
    return entries;
  }

  /** How many changed devices each group holds: groups as the head's registry, else the server, says. */
  private static Map<String, Integer> countByGroup(JsonNode answer, Map<String, List<String>> registered,
      DesiredState after) {
    Map<String, List<String>> groups = new TreeMap<>(registered);
    after.devices().forEach((id, device) -> groups.put(id.toString(),
        device.groups().stream().map(io.fleetconf.core.GroupName::value).toList()));
    Map<String, Integer> counts = new TreeMap<>();
    for (JsonNode group : answer.get("impact")) {
      group.get("devices").forEach(device -> groups.getOrDefault(device.asText(), List.of())
          .forEach(name -> counts.merge(name, 1, Integer::sum)));
    }
    return counts;
  }

  /** The groups of every device the server has registered, by device id. */
  private Map<String, List<String>> serverGroups() {
    Map<String, List<String>> groups = new TreeMap<>();
    connection.client().get("/api/v1/devices", ApiClient.query()).get("devices").forEach(device -> {
      List<String> names = new ArrayList<>();
      device.get("groups").forEach(group -> names.add(group.asText()));
      groups.put(device.get("id").asText(), names);
    });
    return groups;
  }

  /** A mutation as an operation of {@code POST /api/v1/changes}. */
  private static ObjectNode operation(Mutation mutation) {
    ObjectNode op = ApiClient.JSON.createObjectNode();
    switch (mutation) {
      case Mutation.Put put -> {
        op.put("op", "put").put("key", put.key().toString()).set("value", put.value());
        if (put.secret()) {
          op.put("secret", true);
        }
        put.replace().ifPresent(replace -> op.put("replace", replace));
      }
      case Mutation.Delete delete -> op.put("op", "delete").put("key", delete.key().toString());
      case Mutation.CreateDevice create -> device(op.put("op", "create-device"), create.device());
      case Mutation.UpdateDevice update -> device(op.put("op", "update-device"), update.device());
      case Mutation.DeleteDevice delete -> op.put("op", "delete-device").put("id", delete.id().toString());
      case Mutation.DeleteTree tree -> op.put("op", "delete-tree").put("key", tree.prefix().toString());
      case Mutation.Check check -> throw new IllegalStateException("a plan makes no checks");
      case Mutation.SwapSetting swap -> throw new IllegalStateException("a plan moves no settings");
    }
    return op;
  }

  private static void device(ObjectNode op, Device device) {
    op.put("id", device.id().toString());
    ArrayNode groups = op.putArray("groups");
    device.groups().forEach(group -> groups.add(group.value()));
    ObjectNode labels = op.putObject("labels");
    device.labels().forEach(labels::put);
  }
}
