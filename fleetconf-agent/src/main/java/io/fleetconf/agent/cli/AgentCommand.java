package io.fleetconf.agent.cli;

import io.fleetconf.agent.Agent;
import io.fleetconf.agent.AgentConfig;
import io.fleetconf.agent.AgentException;
import io.fleetconf.core.InvalidInputException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "agent", mixinStandardHelpOptions = true, subcommands = AgentCommand.Retry.class,
    description = "Run the on-device agent: render config files, reload services, report (docs/agent.md).")
public final class AgentCommand implements Callable<Integer> {
  private static final ObjectMapper JSON = new ObjectMapper();

  // Not required by picocli, so that `agent retry --config FILE` parses; checked in call().
  @Option(names = "--config", paramLabel = "FILE", description = "The agent config (YAML); required.")
  Path config;

  @Option(names = "--once", description = "One pass, then exit: 0 applied, 1 failed, 2 rolled back, 3 no config.")
  boolean once;

  @Spec CommandSpec spec;
  @Mixin LogOptions logs;

  @Override
  public Integer call() throws InterruptedException {
    logs.install();
    // json mode (-o json, --json) with --once prints what the pass did, for an Ansible task's changed_when.
    boolean json = JsonMode.of(spec);
    if (json && !once) {
      throw failure("--json goes with --once: a running agent reports to the server, not to stdout");
    }
    AgentConfig settings = load(config);
    if (once) {
      Agent.Pass pass = agent(() -> Agent.oncePass(settings));
      if (json) {
        spec.commandLine().getOut().println(json(pass));
        spec.commandLine().getOut().flush();
      }
      return pass.result().exitCode();
    }
    Agent agent = agent(() -> Agent.start(settings));
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      agent.close();
      stopped.countDown();
    }));
    stopped.await();
    return 0;
  }

  /** {@code {"result", "changed", "revision", "outputs": [{"name", "destination", "status", "changed", "error"}]}}. */
  private static String json(Agent.Pass pass) {
    ObjectNode answer = JSON.createObjectNode();
    answer.put("result", pass.result().name().toLowerCase(java.util.Locale.ROOT));
    answer.put("changed", pass.changed());
    answer.put("revision", pass.revision());
    ArrayNode outputs = answer.putArray("outputs");
    pass.outputs().forEach(output -> {
      ObjectNode node = outputs.addObject().put("name", output.name()).put("destination", output.destination().toString())
          .put("status", output.status()).put("changed", output.changed());
      output.error().ifPresent(error -> node.put("error", error));
    });
    return answer.toString();
  }

  private static AgentConfig load(Path config) {
    if (config == null) {
      throw failure("--config FILE is required: the agent config (YAML)");
    }
    return agent(() -> AgentConfig.load(config));
  }

  /** Runs agent code, saying what is wrong in one line if it cannot start. */
  private static <T> T agent(java.util.function.Supplier<T> step) {
    try {
      return step.get();
    } catch (AgentException e) {
      throw failure(e.getMessage());
    }
  }

  /** A failure the user can act on; both command lines print it as one line ({@code "error": "cli"} with --json). */
  private static InvalidInputException failure(String message) {
    return new InvalidInputException("cli", message);
  }

  @Command(name = "retry", mixinStandardHelpOptions = true,
      description = "Try content again that failed its health check and was reverted: clears the agent's"
          + " mark on it, so that its next pass applies it (docs/agent.md).")
  public static final class Retry implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--config", required = true, paramLabel = "FILE", description = "The agent config (YAML).")
    Path config;

    @Parameters(arity = "0..1", paramLabel = "NAMESPACE", description = "Only the outputs of this namespace.")
    String namespace;

    @Override
    public Integer call() {
      AgentConfig settings = load(config);
      List<String> cleared = agent(() -> namespace == null ? Agent.retry(settings) : Agent.retry(settings, namespace));
      PrintWriter out = spec.commandLine().getOut();
      if (JsonMode.of(spec)) {
        ObjectNode json = JsonNodeFactory.instance.objectNode();
        cleared.forEach(json.putArray("cleared")::add);
        out.println(json.toPrettyString());
      } else {
        out.println(cleared.isEmpty()
            ? "nothing to retry: no output " + (namespace == null ? "" : "of " + namespace + " ") + "is marked as failed"
            : "cleared " + String.join(", ", cleared) + "; the agent tries again at its next pass");
      }
      out.flush();
      return 0;
    }
  }
}
