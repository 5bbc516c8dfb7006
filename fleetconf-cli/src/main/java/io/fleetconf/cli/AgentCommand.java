package io.fleetconf.cli;

import io.fleetconf.agent.Agent;
import io.fleetconf.agent.AgentConfig;
import io.fleetconf.agent.AgentException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "agent", mixinStandardHelpOptions = true,
    description = "Run the on-device agent: render config files, reload services, report (docs/agent.md).")
final class AgentCommand implements Callable<Integer> {
  @Option(names = "--config", required = true, paramLabel = "FILE", description = "The agent config (YAML).")
  Path config;

  @Option(names = "--once", description = "One pass, then exit: 0 applied, 1 failed, 2 rolled back, 3 no config.")
  boolean once;

  @Override
  public Integer call() throws InterruptedException {
    AgentConfig settings;
    try {
      settings = AgentConfig.load(config);
    } catch (AgentException e) {
      throw new CliException(e.getMessage());
    }
    if (once) {
      return Agent.once(settings).exitCode();
    }
    Agent agent = Agent.start(settings);
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      agent.close();
      stopped.countDown();
    }));
    stopped.await();
    return 0;
  }
}
