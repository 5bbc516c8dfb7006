package io.fleetconf.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedCondition;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Debian's headless Chromium, driven by its chromium-driver through Selenium: what the console's
 * tests see and do. One per test class ({@code @RegisterExtension static final Browser browser =
 * Browser.chromium()}); {@link #signIn} starts each test on a fresh page. A module
 * whose tests use it declares Selenium in its own test scope (here it is optional).
 */
public final class Browser implements AutoCloseable, BeforeAllCallback, AfterAllCallback {
  public static final Duration WAIT = Duration.ofSeconds(20);
  private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  private static final Path DRIVER = Path.of("/usr/bin/chromedriver");
  private ChromeDriver driver;

  private Browser() {}

  /** A browser for a static JUnit extension field: started before the class's tests, quit after them. */
  public static Browser chromium() {
    return new Browser();
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    start();
  }

  @Override
  public void afterAll(ExtensionContext context) {
    close();
  }

  private void start() {
    if (!Files.isExecutable(CHROMIUM) || !Files.isExecutable(DRIVER)) {
      throw new IllegalStateException("the console's tests need Debian's chromium and chromium-driver:"
          + " apt-get install chromium chromium-driver (.ci/run does)");
    }
    ChromeOptions options = new ChromeOptions().setBinary(CHROMIUM.toFile())
        .addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
            "--window-size=1280,900", "--lang=en");
    ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(DRIVER.toFile())
        .usingAnyFreePort().build();
    driver = new ChromeDriver(service, options);
  }

  public WebDriver driver() {
    return driver;
  }

  /** Opens the console of {@code server} afresh, signed out. */
  public void open(TestServer server, String hash) {
    driver.manage().window().setSize(new Dimension(1280, 900));
    driver.get(server.uri() + "/console" + hash);
    driver.manage().deleteAllCookies();
    driver.get(server.uri() + "/console" + hash);
    until(d -> d.findElement(By.id("token")).isDisplayed());
  }

  /** Opens the console and signs in with {@code token}; waits until the fleet page is drawn. */
  public void signIn(TestServer server, String token, String hash) {
    open(server, hash);
    type(By.id("token"), token);
    driver.findElement(By.cssSelector("#sign-in-form button")).click();
    until(d -> !d.findElement(By.id("sign-in")).isDisplayed() && d.findElement(By.id("who")).getText().startsWith(
        "Signed in as"));
  }

  public void go(String hash) {
    driver.executeScript("location.hash = arguments[0]", hash);
  }

  public void type(By field, String text) {
    WebElement element = driver.findElement(field);
    element.clear();
    element.sendKeys(text);
  }

  public WebElement find(String css) {
    return until(d -> d.findElement(By.cssSelector(css)));
  }

  public List<WebElement> all(String css) {
    return driver.findElements(By.cssSelector(css));
  }

  /** The element's text, found and read in one go: a page that re-renders in between is read again. */
  public String text(String css) {
    return until(d -> d.findElement(By.cssSelector(css)).getText());
  }

  /** Waits for the condition (a failed lookup counts as not yet), up to {@link #WAIT}. */
  public <T> T until(ExpectedCondition<T> condition) {
    return new WebDriverWait(driver, WAIT).ignoring(org.openqa.selenium.NoSuchElementException.class)
        .ignoring(org.openqa.selenium.StaleElementReferenceException.class).until(condition);
  }

  public Object script(String code, Object... args) {
    return ((JavascriptExecutor) driver).executeScript(code, args);
  }

  /**
   * Saves a screenshot, with the element {@code css} in view, as {@code <name>.png} under the
   * module's {@code target/console-screenshots}; with {@code -Dfleetconf.screenshots=docs}, as
   * {@code docs/console/<name>.png} of the repository (docs/console.md shows them), so that a test
   * run does not leave the documentation modified unless asked to refresh it.
   */
  public void screenshot(String name, String css) {
    script("document.querySelector(arguments[0]).scrollIntoView({block: 'end'})", css);
    Path docs = Path.of("..", "docs");
    Path dir = "docs".equals(System.getProperty("fleetconf.screenshots")) && Files.isDirectory(docs)
        ? docs.resolve("console") : Path.of("target", "console-screenshots");
    try {
      Files.createDirectories(dir);
      Path shot = ((TakesScreenshot) driver).getScreenshotAs(OutputType.FILE).toPath();
      Files.move(shot, dir.resolve(name + ".png"), StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot save the screenshot " + name, e);
    }
  }

  @Override
  public void close() {
    if (driver != null) {
      driver.quit();
      driver = null;
    }
  }
}
