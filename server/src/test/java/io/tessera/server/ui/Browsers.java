package io.tessera.server.ui;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Headless Chromium for the web page's tests: Debian's {@code /usr/bin/chromium} driven through its
 * {@code /usr/bin/chromedriver}, both given explicitly so Selenium Manager has nothing to find and never
 * downloads. Each {@link Context} is a chromedriver session of its own (its own profile folder and
 * download folder): two users signed in side by side, or a visitor with no sign-in.
 */
final class Browsers implements AutoCloseable {
    static final String CHROMIUM = "/usr/bin/chromium";
    static final String CHROMEDRIVER = "/usr/bin/chromedriver";
    static final Duration WAIT = Duration.ofSeconds(20);

    private final String baseUrl;
    private final Path screenshots;
    private final Path scratch;
    private final List<Context> open = new ArrayList<>();
    private int step;

    /** Fails (never skips) where the browser is missing. */
    Browsers(String baseUrl, String testName) throws IOException {
        for (String exe : new String[] {CHROMIUM, CHROMEDRIVER}) {
            if (!Files.isExecutable(Path.of(exe))) {
                throw new AssertionError(exe + " is missing: scripts/install-test-deps.sh installs Debian's chromium "
                        + "and chromium-driver (the browser tests never download a browser)");
            }
        }
        this.baseUrl = baseUrl;
        this.screenshots = Files.createDirectories(Path.of("target", "ui-screenshots", testName));
        try (var old = Files.list(screenshots)) { // a run's screenshots only, not the last run's too
            for (Path p : (Iterable<Path>) old::iterator) {
                Files.deleteIfExists(p);
            }
        }
        this.scratch = Files.createTempDirectory("tessera-ui-");
    }

