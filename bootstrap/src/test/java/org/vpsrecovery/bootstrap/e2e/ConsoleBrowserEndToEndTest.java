package org.vpsrecovery.bootstrap.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.vpsrecovery.bootstrap.e2e.RunningPlatform.AUDITOR_TOKEN;
import static org.vpsrecovery.bootstrap.e2e.RunningPlatform.DEMO_TOKEN;
import static org.vpsrecovery.bootstrap.e2e.RunningPlatform.OTHER_TOKEN;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.Cookie;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.TimeoutException;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.vpsrecovery.simulator.SimulatorOptions;

/**
 * The console in a real browser: Debian's chromium, headless, driven by its chromium-driver (ADR 0041).
 * Signing in by keyboard alone, the dashboard, the timeline's filters and pages, signing out, a
 * forged CSRF token refused, a team kept from another team's server. Screenshots of the main pages go
 * to {@code bootstrap/target/console-screenshots/} (the README's, in docs/console/, are copies).
 *
 * <p>Without chromium and chromium-driver the tests are skipped with a message, unless
 * {@code CI_REQUIRE_CHROMIUM} is set, as {@code .ci/run} sets it: then they fail.
 */
class ConsoleBrowserEndToEndTest {

    @RegisterExtension
    static final PlatformOnSimulator SETUP = new PlatformOnSimulator(
            SimulatorOptions.defaults(),
            Map.of("vpsr.tracking.every", "1h", "vpsr.reconcile.every", "1h"));

    static WebDriver browser;
    static String base;
    static final Path SCREENSHOTS = Path.of("target", "console-screenshots");

