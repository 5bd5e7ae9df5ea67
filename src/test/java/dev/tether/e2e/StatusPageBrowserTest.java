package dev.tether.e2e;

import dev.tether.sandbox.Sandbox;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The status page, rendered by a real browser (Debian's headless chromium, installed by .ci/run) from a settled
 * simulate world: its text is there, nothing overflows (the page nor any table, at a desktop and a narrow width), and
 * a screenshot is written to target/status-page/. Skipped only when chromium is absent outside CI; under CI=true a
 * missing chromium fails the test.
 */
class StatusPageBrowserTest {
    static final Path OUT = Path.of("target", "status-page");
    /** Measures layout after rendering and writes the result into the DOM, where --dump-dom shows it. */
    static final String PROBE = "<script>window.addEventListener('load',function(){var d=document.documentElement,bad=[];"
            + "document.querySelectorAll('table,section,svg,td,th').forEach(function(e){if(e.scrollWidth>e.clientWidth+1)bad.push(e.tagName+':'+e.scrollWidth+'>'+e.clientWidth);});"
            + "var m=document.createElement('div');m.id='layout-probe';m.setAttribute('data-page-overflow',String(d.scrollWidth>d.clientWidth));"
            + "m.setAttribute('data-overflowing',bad.join(' '));m.setAttribute('data-text',document.body.innerText.replace(/\\s+/g,' '));"
            + "document.body.appendChild(m);});</script>";

    static String chromium() {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            for (String name : List.of("chromium", "chromium-browser")) {
                if (Files.isExecutable(Path.of(dir, name))) {
                    return Path.of(dir, name).toString();
                }
            }
        }
        return null;
    }

    static String run(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(false).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        byte[] out = p.getInputStream().readAllBytes();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "chromium did not finish");
        assertEquals(0, p.exitValue(), "chromium exit code");
        return new String(out, StandardCharsets.UTF_8);
    }

    static String attr(String dom, String name) {
        Matcher m = Pattern.compile(name + "=\"([^\"]*)\"").matcher(dom.substring(dom.indexOf("id=\"layout-probe\"")));
        assertTrue(m.find(), name + " in " + dom);
        return m.group(1);
    }

    @Test
    void thePageRendersInARealBrowserWithItsTextAndWithoutOverflow() throws Exception {
        String chromium = chromium();
        if (chromium == null) {
            assertNotEquals("true", System.getenv("CI"), "CI must have chromium (.ci/run installs Debian's chromium)");
            Assumptions.abort("chromium is not installed (apt-get install -y chromium); CI installs it");
        }
        String page;
        try (Sandbox s = StatusTruthTest.linkedWithService()) {
            Sandbox.HttpExchange e = s.http("GET /api/links/status", null, Map.of("Accept", "text/html"));
            assertEquals(200, e.status());
            assertEquals("text/html; charset=utf-8", e.headers().get("Content-Type"));
            page = e.body();
        }
        // Self-contained: no script, no external style, font or image.
        assertFalse(page.contains("<script"), "no script");
        assertFalse(Pattern.compile("(src|href)\\s*=|@import|url\\(http|<link").matcher(page).find(), "nothing external");
        assertTrue(page.contains("<svg"), "a picture, drawn as inline SVG");
        Files.createDirectories(OUT);
        Files.writeString(OUT.resolve("status.html"), page);
        Path probed = OUT.resolve("probed.html").toAbsolutePath();
        Files.writeString(probed, page.replace("</body>", PROBE + "</body>"));
        List<String> texts = List.of("Link shop", "clustername1", "zone shop.internal", "10.0.1.4", "linked", "ready", "sitef6141",
                "web.shop.shop.internal", "10.0.1.5", "internal", "Last drift report", "Services apps reach");
        for (int width : new int[]{1280, 760}) {
            List<String> args = new ArrayList<>(List.of(chromium, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
                    "--window-size=" + width + ",1100", "--virtual-time-budget=2000"));
            args.add("--dump-dom");
            args.add(probed.toUri().toString());
            String dom = run(args.toArray(String[]::new));
            assertEquals("false", attr(dom, "data-page-overflow"), "page overflows at width " + width);
            assertEquals("", attr(dom, "data-overflowing"), "elements overflow at width " + width);
            String text = attr(dom, "data-text");
            for (String t : texts) {
                assertTrue(text.contains(t), "'" + t + "' shown at width " + width + ": " + text);
            }
            Path shot = OUT.resolve("status-" + width + ".png").toAbsolutePath();
            Files.deleteIfExists(shot);
            run(chromium, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--window-size=" + width + ",1100",
                    "--screenshot=" + shot, OUT.resolve("status.html").toAbsolutePath().toUri().toString());
            assertTrue(Files.size(shot) > 10_000, "a screenshot of the page at " + shot);
        }
    }
}
