package io.fleetconf.console;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetconf.testing.Browser;
import io.fleetconf.testing.TestServer;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;

/** The fleet overview of the demo fleet: counts by status, filters, the group tree, live updates; on a phone too. */
class ConsoleFleetTest {
  @RegisterExtension static final Browser browser = Browser.chromium();
  @RegisterExtension final TestServer server = TestServer.freshDemo();

  @Test
  void theOverviewShowsTheDemoFleetsStatusesAndFiltersByGroupAndStatus() {
    report("vv-lis-01", "applied", null);
    report("vv-prt-01", "failed", "tv_scheduler.yaml: health check failed");
    browser.signIn(server, server.token(), "");
    browser.until(d -> counts().get("failed").equals("1"));
    assertThat(counts()).isEqualTo(Map.of("applied", "1", "failed", "1", "rolled_back", "0", "drift", "1",
        "stale", "3", "unreported", "3"));
    assertThat(rows()).containsExactly("vv-lis-01", "vv-lis-02", "vv-lis-03", "vv-prt-01", "vv-prt-02");
    assertThat(browser.text("#devices tr[data-device='vv-prt-01'] [data-col=status]")).isEqualTo("failed drift");
    assertThat(browser.text("#devices tr[data-device='vv-prt-01'] [data-col=reported]")).isEqualTo("common tried " + server.revision());
    assertThat(browser.text("#devices tr[data-device='vv-lis-01'] [data-col=reported]"))
        .isEqualTo("common@" + server.revision());
    browser.screenshot("overview", "#devices");

    new Select(browser.find("#filter-group")).selectByValue("site/porto");
    assertThat(rows()).containsExactly("vv-prt-01", "vv-prt-02");
    new Select(browser.find("#filter-status")).selectByValue("failed");
    assertThat(rows()).containsExactly("vv-prt-01");
    new Select(browser.find("#filter-status")).selectByValue("");
    new Select(browser.find("#filter-group")).selectByValue("");
    browser.find("#group-tree button[data-group='device_type/rpi4']").click();
    assertThat(rows()).containsExactly("vv-lis-02", "vv-prt-02");
    browser.find("#group-tree button[data-group='device_type/rpi4']").click();
    browser.type(By.id("filter-search"), "lis-0");
    assertThat(rows()).containsExactly("vv-lis-01", "vv-lis-02", "vv-lis-03");
    assertThat(browser.all("#group-tree button").stream().map(WebElement::getText).toList()).containsExactly(
        "device_type (5)", "jetson-nano (3)", "rpi4 (2)", "site (5)", "lisbon (3)", "porto (2)");
  }

  @Test
  void theOverviewUpdatesLiveWhenAnAgentReports() {
    browser.signIn(server, server.token(), "");
    browser.until(d -> rows().size() == 5);
    assertThat(counts().get("applied")).isEqualTo("0");
    browser.script("window.notReloaded = true;");
    report("vv-lis-02", "applied", null);
    browser.until(d -> counts().get("applied").equals("1"));
    assertThat(browser.text("#devices tr[data-device='vv-lis-02'] [data-col=status]")).isEqualTo("applied");
    report("vv-lis-03", "rolled_back", "health check failed: exit 1");
    browser.until(d -> counts().get("rolled_back").equals("1"));
    assertThat(browser.script("return window.notReloaded === true")).isEqualTo(true);
  }

  @Test
  void everyControlHasALabelAndAPhoneNeedsNoSidewaysScrolling() {
    browser.signIn(server, server.token(), "");
    browser.driver().manage().window().setSize(new Dimension(390, 844));
    Map<String, String> pages = new LinkedHashMap<>();
    pages.put("#/fleet", "#fleet #devices tbody tr");
    pages.put("#/device/vv-lis-01", "#device table.explain");
    pages.put("#/config", "#config #editor");
    pages.put("#/history", "#history li[data-revision]");
    for (var page : pages.entrySet()) {
      browser.go(page.getKey());
      browser.find(page.getValue());
      assertThat(browser.script("return [...document.querySelectorAll('input, select, textarea')]"
          + ".filter(e => !e.labels || e.labels.length === 0).map(e => e.id || e.name)")).as(page.getKey())
          .isEqualTo(List.of());
      assertThat(browser.script("return document.documentElement.scrollWidth <= window.innerWidth")).as(page.getKey())
          .isEqualTo(true);
    }
    browser.go("#/fleet");
    browser.find("#devices tr[data-device='vv-lis-01'] a").sendKeys(org.openqa.selenium.Keys.ENTER);
    browser.until(d -> !browser.all("#device[data-device='vv-lis-01']").isEmpty());
  }

  private Map<String, String> counts() {
    Map<String, String> out = new LinkedHashMap<>();
    for (WebElement item : browser.all("#counts li")) {
      out.put(item.getAttribute("data-status"), item.findElement(By.className("n")).getText());
    }
    return out;
  }

  private List<String> rows() {
    return browser.all("#devices tbody tr").stream().map(row -> row.getAttribute("data-device")).toList();
  }

  private void report(String device, String status, String error) {
    Reports.report(server, device, status, error);
  }
}
