package io.fleetconf.console;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.fleetconf.testing.Browser;
import io.fleetconf.testing.TestServer;
import io.fleetconf.testing.TestServer.Reply;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

/** The device page's provenance, the editor's impact preview and save, and rollback from history. */
class ConsoleChangeTest {
  @RegisterExtension static final Browser browser = Browser.chromium();
  @RegisterExtension final TestServer server = TestServer.freshDemo();

  @Test
  void aDevicePageShowsEachValuesScopeAndRevisionAsExplainDoes() {
    Reports.report(server, "vv-lis-01", "applied", null);
    Reports.report(server, "vv-lis-01", "failed", "common.env: health check failed (exit 3)");
    browser.signIn(server, server.token(), "#/device/vv-lis-01");
    browser.until(d -> !browser.all("#device table.explain tbody tr").isEmpty());
    // What `fleetconf config show --explain` prints: each leaf with the scope and revision it comes from.
    JsonNode explained = server.get("/api/v1/devices/vv-lis-01/config?explain=true").json();
    Map<String, String> expected = new TreeMap<>();
    explained.get("provenance").properties().forEach(origin -> expected.put(origin.getKey(),
        origin.getValue().get("scope").asText() + "@" + origin.getValue().get("revision").asLong()));
    Map<String, String> shown = new TreeMap<>();
    for (WebElement row : browser.all("#device table.explain tbody tr")) {
      shown.put(row.getAttribute("data-path"), row.findElement(By.cssSelector("[data-col=scope]")).getText() + "@"
          + row.findElement(By.cssSelector("[data-col=revision]")).getText());
    }
    assertThat(shown).isEqualTo(expected);
    assertThat(shown).containsEntry("common/log_level", "devices/vv-lis-01@4")
        .containsEntry("common/dvr_ip", "groups/site/lisbon@3")
        .containsEntry("orchestrator/model", "groups/device_type/jetson-nano@3")
        .containsEntry("self_monitor/check_interval_s", "global@2");
    browser.screenshot("device", "#device section[data-namespace='common']");
    assertThat(browser.text("#device tr[data-path='common/log_level'] [data-col=value]")).isEqualTo("debug");
    assertThat(browser.all("#device section[data-namespace]").stream().map(s -> s.getAttribute("data-namespace"))
        .toList()).containsExactly("common", "orchestrator", "self_monitor", "tv_scheduler");
    assertThat(browser.all("#touching li").stream().map(WebElement::getText).map(t -> t.split(" ")[0]).toList())
        .containsExactly("r4", "r3", "r2", "r1");

    assertThat(browser.text("#reported tr[data-namespace=common]"))
        .isEqualTo("common 4 unknown (tried 4) failed drift common.env: health check failed (exit 3)");
    assertThat(browser.all("#reports tbody tr").stream().map(row -> row.getText().replaceFirst("^\\S+ ", "")).toList())
        .containsExactly("common 4 failed common.env: health check failed (exit 3)", "common 4 applied");

    browser.type(By.id("diff-from"), "3");
    browser.type(By.id("diff-to"), "4");
    browser.find("#device-diff").findElement(By.xpath("..")).findElement(By.cssSelector("button")).click();
    browser.until(d -> !browser.all("#device-diff li").isEmpty());
    assertThat(browser.all("#device-diff li").stream().map(WebElement::getText).toList())
        .containsExactly("common/log_level: info → debug");
  }

  @Test
  void editingAValuePreviewsTheDryRunsDevicesAndSavesWithItsMessage() {
    browser.signIn(server, server.token(), "#/config");
    browser.find("#editor");
    browser.type(By.id("edit-key"), "groups/site/porto/common/log_level");
    browser.type(By.id("edit-value"), "\"debug\"");
    browser.type(By.id("edit-message"), "debug logging in Porto");
    browser.find("#edit-preview").click();
    browser.until(d -> !browser.all("#impact-panel").isEmpty());
    // What `fleetconf kv put --dry-run` shows: the change-set API's dry run of the same write.
    Reply dryRun = server.post("/api/v1/changes?dry_run=true", "{\"operations\": [{\"op\": \"put\", \"key\":"
        + " \"groups/site/porto/common/log_level\", \"value\": \"debug\"}]}");
    List<String> devices = new ArrayList<>();
    dryRun.json().get("impact").forEach(group -> group.get("devices").forEach(d -> devices.add(d.asText())));
    assertThat(devices).containsExactly("vv-prt-01", "vv-prt-02");
    assertThat(browser.text("#impact-count")).isEqualTo("2");
    assertThat(browser.text(".impact-devices")).isEqualTo(String.join(", ", devices));
    assertThat(browser.text("#impact-panel .differences")).isEqualTo("common/log_level: info → debug");
    assertThat(browser.find("#edit-save").isEnabled()).isTrue();
    browser.find("#edit-message").sendKeys(org.openqa.selenium.Keys.chord(org.openqa.selenium.Keys.CONTROL, "a"),
        org.openqa.selenium.Keys.BACK_SPACE);
    browser.until(d -> !browser.find("#edit-save").isEnabled()); // a message is required
    browser.type(By.id("edit-message"), "debug logging in Porto");
    browser.until(d -> browser.find("#edit-save").isEnabled());
    browser.screenshot("impact-preview", "#impact-panel");
    long before = server.revision();

    browser.find("#edit-save").click();
    browser.until(d -> !browser.all("#saved").isEmpty());
    assertThat(browser.text("#saved")).isEqualTo("Saved as revision " + (before + 1) + ".");
    JsonNode changeSet = server.get("/api/v1/history?limit=1").json().at("/changeSets/0");
    assertThat(changeSet.get("message").asText()).isEqualTo("debug logging in Porto");
    assertThat(changeSet.get("source").asText()).isEqualTo("console");
    assertThat(changeSet.get("author").asText()).isEqualTo("admin");

    browser.go("#/device/vv-prt-01");
    browser.until(d -> !browser.all("#device tr[data-path='common/log_level']").isEmpty());
    assertThat(browser.text("#device tr[data-path='common/log_level'] [data-col=value]")).isEqualTo("debug");
    assertThat(browser.text("#device tr[data-path='common/log_level'] [data-col=scope]")).isEqualTo("groups/site/porto");
    assertThat(browser.text("#device tr[data-path='common/log_level'] [data-col=revision]"))
        .isEqualTo(Long.toString(before + 1));
  }

