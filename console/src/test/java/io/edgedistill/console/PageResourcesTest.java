package io.edgedistill.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

/** The page loads only what the jar serves: every script and style it names is on the class path (no CDN). */
class PageResourcesTest {

    @Test
    void everyScriptAndStyleThePageNamesIsServedFromTheClassPath() throws Exception {
        String html = Files.readString(Path.of("src/main/resources/public/index.html"));
        Matcher m = Pattern.compile("(?:src|href)=\"([^\"]+)\"").matcher(html);
        int found = 0;
        while (m.find()) {
            String url = m.group(1);
            assertThat(url).as("no external resource").doesNotStartWith("http").doesNotStartWith("//");
            String resource = url.startsWith("/webjars/") ? "META-INF/resources" + url : "public/" + url.replaceFirst("^/", "");
            assertThat(getClass().getClassLoader().getResource(resource)).as(url + " (a WebJar version bump must change the page too)")
                    .isNotNull();
            found++;
        }
        assertThat(found).as("Chart.js, the page's script and its style").isGreaterThanOrEqualTo(3);
    }
}
