package io.fleetconf.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetconf.testing.Browser;
import io.fleetconf.testing.TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

/**
 * The web console in Chromium against what the fleetconf command says: a real agent process's
 * report appears live, the device page is {@code config show --explain}, and the impact preview
 * lists the devices {@code kv put --dry-run} lists.
 */
class ConsoleCliTest {
  @RegisterExtension static final Browser browser = Browser.chromium();
  @RegisterExtension final TestServer server = TestServer.freshDemo();
  @TempDir Path dir;

  @Test
  void theOverviewUpdatesLiveWhenARealAgentReports() throws Exception {
    browser.signIn(server, server.token(), "");
    browser.until(d -> browser.all("#devices tbody tr").size() == 5);
    assertThat(browser.text("#counts li[data-status=applied] .n")).isEqualTo("0");
    browser.script("window.notReloaded = true;");
    String token = server.post("/api/v1/tokens", "{\"kind\":\"device\",\"device\":\"vv-lis-02\"}").json()
        .get("token").asText();
    Path config = dir.resolve("agent.yaml");
    Files.writeString(config, "server: " + server.uri() + "\ndevice_id: vv-lis-02\ntoken: " + token + "\n"
        + "state_dir: " + dir.resolve("state") + "\noutputs:\n  - name: env\n    namespace: common\n    format: env\n"
        + "    destination: " + dir.resolve("common.env") + "\n");
    Process agent = new ProcessBuilder(ChildJvm.fleetconf("agent", "--once", "--config", config.toString()))
        .redirectErrorStream(true).redirectOutput(dir.resolve("agent.log").toFile()).start();
    assertThat(agent.waitFor()).as(Files.readString(dir.resolve("agent.log"))).isZero();

    browser.until(d -> browser.text("#counts li[data-status=applied] .n").equals("1"));
    assertThat(browser.text("#devices tr[data-device='vv-lis-02'] [data-col=status]")).isEqualTo("applied");
    assertThat(browser.text("#devices tr[data-device='vv-lis-02'] [data-col=reported]"))
        .isEqualTo("common@" + server.revision());
    assertThat(browser.script("return window.notReloaded === true")).isEqualTo(true);
  }

  @Test
  void theDevicePageShowsWhatConfigShowExplainPrints() {
    CliRun explain = CliRun.fleetconf(server, "config", "show", "--device", "vv-prt-01", "--explain");
    assertThat(explain.status()).as(explain.err()).isZero();
    Map<String, String> printed = new TreeMap<>();
    for (String line : explain.out().lines().skip(1).toList()) {
      List<String> cells = Arrays.asList(line.trim().split("\\s{2,}"));
      printed.put(cells.get(0), cells.get(cells.size() - 2) + "@" + cells.get(cells.size() - 1));
    }
    browser.signIn(server, server.token(), "#/device/vv-prt-01");
    browser.until(d -> !browser.all("#device table.explain tbody tr").isEmpty());
    Map<String, String> shown = new TreeMap<>();
    for (WebElement row : browser.all("#device table.explain tbody tr")) {
      shown.put(row.getAttribute("data-path"), row.findElement(By.cssSelector("[data-col=scope]")).getText() + "@"
          + row.findElement(By.cssSelector("[data-col=revision]")).getText());
    }
    assertThat(shown).isEqualTo(printed).containsEntry("tv_scheduler/rules", "groups/site/porto@3");
  }

  @Test
  void theImpactPreviewListsTheDevicesKvPutDryRunLists() {
    CliRun dryRun = CliRun.fleetconf(server, "kv", "put", "--dry-run", "groups/site/porto/common/log_level", "debug");
    assertThat(dryRun.status()).as(dryRun.err()).isZero();
    List<String> listed = dryRun.out().lines().filter(line -> line.startsWith("changed: "))
        .map(line -> line.substring("changed: ".length())).toList();
    assertThat(listed).containsExactly("vv-prt-01, vv-prt-02");

    browser.signIn(server, server.token(), "#/config");
    browser.find("#editor");
    browser.type(By.id("edit-key"), "groups/site/porto/common/log_level");
    browser.type(By.id("edit-value"), "\"debug\"");
    browser.type(By.id("edit-message"), "debug logging in Porto");
    browser.find("#edit-preview").click();
    browser.until(d -> !browser.all("#impact-panel").isEmpty());
    assertThat(browser.all(".impact-devices").stream().map(WebElement::getText).toList()).isEqualTo(listed);
  }
}
