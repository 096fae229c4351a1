/*
 * Copyright 2026 the switchman authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package io.switchman.sample;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.switchman.core.Acquisition;
import io.switchman.core.GrantRequest;
import io.switchman.core.SwitchmanEngine;
import io.switchman.spring.boot.autoconfigure.SwitchmanEmbeddedZooKeeper;
import io.switchman.spring.boot.autoconfigure.SwitchmanRunner;
import io.switchman.spring.boot.autoconfigure.SwitchmanRunner.RunResult;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The console in a real Chromium (Debian's {@code chromium} and {@code chromium-driver}, which
 * {@code .ci/run} installs): two sample-app instances, alpha (with the embedded ZooKeeper) and
 * beta, and alpha's console. It shows a lock beta takes within 2 s; pausing from the page makes
 * beta skip the job; resuming lets it run again; aborting from the page interrupts the long job.
 * Saves a screenshot to {@code target/console.png} (and {@code docs/console.png} with {@code
 * -Dconsole.screenshot.update=true}).
 */
@ExtendWith(OutputCaptureExtension.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SwitchmanConsoleBrowserTests {

  private static ConfigurableApplicationContext alpha;
  private static ConfigurableApplicationContext beta;
  private static ChromeDriver browser;
  private static Path profile;

  @BeforeAll
  static void start() throws IOException {
    alpha =
        app(
            "--switchman.host=alpha",
            "--switchman.embedded.enabled=true",
            "--switchman.embedded.port=0");
    String zk = alpha.getBean(SwitchmanEmbeddedZooKeeper.class).connectString();
    beta =
        app(
            "--switchman.host=beta",
            "--switchman.embedded.enabled=false",
            "--switchman.connect-string=" + zk);
    profile = Files.createTempDirectory("switchman-chromium-");
    ChromeOptions options = new ChromeOptions();
    options.setBinary(executable("chromium"));
    options.addArguments(
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--window-size=1280,1400",
        "--user-data-dir=" + profile);
    ChromeDriverService service =
        new ChromeDriverService.Builder()
            .usingDriverExecutable(new File(executable("chromedriver")))
            .usingAnyFreePort()
            .build();
    browser = new ChromeDriver(service, options);
    browser.get("http://localhost:" + port(alpha) + "/switchman");
    try {
      waitFor(Duration.ofSeconds(20)).until(d -> text("#connection").startsWith("Live"));
    } catch (RuntimeException e) {
      throw new AssertionError(
          "The console did not go live: " + text("#connection") + "\n" + browser.getPageSource(),
          e);
    }
  }

  private static ConfigurableApplicationContext app(String... args) {
    return new SpringApplicationBuilder(SampleApplication.class)
        .run(
            Stream.concat(
                    Stream.of(
                        "--server.port=0",
                        "--switchman.session-timeout=4s",
                        "--switchman.stop-timeout=1s"),
                    Stream.of(args))
                .toArray(String[]::new));
  }

  private static String executable(String name) {
    for (String dir : List.of("/usr/bin", "/usr/lib/chromium", "/usr/local/bin")) {
      File f = new File(dir, name);
      if (f.canExecute()) {
        return f.getPath();
      }
    }
    throw new IllegalStateException(
        name + " not found in /usr/bin: apt-get install chromium chromium-driver (.ci/run does)");
  }

  @AfterAll
  static void stop() throws IOException {
    if (browser != null) {
      browser.quit();
    }
    if (beta != null) {
      beta.close();
    }
    if (alpha != null) {
      alpha.close();
    }
    if (profile != null) {
      try (Stream<Path> files = Files.walk(profile)) {
        files.sorted(Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
      }
    }
  }

  @Test
  @Order(1)
  void pageShouldShowALockHeldByTheOtherInstanceWithin2Seconds() throws Exception {
    SwitchmanEngine engine = beta.getBean(SwitchmanEngine.class);
    long start = System.nanoTime();
    Acquisition a = engine.acquire(GrantRequest.builder("console-probe").build());
    assertThat(a.grant()).isNotNull();
    try {
      By row = By.cssSelector("tr[data-lock='console-probe']");
      waitFor(Duration.ofSeconds(2)).until(d -> !d.findElements(row).isEmpty());
      long shownMs = (System.nanoTime() - start) / 1_000_000;
      System.out.println("MEASURE console shows a new lock after " + shownMs + " ms");
      assertThat(cell(row, "Holder")).isEqualTo("beta");
      assertThat(cell(row, "PID")).isEqualTo(String.valueOf(ProcessHandle.current().pid()));
      assertThat(cell(row, "Fencing token")).isEqualTo(String.valueOf(a.grant().fencingToken()));
      assertThat(cell(row, "State")).isEqualTo("Held");
    } finally {
      a.grant().release();
    }
    waitFor(Duration.ofSeconds(2))
        .until(d -> d.findElements(By.cssSelector("tr[data-lock='console-probe']")).isEmpty());
  }

  @Test
  @Order(2)
  void pauseFromThePageShouldMakeTheOtherInstanceSkipAndResumeLetItRunAgain(CapturedOutput output)
      throws Exception {
    SwitchmanRunner betaJobs = beta.getBean(SwitchmanRunner.class);
    By pausedRow = By.cssSelector("tr[data-lock='sample-export'][data-paused='true']");
    // The pause is refused while a run holds the lock (a few ms every 6 s): try again then.
    await()
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(500))
        .until(
            () -> {
              if (browser.findElements(pausedRow).isEmpty()) {
                // by keyboard: Enter on the button, type the reason, Enter confirms
                waitFor(Duration.ofSeconds(5))
                    .ignoring(StaleElementReferenceException.class)
                    .until(
                        d -> {
                          d.findElement(
                                  By.cssSelector(
                                      "tr[data-job='sample-export'] button[data-action='pause']"))
                              .sendKeys(Keys.ENTER);
                          return true;
                        });
                WebElement reason = browser.findElement(By.id("confirm-reason"));
                waitFor(Duration.ofSeconds(5)).until(d -> reason.isDisplayed());
                reason.sendKeys("db1 maintenance", Keys.ENTER);
                waitFor(Duration.ofSeconds(5))
                    .until(
                        d ->
                            !text("#result").isEmpty()
                                && !text("#result").startsWith("Pause \u2018"));
              }
              return !browser.findElements(pausedRow).isEmpty();
            });
    assertThat(cell(pausedRow, "State"))
        .startsWith("Paused by alpha")
        .endsWith(": db1 maintenance");
    assertThat(text("#result")).contains("sample-export");
    screenshot();

    RunResult skipped = betaJobs.run("sample-export");
    assertThat(skipped.ran()).isFalse();
    assertThat(skipped.outcome()).isEqualTo("paused");
    assertThat(skipped.detail()).contains("paused by alpha").contains("db1 maintenance");

    click(pausedRow, "resume");
    browser.findElement(By.id("confirm-ok")).click();
    waitFor(Duration.ofSeconds(5)).until(d -> d.findElements(pausedRow).isEmpty());
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () ->
                assertThat(output.getOut()).contains("[fencing] beta exports with fencing token"));
    RunResult ran = betaJobs.run("sample-export");
    assertThat(ran.outcome()).isIn("acquired", "busy");
  }

  @Test
  @Order(3)
  void abortFromThePageShouldInterruptTheLongJob(CapturedOutput output) {
    By row = By.cssSelector("tr[data-lock='sample-rebuild'][data-paused='false']");
    waitFor(Duration.ofSeconds(30)).until(d -> !d.findElements(row).isEmpty());
    String holder = cell(row, "Holder");
    assertThat(holder).isIn("alpha", "beta");
    click(row, "abort");
    browser.findElement(By.id("confirm-reason")).sendKeys("wrong index");
    browser.findElement(By.id("confirm-ok")).click();
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () ->
                assertThat(output.getOut())
                    .contains("[long] " + holder + " stopped rebuilding the index: interrupted"));
    assertThat(text("#result")).contains("sample-rebuild");
  }

  @Test
  @Order(4)
  void pageShouldBeReadableAtPhoneWidth() throws IOException {
    browser.manage().window().setSize(new Dimension(390, 844));
    try {
      Long overflow =
          (Long)
              ((JavascriptExecutor) browser)
                  .executeScript(
                      "return document.documentElement.scrollWidth"
                          + " - document.documentElement.clientWidth;");
      assertThat(overflow).as("horizontal overflow at 390 px").isLessThanOrEqualTo(0L);
      Files.copy(
          browser.getScreenshotAs(OutputType.FILE).toPath(),
          Paths.get("target", "console-phone.png"),
          StandardCopyOption.REPLACE_EXISTING);
    } finally {
      browser.manage().window().setSize(new Dimension(1280, 1400));
    }
  }

  private static void screenshot() throws IOException {
    Path shot = browser.getScreenshotAs(OutputType.FILE).toPath();
    Files.createDirectories(Paths.get("target"));
    Files.copy(shot, Paths.get("target", "console.png"), StandardCopyOption.REPLACE_EXISTING);
    if (Boolean.getBoolean("console.screenshot.update")) {
      Files.copy(shot, Paths.get("..", "docs", "console.png"), StandardCopyOption.REPLACE_EXISTING);
    }
  }

  /** The text of a row's cell; the row is found afresh, as every update re-renders the tables. */
  private static String cell(By row, String label) {
    return waitFor(Duration.ofSeconds(5))
        .ignoring(StaleElementReferenceException.class)
        .until(
            d ->
                d.findElement(row)
                    .findElement(By.cssSelector("td[data-label='" + label + "']"))
                    .getText()
                    .trim());
  }

  /** Clicks a button of a row, found afresh. */
  private static void click(By row, String action) {
    waitFor(Duration.ofSeconds(5))
        .ignoring(StaleElementReferenceException.class)
        .until(
            d -> {
              d.findElement(row)
                  .findElement(By.cssSelector("button[data-action='" + action + "']"))
                  .click();
              return true;
            });
  }

  private static String text(String css) {
    List<WebElement> e = browser.findElements(By.cssSelector(css));
    return e.isEmpty() ? "" : e.get(0).getText().trim();
  }

  private static int port(ConfigurableApplicationContext context) {
    return Integer.parseInt(context.getEnvironment().getProperty("local.server.port", "0"));
  }

  private static WebDriverWait waitFor(Duration d) {
    WebDriverWait w = new WebDriverWait(browser, d, Duration.ofMillis(50));
    return w;
  }
}