    @BeforeAll
    static void start() {
        Optional<Path> driver = executable("chromedriver");
        Optional<Path> chromium = executable("chromium");
        if ((driver.isEmpty() || chromium.isEmpty()) && System.getenv("CI_REQUIRE_CHROMIUM") != null) {
            throw new IllegalStateException("CI_REQUIRE_CHROMIUM is set but chromium or chromium-driver is not installed "
                    + "(.ci/run installs them)");
        }
        if (driver.isEmpty() || chromium.isEmpty()) {
            System.err.println("SKIPPED ConsoleBrowserEndToEndTest: chromium and chromium-driver are not installed "
                    + "(apt-get install -y chromium chromium-driver)");
        }
        assumeThat(driver.isPresent() && chromium.isPresent())
                .as("chromium and chromium-driver are not installed (apt-get install -y chromium chromium-driver)").isTrue();
        for (int i = 0; i < 4; i++) {
            SETUP.platform().send("POST", "/api/v1/snapshots/", DEMO_TOKEN,
                    "{\"server_id\": 12345, \"name\": \"browser-" + i + "\"}", Map.of("X-Request-Id", "browser-seed-" + i));
        }
        SETUP.platform().send("POST", "/api/v1/snapshots/", OTHER_TOKEN, "{\"server_id\": 23456, \"name\": \"other\"}",
                Map.of("X-Request-Id", "browser-seed-other"));
        base = SETUP.platform().server.getURL().toString();
        ChromeOptions options = new ChromeOptions();
        options.setBinary(chromium.get().toFile());
        // --no-sandbox: CI runs as root, where chromium's sandbox cannot start.
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--window-size=1200,800", "--lang=en");
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(driver.get().toFile())
                .usingAnyFreePort().build();
        browser = new ChromeDriver(service, options);
        browser.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(20));
    }

    @AfterAll
    static void stop() {
        if (browser != null) {
            browser.quit();
        }
    }

    @AfterEach
    void signedOut() {
        browser.manage().deleteAllCookies();
    }

    private static Optional<Path> executable(String name) {
        for (String directory : (System.getenv().getOrDefault("PATH", "/usr/bin:/bin") + ":/usr/bin").split(":")) {
            Path candidate = Path.of(directory, name);
            if (Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    private static void open(String path) {
        browser.get(base + path);
    }

    /** Waits for the navigation a click or key started to show the page with this heading. */
    private static void awaitHeading(String expected) {
        try {
            new WebDriverWait(browser, Duration.ofSeconds(10))
                    .until(ExpectedConditions.textToBe(By.tagName("h1"), expected));
        } catch (TimeoutException e) {
            throw new AssertionError("expected the page headed \"" + expected + "\" on " + browser.getCurrentUrl()
                    + ":\n" + browser.getPageSource(), e);
        }
    }

    private static void signIn(String token) {
        open("/console/sign-in");
        browser.findElement(By.id("token")).sendKeys(token);
        browser.findElement(By.id("sign-in")).click();
        awaitHeading("Recoverability");
    }

    private static void screenshot(String name) {
        try {
            Files.createDirectories(SCREENSHOTS);
            Files.write(SCREENSHOTS.resolve(name + ".png"), ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void signingInTakesTheKeyboardAloneAndLandsOnTheDashboard() {
        open("/console/sign-in");
        assertThat(browser.findElement(By.tagName("html")).getAttribute("lang")).isEqualTo("en");
        screenshot("sign-in");
        // The token field has the focus; Tab goes to the team, then to the button; Enter signs in.
        WebElement focused = browser.switchTo().activeElement();
        assertThat(focused.getAttribute("id")).isEqualTo("token");
        assertThat(browser.findElement(By.cssSelector("label[for=token]")).getText()).isEqualTo("Token");
        focused.sendKeys(DEMO_TOKEN);
        focused.sendKeys(Keys.TAB);
        assertThat(browser.switchTo().activeElement().getAttribute("id")).isEqualTo("team");
        browser.switchTo().activeElement().sendKeys(Keys.TAB);
        WebElement button = browser.switchTo().activeElement();
        assertThat(button.getAttribute("id")).isEqualTo("sign-in");
        // Focus is visible: the focused button has an outline.
        assertThat(button.getCssValue("outline-style")).isNotEqualTo("none");
        button.sendKeys(Keys.ENTER);

        awaitHeading("Recoverability");
        assertThat(browser.findElement(By.id("signed-in-as")).getText()).isEqualTo("demo/default");
        WebElement row = browser.findElement(By.xpath("//table[@id='servers']//tr[th='12345']"));
        assertThat(row.findElement(By.cssSelector(".state")).getText()).isEqualTo("Within target");
        assertThat(browser.manage().getCookieNamed("vpsr_console").isHttpOnly()).isTrue();
        assertThat(browser.getPageSource()).doesNotContain(DEMO_TOKEN);
        screenshot("dashboard");
    }

    @Test
    void theTimelineFiltersAndPagesOlderEvents() {
        signIn(DEMO_TOKEN);
        browser.findElement(By.linkText("Audit timeline")).click();
        awaitHeading("Audit timeline");
        new Select(browser.findElement(By.id("f-operation"))).selectByValue("create_snapshot");
        new Select(browser.findElement(By.id("f-outcome"))).selectByValue("accepted");
        browser.findElement(By.id("f-limit")).sendKeys("2");
        browser.findElement(By.id("apply-filters")).click();
        new WebDriverWait(browser, Duration.ofSeconds(10)).until(ExpectedConditions.urlContains("limit=2"));

        assertThat(browser.getCurrentUrl()).as("empty fields left out of the address")
                .endsWith("/console/audit/events?operation=create_snapshot&outcome=accepted&limit=2");
        List<String> first = sequences();
        assertThat(first).hasSize(2);
        assertThat(browser.findElements(By.cssSelector("#events td:nth-child(4)"))).extracting(WebElement::getText)
                .containsOnly("create_snapshot");
        screenshot("timeline");
        browser.findElement(By.id("next-page")).click();
        new WebDriverWait(browser, Duration.ofSeconds(10)).until(ExpectedConditions.urlContains("cursor="));
        List<String> second = sequences();
        assertThat(second).isNotEmpty().doesNotContainAnyElementsOf(first);
        assertThat(Long.parseLong(second.get(0))).isLessThan(Long.parseLong(first.get(1)));
        assertThat(new Select(browser.findElement(By.id("f-operation"))).getFirstSelectedOption().getAttribute("value"))
                .as("the filters stay on the next page").isEqualTo("create_snapshot");
        assertThat(browser.findElement(By.id("csv-export")).getAttribute("href"))
                .contains("/console/audit/events.csv?operation=create_snapshot&outcome=accepted");
    }

    private static List<String> sequences() {
        return browser.findElements(By.cssSelector("#events tbody th")).stream().map(WebElement::getText).toList();
    }

    @Test
    void signingOutEndsTheSession() {
        signIn(DEMO_TOKEN);
        browser.findElement(By.id("sign-out")).click();

        awaitHeading("Sign in to the vps-recovery console");
        open("/console/");
        awaitHeading("Sign in to the vps-recovery console");
        assertThat(browser.getCurrentUrl()).endsWith("/console/sign-in");
    }

    @Test
    void aFormWithAForgedCsrfTokenIsRefused() {
        signIn(DEMO_TOKEN);
        WebElement csrf = browser.findElement(By.cssSelector("form.sign-out input[name=csrf]"));
        ((JavascriptExecutor) browser).executeScript("arguments[0].value = 'forged'", csrf);
        browser.findElement(By.id("sign-out")).click();

        awaitHeading("The form was refused");
        open("/console/");
        awaitHeading("Recoverability");
    }

    @Test
    void aTeamCannotSeeAnotherTeamsServer() {
        signIn(OTHER_TOKEN);
        assertThat(browser.findElements(By.cssSelector("#servers tbody th"))).extracting(WebElement::getText)
                .containsExactly("23456");
        // Its snapshot may or may not be complete at VPS.org yet: either way a state in words, never the other team's.
        assertThat(browser.findElement(By.cssSelector("#servers .state")).getText()).isIn("No recovery point", "Within target");

        open("/console/audit/events?server_id=12345");
        assertThat(browser.findElement(By.id("no-events")).getText()).isEqualTo("No events match.");
        open("/console/audit/events?team=demo");
        awaitHeading("Not for this sign-in");
        assertThat(browser.getPageSource()).doesNotContain("Exception");
    }

    @Test
    void anAuditorSeesTheChainTheSummaryAndTheOperationsInFlight() {
        signIn(AUDITOR_TOKEN);
        browser.findElement(By.linkText("Audit chain")).click();
        awaitHeading("Audit chain");
        assertThat(browser.findElement(By.id("chain-state")).getText()).isEqualTo("Intact");
        screenshot("chain");
        browser.findElement(By.linkText("Summary")).click();
        awaitHeading("Summary");
        WebElement chart = browser.findElement(By.id("chart-per-bucket"));
        assertThat(chart.getAttribute("role")).isEqualTo("img");
        assertThat(chart.findElements(By.cssSelector("rect.bar"))).isNotEmpty();
        screenshot("summary");
        browser.findElement(By.linkText("Operations in flight")).click();
        awaitHeading("Operations in flight");
        assertThat(browser.findElements(By.cssSelector("#operations progress"))).isNotEmpty();
        screenshot("operations");
    }

    /**
     * The export link carried {@code download}: a browser saved whatever answered as a file, so an ended session's
     * export saved the sign-in page as a CSV and stayed on the timeline. It shows the sign-in page, saying why, and
     * signing in comes back to the timeline (review of session 52).
     */
    @Test
    void anEndedSessionsExportShowsTheSignInPageAndComesBackToTheTimeline() {
        signIn(DEMO_TOKEN);
        open("/console/audit/events?operation=create_snapshot");
        awaitHeading("Audit timeline");
        browser.manage().deleteCookieNamed("vpsr_console");
        browser.manage().addCookie(new Cookie("vpsr_console", "e".repeat(43), "/console"));

        browser.findElement(By.id("csv-export")).click();

        awaitHeading("Sign in to the vps-recovery console");
        assertThat(browser.findElement(By.id("sign-in-notice")).getText()).isEqualTo("Your session ended; sign in again.");
        browser.findElement(By.id("token")).sendKeys(DEMO_TOKEN);
        browser.findElement(By.id("sign-in")).click();
        awaitHeading("Audit timeline");
        assertThat(browser.getCurrentUrl()).endsWith("/console/audit/events?operation=create_snapshot");
    }

    /** At a phone's width the navigation wrapped off the page and the tables widened it (review of session 52). */
    @Test
    void atAPhonesWidthNothingWidensThePage() {
        signIn(AUDITOR_TOKEN);
        Dimension before = browser.manage().window().getSize();
        browser.manage().window().setSize(new Dimension(375, 740));
        try {
            for (String path : List.of("/console/", "/console/audit/events", "/console/operations", "/console/audit/summary")) {
                open(path);
                JavascriptExecutor js = (JavascriptExecutor) browser;
                long viewport = ((Number) js.executeScript("return document.documentElement.clientWidth")).longValue();
                long page = ((Number) js.executeScript("return document.documentElement.scrollWidth")).longValue();
                long nav = ((Number) js.executeScript("var items = document.querySelectorAll('nav ul li'); var r = 0;"
                        + " items.forEach(li => r = Math.max(r, li.getBoundingClientRect().right)); return Math.ceil(r)"))
                        .longValue();
                assertThat(page).as(path + ": the page's width").isLessThanOrEqualTo(viewport);
                assertThat(nav).as(path + ": the navigation's right edge").isLessThanOrEqualTo(viewport);
            }
            screenshot("timeline-phone");
        } finally {
            browser.manage().window().setSize(before);
        }
    }
}