    /** A fresh browser: its own chromedriver, profile and download folder. */
    Context open(String name) throws IOException {
        Path profile = Files.createDirectories(scratch.resolve(name + "-profile"));
        Path downloads = Files.createDirectories(scratch.resolve(name + "-downloads"));
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File(CHROMEDRIVER))
                .usingAnyFreePort()
                .build();
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM);
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--window-size=1280,900", "--user-data-dir=" + profile);
        Map<String, Object> prefs = new HashMap<>();
        prefs.put("download.default_directory", downloads.toString());
        prefs.put("download.prompt_for_download", false);
        options.setExperimentalOption("prefs", prefs);
        options.setCapability("goog:loggingPrefs", Map.of("browser", "ALL")); // the page's console, for consoleErrors()
        ChromeDriver driver = new ChromeDriver(service, options);
        // Headless Chromium keeps downloads only where told to, through CDP.
        driver.executeCdpCommand("Browser.setDownloadBehavior", Map.of("behavior", "allow",
                "downloadPath", downloads.toString(), "eventsEnabled", true));
        Context c = new Context(name, driver, downloads);
        open.add(c);
        return c;
    }

    /** Screenshots of every open context, numbered in the order of the scenario's steps. */
    void screenshot(String label) throws IOException {
        step++;
        for (Context c : open) {
            byte[] png = c.driver.getScreenshotAs(OutputType.BYTES);
            Files.write(screenshots.resolve(String.format("%02d-%s-%s.png", step, label, c.name)), png);
        }
    }

    /**
     * Runs a scenario; when it fails, every context's screen is kept as {@code nn-failed-<context>.png} and
     * its console is printed, so a red run shows where the page stood.
     */
    void run(Step scenario) throws Exception {
        try {
            scenario.run();
        } catch (Exception | AssertionError e) {
            try {
                screenshot("failed");
                for (Context c : open) {
                    System.err.println("console of " + c.name + ": " + c.console());
                }
            } catch (RuntimeException | IOException ignored) {
                // the failure itself is what matters
            }
            throw e;
        }
    }

    interface Step {
        void run() throws Exception;
    }

    @Override
    public void close() {
        for (Context c : open) {
            try {
                c.driver.quit();
            } catch (RuntimeException ignored) {
                // the others still close
            }
        }
        open.clear();
    }

    /** One browser and what the tests do in it, by the page's data-test hooks only. */
    final class Context {
        final String name;
        final ChromeDriver driver;
        final Path downloads;
        final WebDriverWait wait;

        Context(String name, ChromeDriver driver, Path downloads) {
            this.name = name;
            this.driver = driver;
            this.downloads = downloads;
            this.wait = new WebDriverWait(driver, WAIT);
        }

        /** What the page wrote to its console (CSP violations and uncaught errors are SEVERE). */
        List<String> console() {
            return driver.manage().logs().get("browser").getAll().stream()
                    .map(e -> e.getLevel() + " " + e.getMessage()).toList();
        }

        List<String> consoleErrors() {
            // Chromium's own pages (the first tab's chrome://) are not the page's.
            // A refused request is logged as "Failed to load resource" (a 409 is the hashmap protocol's
            // "blocks missing", a 403 a refusal the page shows): those are the scenario's, not errors.
            return console().stream().filter(l -> l.startsWith("SEVERE") && !l.startsWith("SEVERE chrome://")
                    && !l.contains("Failed to load resource")).toList();
        }

        void go(String path) {
            driver.get(baseUrl + path);
        }

        static By hook(String test) {
            return By.cssSelector("[data-test=\"" + test + "\"]");
        }

        static By row(String name) {
            return By.cssSelector("[data-test=\"row\"][data-name=\"" + name.replace("\\", "\\\\").replace("\"", "\\\"") + "\"]");
        }

        WebElement visible(By by) {
            return wait.until(ExpectedConditions.visibilityOfElementLocated(by));
        }

        WebElement visible(String test) {
            return visible(hook(test));
        }

        WebElement clickable(By by) {
            return wait.until(ExpectedConditions.elementToBeClickable(by));
        }

        void click(String test) {
            clickable(hook(test)).click();
        }

        void signIn(String user, String key) {
            go("/ui/");
            visible("signin-user").clear();
            driver.findElement(hook("signin-user")).sendKeys(user);
            driver.findElement(hook("signin-key")).sendKeys(key);
            click("signin-submit");
            wait.until(ExpectedConditions.textToBePresentInElementLocated(hook("whoami"), user.substring(user.indexOf(':') + 1)));
        }

        /** A row's action: inline, or behind the row's menu. */
        void rowAction(String rowName, String action) {
            WebElement r = visible(row(rowName));
            List<WebElement> inline = r.findElements(hook(action));
            if (inline.isEmpty() || !inline.get(0).isDisplayed()) {
                List<WebElement> menu = r.findElements(By.cssSelector("[data-test=row-menu], button[aria-haspopup]"));
                if (!menu.isEmpty()) {
                    menu.get(0).click();
                }
            }
            WebElement button = wait.until(d -> {
                List<WebElement> now = r.findElements(hook(action));
                if (!now.isEmpty() && now.get(0).isDisplayed()) {
                    return now.get(0);
                }
                List<WebElement> anywhere = d.findElements(hook(action));
                return anywhere.stream().filter(WebElement::isDisplayed).findFirst().orElse(null);
            });
            try {
                button.click();
            } catch (org.openqa.selenium.ElementClickInterceptedException covered) {
                // The uploads panel (bottom right) covers the actions of the rows beneath it: a user would
                // fold it; the test presses the button itself (reported to VIEWS).
                driver.executeScript("arguments[0].click()", button);
            }
        }

        /** Waits for one finished file in the download folder (Chromium writes .crdownload until done). */
        Path downloaded(String fileName) {
            Path file = downloads.resolve(fileName);
            new WebDriverWait(driver, Duration.ofSeconds(60)).until(d -> Files.exists(file)
                    && !Files.exists(downloads.resolve(fileName + ".crdownload")));
            return file;
        }
    }
}
