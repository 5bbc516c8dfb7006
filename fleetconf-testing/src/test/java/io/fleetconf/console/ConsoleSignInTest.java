package io.fleetconf.console;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetconf.testing.Browser;
import io.fleetconf.testing.TestServer;
import io.fleetconf.testing.TestServer.Reply;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Cookie;

/** Signing in and out of the console, what a session may see and do, and the headers that guard it. */
class ConsoleSignInTest {
  private static final String CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
      + "connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";
  @RegisterExtension static final Browser browser = Browser.chromium();
  @RegisterExtension final TestServer server = TestServer.freshDemo();

  @Test
  void signsInWithATokenIntoAnHttpOnlyStrictCookieAndSignsOut() {
    browser.signIn(server, server.token(), "");
    Cookie cookie = browser.driver().manage().getCookieNamed("fleetconf_session");
    assertThat(cookie.isHttpOnly()).isTrue();
    assertThat(cookie.getSameSite()).isEqualTo("Strict");
    assertThat(cookie.getPath()).isEqualTo("/");
    assertThat(browser.text("#who")).isEqualTo("Signed in as admin");
    assertThat(browser.all("#devices tbody tr")).hasSize(5);
    String session = cookie.getValue();
    assertThat(withCookie("GET", "/console/session", session, Map.of()).status()).isEqualTo(200);

    browser.find("#sign-out").click();
    browser.until(d -> d.findElement(By.id("token")).isDisplayed());
    assertThat(browser.driver().manage().getCookieNamed("fleetconf_session")).isNull();
    Reply after = withCookie("GET", "/api/v1/fleet/status", session, Map.of());
    assertThat(after.status()).isEqualTo(401);
    assertThat(after.json().get("message").asText()).isEqualTo("the console session has ended; sign in again");
  }

  @Test
  void aWrongTokenIsRefusedAndGetsNoSession() {
    long failures = server.server().authFailures();
    browser.open(server, "");
    browser.type(By.id("token"), "fc_not-a-token");
    browser.find("#sign-in-form button").click();
    browser.until(d -> !d.findElement(By.id("sign-in-error")).getText().isEmpty());
    assertThat(browser.text("#sign-in-error")).isEqualTo(
        "that token cannot sign in: it is unknown, revoked, expired, or not an operator token");
    assertThat(browser.driver().manage().getCookieNamed("fleetconf_session")).isNull();
    assertThat(browser.find("#nav").isDisplayed()).isFalse();
    assertThat(server.server().authFailures()).as("only the refused sign-in counts").isEqualTo(failures + 1);
  }

  @Test
  void aDeviceTokenCannotSignIn() {
    String device = server.post("/api/v1/tokens", "{\"kind\":\"device\",\"device\":\"vv-lis-01\"}").json()
        .get("token").asText();
    Reply refused = signInOverHttp(device);
    assertThat(refused.status()).isEqualTo(401);
    assertThat(refused.headers()).doesNotContainKey("set-cookie");
  }

  @Test
  void anOperatorTokenSeesOnlyItsPrefixesAndMaskedSecrets() {
    assertThat(server.put("/api/v1/entries/global/common/dvr_password?secret=true", "\"s3cret-dvr\"").status())
        .isEqualTo(200);
    String operator = server.post("/api/v1/tokens", "{\"identity\":\"alice\",\"rules\":[\"read fleet/global/*\","
        + "\"read devices\"]}").json().get("token").asText();
    browser.signIn(server, operator, "#/config");
    assertThat(browser.text("#who")).isEqualTo("Signed in as alice (secrets masked)");
    browser.until(d -> !browser.all("#config nav.tree a").isEmpty());
    assertThat(browser.all("#config nav.tree summary").stream().map(e -> e.getText()).toList()).containsExactly("global");
    assertThat(browser.all("#config nav.tree a").stream().map(e -> e.getText()).toList()).containsExactly(
        "common", "common/dvr_password (secret)", "orchestrator", "self_monitor", "tv_scheduler");

    browser.go("#/device/vv-lis-01");
    assertThat(browser.text("#device tr[data-path='common/dvr_password'] [data-col=value]")).isEqualTo("********");
    assertThat(browser.driver().getPageSource()).doesNotContain("s3cret-dvr");

    browser.go("#/history");
    browser.until(d -> !browser.all("#history li[data-revision]").isEmpty());
    assertThat(browser.driver().getPageSource()).doesNotContain("s3cret-dvr").doesNotContain("groups/site/porto");
  }

  @Test
  void aChangeWithoutTheCsrfTokenIsRefusedAndChangesNothing() {
    Reply signedIn = signInOverHttp(server.token());
    assertThat(signedIn.status()).isEqualTo(200);
    String setCookie = signedIn.header("set-cookie");
    assertThat(setCookie).matches("fleetconf_session=[A-Za-z0-9_-]{43}; Path=/; Max-Age=28800; HttpOnly; SameSite=Strict");
    String session = setCookie.substring("fleetconf_session=".length(), setCookie.indexOf(';'));
    String csrf = signedIn.json().get("csrf").asText();
    long before = server.revision();

    Reply refused = withCookie("PUT", "/api/v1/entries/global/common/log_level", session, Map.of(), "\"debug\"");
    assertThat(refused.status()).isEqualTo(403);
    assertThat(refused.json().toString()).isEqualTo("{\"error\":\"csrf\",\"message\":\"this change needs the console"
        + " session's CSRF token in header X-Fleetconf-Csrf\"}");
    Reply wrong = withCookie("PUT", "/api/v1/entries/global/common/log_level", session,
        Map.of("X-Fleetconf-Csrf", csrf + "x"), "\"debug\"");
    assertThat(wrong.status()).isEqualTo(403);
    assertThat(withCookie("DELETE", "/console/session", session, Map.of()).status()).isEqualTo(403);
    assertThat(server.revision()).isEqualTo(before);

    Reply allowed = withCookie("PUT", "/api/v1/entries/global/common/log_level", session,
        Map.of("X-Fleetconf-Csrf", csrf, "X-Fleetconf-Source", "console"), "\"debug\"");
    assertThat(allowed.status()).as(allowed.body()).isEqualTo(200);
    assertThat(server.get("/api/v1/history?limit=1").json().at("/changeSets/0/source").asText()).isEqualTo("console");
  }