  @Test
  void numbersKeepTheirExactTextThroughTheEditor() {
    // JavaScript numbers would print 1.10 as 1.1 and this integer as 1.2345678901234568e+22.
    assertThat(server.put("/api/v1/entries/global/tv/limits", "{\"ratio\": 1.10, \"big\": 12345678901234567890123}")
        .status()).isEqualTo(200);
    browser.signIn(server, server.token(), "#/config/global/tv/limits");
    browser.until(d -> browser.find("#edit-value").getAttribute("value").contains("ratio"));
    assertThat(browser.find("#edit-value").getAttribute("value"))
        .isEqualTo("{\n  \"ratio\": 1.10,\n  \"big\": 12345678901234567890123\n}");
    browser.type(By.id("edit-value"), "{\"ratio\": 1.20, \"big\": 12345678901234567890123, \"low\": 0.50}");
    browser.type(By.id("edit-message"), "ratio up");
    browser.find("#edit-preview").click();
    browser.until(d -> browser.find("#edit-save").isEnabled());
    browser.find("#edit-save").click();
    browser.until(d -> !browser.all("#saved").isEmpty());
    assertThat(server.get("/api/v1/entries/global/tv/limits").body().replace(" ", "").replace("\n", ""))
        .contains("\"value\":{\"ratio\":1.20,\"big\":12345678901234567890123,\"low\":0.50}");
  }

  @Test
  void aSchemaViolationIsShownAndCannotBeSaved() {
    assertThat(server.put("/api/v1/entries/plain/fleetconf/schemas/common", "{\"type\": \"object\", \"properties\":"
        + " {\"log_level\": {\"enum\": [\"debug\", \"info\", \"warning\", \"error\"]}}}").status()).isEqualTo(200);
    long before = server.revision();
    browser.signIn(server, server.token(), "#/config");
    browser.find("#editor");
    browser.type(By.id("edit-key"), "global/common/log_level");
    browser.type(By.id("edit-value"), "\"verbose\"");
    browser.type(By.id("edit-message"), "too chatty");
    browser.find("#edit-preview").click();
    browser.until(d -> !browser.all("#schema-error").isEmpty());
    assertThat(browser.text("#schema-error")).startsWith("Schema: ").contains("log_level");
    assertThat(browser.find("#edit-save").isEnabled()).isFalse();
    assertThat(server.revision()).isEqualTo(before);
  }

  @Test
  void rollbackFromHistoryShowsItsImpactFirstAndPutsTheValueBack() {
    Reply changed = server.put("/api/v1/entries/groups/site/lisbon/common/dvr_ip?message=new%20DVR", "\"10.10.1.99\"");
    long revision = changed.json().get("revision").asLong();
    browser.signIn(server, server.token(), "#/history");
    WebElement item = browser.find("#cs-" + revision);
    assertThat(item.findElement(By.cssSelector("p")).getText()).endsWith("admin · api · new DVR");
    item.findElement(By.cssSelector("button.rollback")).click();
    browser.until(d -> !browser.all("#cs-" + revision + " .panel.confirm").isEmpty());
    assertThat(browser.text("#cs-" + revision + " .impact-devices")).isEqualTo("vv-lis-01, vv-lis-02, vv-lis-03");
    assertThat(browser.text("#cs-" + revision + " .differences")).isEqualTo("common/dvr_ip: 10.10.1.99 → 10.10.1.20");
    assertThat(server.get("/api/v1/entries/groups/site/lisbon/common/dvr_ip").json().get("value").asText())
        .as("nothing done before the confirmation").isEqualTo("10.10.1.99");

    browser.find("#cs-" + revision + " button.confirm-rollback").click();
    browser.until(d -> !browser.all("#cs-" + revision + " .rolled-back").isEmpty());
    assertThat(browser.text("#cs-" + revision + " .rolled-back")).isEqualTo("Rolled back as revision " + (revision + 1)
        + ".");
    assertThat(server.get("/api/v1/entries/groups/site/lisbon/common/dvr_ip").json().get("value").asText())
        .isEqualTo("10.10.1.20");
    assertThat(server.get("/api/v1/history?limit=1").json().at("/changeSets/0/source").asText())
        .isEqualTo("rollback of " + revision);
  }
}
