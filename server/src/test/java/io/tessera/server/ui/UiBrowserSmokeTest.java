package io.tessera.server.ui;

import static org.assertj.core.api.Assertions.assertThat;

import io.tessera.server.UiTestServer;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The page in a real browser, the shortest path: / leads to the sign-in form, a user signs in and
 * sees their name; the page's scripts ran under its CSP (a module that failed to load shows no form).
 */
class UiBrowserSmokeTest {
    @TempDir
    Path home;

    @Test
    void thePageLoadsAndAUserSignsIn() throws Exception {
        try (UiTestServer server = UiTestServer.start(home, null);
             Browsers browsers = new Browsers(server.baseUrl(), "UiBrowserSmokeTest")) {
            Browsers.Context a = browsers.open("a");
            browsers.run(() -> {
            a.go("/");
            a.visible("signin-user");
            assertThat(a.driver.getCurrentUrl()).endsWith("/ui/");
            browsers.screenshot("signin-form");
            a.signIn(UiTestServer.USER, UiTestServer.KEY);
            browsers.screenshot("signed-in");
            assertThat(a.driver.executeScript("return sessionStorage.getItem('tessera.session') !== null")).isEqualTo(true);
            assertThat(a.driver.manage().getCookies()).as("the token is no cookie").isEmpty();
            assertThat(a.consoleErrors()).as("no console errors (CSP violations included)").isEmpty();
            });
        }
    }
}