  @Test
  void aRevokedTokenEndsItsSessions() {
    Reply created = server.post("/api/v1/tokens", "{\"identity\":\"bob\",\"rules\":[\"read devices\"]}");
    Reply signedIn = signInOverHttp(created.json().get("token").asText());
    String setCookie = signedIn.header("set-cookie");
    String session = setCookie.substring("fleetconf_session=".length(), setCookie.indexOf(';'));
    assertThat(withCookie("GET", "/api/v1/fleet/status", session, Map.of()).status()).isEqualTo(200);
    assertThat(server.delete("/api/v1/tokens/" + created.json().get("id").asText()).status()).isEqualTo(200);
    assertThat(withCookie("GET", "/api/v1/fleet/status", session, Map.of()).status()).isEqualTo(401);
  }

  @Test
  void overTlsTheSessionCookieIsSecure(@TempDir Path tlsDir) {
    try (TestServer tls = TestServer.startTls(tlsDir)) {
      Reply signedIn = tls.sendWith("POST", "/console/session", ("{\"token\":\"" + tls.token() + "\"}")
          .getBytes(StandardCharsets.UTF_8), Map.of("Content-Type", "application/json"));
      assertThat(signedIn.status()).isEqualTo(200);
      assertThat(signedIn.header("set-cookie")).endsWith("; Path=/; Max-Age=28800; HttpOnly; SameSite=Strict; Secure");
    }
  }

  @Test
  void aSessionEndsWhenItsTokenExpires() {
    String shortLived = server.post("/api/v1/tokens", "{\"identity\":\"carol\",\"rules\":[\"read devices\"],"
        + "\"ttl\":\"2s\"}").json().get("token").asText();
    Reply signedIn = signInOverHttp(shortLived);
    assertThat(signedIn.status()).isEqualTo(200);
    String setCookie = signedIn.header("set-cookie");
    assertThat(setCookie).contains("; Max-Age=2;");
    String session = setCookie.substring("fleetconf_session=".length(), setCookie.indexOf(';'));
    assertThat(withCookie("GET", "/api/v1/fleet/status", session, Map.of()).status()).isEqualTo(200);
    io.fleetconf.testing.Eventually.eventually(java.time.Duration.ofSeconds(20), "the session ends with its token",
        () -> withCookie("GET", "/api/v1/fleet/status", session, Map.of()).status() == 401);
  }

  @Test
  void theCspForbidsInlineScriptAndAnyOtherOrigin() {
    for (String path : new String[] {"/console", "/console/console.js", "/console/core.js", "/console/console.css"}) {
      Reply page = server.sendWith("GET", path, null, Map.of());
      assertThat(page.status()).isEqualTo(200);
      assertThat(page.header("content-security-policy")).as(path).isEqualTo(CSP);
      assertThat(page.header("x-content-type-options")).isEqualTo("nosniff");
    }
    String html = server.sendWith("GET", "/console", null, Map.of()).body();
    assertThat(html).doesNotContain("<script>").doesNotContain("style=").doesNotContain("http://")
        .doesNotContain("https://");

    browser.signIn(server, server.token(), "");
    browser.script("window.violations = [];"
        + " document.addEventListener('securitypolicyviolation', e => window.violations.push(e.violatedDirective));"
        + " const s = document.createElement('script'); s.textContent = 'window.inlineRan = true;';"
        + " document.body.append(s);"
        + " const e = document.createElement('script'); e.src = 'https://example.org/x.js';"
        + " e.onload = () => window.externalRan = true; document.body.append(e);");
    browser.until(d -> ((Number) browser.script("return window.violations.length")).intValue() == 2);
    assertThat(browser.script("return window.violations.slice().sort()")).isEqualTo(
        java.util.List.of("script-src-elem", "script-src-elem"));
    assertThat(browser.script("return window.inlineRan === true || window.externalRan === true")).isEqualTo(false);
  }

  private Reply signInOverHttp(String token) {
    return server.sendWith("POST", "/console/session", ("{\"token\":\"" + token + "\"}").getBytes(StandardCharsets.UTF_8),
        Map.of("Content-Type", "application/json"));
  }

  private Reply withCookie(String method, String path, String session, Map<String, String> headers) {
    return withCookie(method, path, session, headers, null);
  }

  private Reply withCookie(String method, String path, String session, Map<String, String> headers, String body) {
    Map<String, String> all = new java.util.LinkedHashMap<>(headers);
    all.put("Cookie", "fleetconf_session=" + session);
    if (body != null) {
      all.put("Content-Type", "application/json");
    }
    return server.sendWith(method, path, body == null ? null : body.getBytes(StandardCharsets.UTF_8), all);
  }
}
