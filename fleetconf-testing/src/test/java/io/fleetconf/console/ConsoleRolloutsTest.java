package io.fleetconf.console;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetconf.testing.Browser;
import io.fleetconf.testing.TestServer;
import io.fleetconf.testing.TestServer.Reply;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.WebElement;

/** The rollouts page: each rollout with its waves' progress, and controls that act only once confirmed. */
class ConsoleRolloutsTest {
  @RegisterExtension static final Browser browser = Browser.chromium();
  @RegisterExtension final TestServer server = TestServer.fresh();

  @Test
  void aRolloutShowsItsWavesProgressAndEachControlActsOnlyOnceConfirmed() {
    server.post("/api/v1/devices", "{\"id\": \"cam-1\", \"groups\": [\"ring/canary\"]}");
    server.post("/api/v1/devices", "{\"id\": \"cam-2\", \"groups\": [\"ring/canary\"]}");
    server.post("/api/v1/devices", "{\"id\": \"cam-3\", \"groups\": [\"ring/main\"]}");
    server.put("/api/v1/entries/global/cam/fps", "25");
    server.put("/api/v1/entries/plain/fleetconf/rollout-policies/cam",
        "{\"waves\": [{\"groups\": [\"ring/canary\"]}, {\"percent\": 100}], \"waveTimeoutSeconds\": 3600}");
    Reply started = server.put("/api/v1/entries/global/cam/fps?message=faster", "30");
    assertThat(started.status()).as(started.body()).isEqualTo(202);
    String id = started.json().get("id").asText();
    String deadline = started.json().at("/waves/0/deadline").asText();
    server.delete("/api/v1/devices/cam-2"); // gone: shown as such

    browser.signIn(server, server.token(), "#/rollouts");
    String card = "#rollout-" + id;
    browser.find(card);
    assertThat(browser.text(card + " .state")).isEqualTo("running");
    assertThat(browser.text(card + " p")).isEqualTo("policy cam · wave 1 of 2 released · global/cam/fps · faster");
    assertThat(cells(card + " tr[data-wave='1'] td")).containsExactly("1 (ring/canary)", "2", "1", "0", "0", "0",
        "1", "1", deadline);
    assertThat(cells(card + " tr[data-wave='2'] td")).containsExactly("2 (100%)", "1", "", "", "", "", "", "", "");
    assertThat(controls(card)).containsExactly("Pause…", "Promote…", "Abort…");
    browser.screenshot("rollouts", card);

    click(card + " button[data-action=pause]");
    assertThat(browser.text(card + " .confirm p")).isEqualTo("Pause rollout " + id + "? No further wave is released;"
        + " the devices already released keep the change.");
    assertThat(state(id)).as("nothing happens before the confirmation").isEqualTo("running");
    click(card + " .confirm .cancel");
    browser.until(d -> browser.all(card + " .confirm").isEmpty());
    assertThat(state(id)).isEqualTo("running");

    confirm(card, "pause", "Pause " + id);
    browser.until(d -> "paused".equals(browser.find(card).getAttribute("data-state")));
    assertThat(state(id)).isEqualTo("paused");
    assertThat(controls(card)).containsExactly("Resume…", "Promote…", "Abort…");
    confirm(card, "resume", "Resume " + id);
    browser.until(d -> "running".equals(browser.find(card).getAttribute("data-state")));
    confirm(card, "promote", "Promote " + id);
    browser.until(d -> browser.text(card + " p").startsWith("policy cam · wave 2 of 2 released"));
    assertThat(fps("cam-3")).isEqualTo(30);
    confirm(card, "abort", "Abort " + id);
    browser.until(d -> "aborted".equals(browser.find(card).getAttribute("data-state")));
    assertThat(state(id)).isEqualTo("aborted");
    assertThat(browser.text(card + " .reason")).isEqualTo("aborted by admin");
    assertThat(controls(card)).isEmpty();
    assertThat(fps("cam-3")).isEqualTo(25);

    browser.driver().manage().window().setSize(new Dimension(390, 844)); // a phone: the table scrolls, not the page
    browser.find(card + " table.waves");
    assertThat(browser.script("return document.documentElement.scrollWidth <= window.innerWidth")).isEqualTo(true);
  }

  /** Clicks {@code css}, again if a live redraw replaced it just before. */
  private static void click(String css) {
    browser.until(d -> {
      d.findElement(By.cssSelector(css)).click();
      return true;
    });
  }

  private void confirm(String card, String action, String button) {
    click(card + " button[data-action=" + action + "]");
    WebElement yes = browser.find(card + " .confirm .confirm-action");
    assertThat(yes.getText()).isEqualTo(button);
    yes.click();
  }

  private List<String> cells(String css) {
    return browser.all(css).stream().map(WebElement::getText).toList();
  }

  private List<String> controls(String card) {
    return browser.all(card + " button.control").stream().map(WebElement::getText).toList();
  }

  private String state(String id) {
    return server.get("/api/v1/rollouts/" + id).json().get("state").asText();
  }

  private int fps(String device) {
    return server.get("/api/v1/devices/" + device + "/config/cam").json().get("config").get("fps").asInt();
  }
}
