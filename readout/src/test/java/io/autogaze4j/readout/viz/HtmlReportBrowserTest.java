package io.autogaze4j.readout.viz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Renders the HTML report in headless Chromium (Debian package {@code chromium}) and checks the screenshot.
 * A missing browser fails the test: CI installs it in .ci/run; set {@code -Dautogaze.skipBrowserTests=true}
 * only where no browser can be installed (never in CI).
 */
class HtmlReportBrowserTest {

    @Test
    void theReportRendersItsPlotsInHeadlessChromium(@TempDir Path dir) throws Exception {
        Path chromium = findChromium();
        if (chromium == null) {
            if (Boolean.getBoolean("autogaze.skipBrowserTests") && System.getenv("CI") == null) {
                return;
            }
            fail("headless Chromium is needed to test the HTML report but neither chromium nor chromium-browser is on "
                    + "the PATH "
                    + "(install it with: apt-get install -y chromium)");
        }
        GazeMetrics m = new GazeMetrics(0.3);
        for (int t = 0; t < 12; t++) {
            m.add(
                    t,
                    t % 6 == 0,
                    10_000,
                    500 + 600 * (t % 5),
                    t % 6 == 0 ? 10_000 : 500 + 600 * (t % 5),
                    t % 6 == 0 ? 0 : 20 + 9 * t);
        }
        Path gifFile = dir.resolve("a.gif");
        try (AnimatedGifWriter gif = AnimatedGifWriter.open(gifFile, 100, 0, 0xFF000000)) {
            gif.add(ArgbImage.filled(40, 20, 0xFFCC00CC));
            gif.add(ArgbImage.filled(40, 20, 0xFF00CC00));
        }
        HtmlReport report = new HtmlReport(
                "Browser check <&>",
                m.summary(),
                Map.of("geometry", "NATIVE"),
                ScalePalette.DEFAULT,
                4,
                List.of(new ReportImage("gif", "image/gif", Files.readAllBytes(gifFile))));
        Path page = dir.resolve("report.html");
        report.write(page);
        Path shot = dir.resolve("shot.png");
        screenshot(chromium, page, shot, dir.resolve("profile"));

        BufferedImage img = ImageIO.read(shot.toFile());
        assertEquals(900, img.getWidth());
        Set<Integer> colours = new HashSet<>();
        int gaze = 0;
        int update = 0;
        int psnr = 0;
        int plotBackground = 0;
        for (int y = 0; y < img.getHeight(); y++) {
            for (int x = 0; x < img.getWidth(); x++) {
                int p = img.getRGB(x, y) & 0xFFFFFF;
                colours.add(p);
                gaze += near(p, HtmlReport.GAZE_COLOUR) ? 1 : 0;
                update += near(p, HtmlReport.UPDATE_COLOUR) ? 1 : 0;
                psnr += near(p, HtmlReport.PSNR_COLOUR) ? 1 : 0;
                plotBackground += near(p, HtmlReport.PLOT_BACKGROUND) ? 1 : 0;
            }
        }
        assertTrue(colours.size() > 20, "the screenshot is (nearly) blank: " + colours.size() + " colours");
        assertTrue(plotBackground > 2 * 500 * 150, "plot areas not visible: " + plotBackground + " background pixels");
        assertTrue(gaze > 400, "gaze-ratio line not drawn: " + gaze + " pixels");
        assertTrue(update > 400, "update-ratio line not drawn: " + update + " pixels");
        assertTrue(psnr > 400, "PSNR line not drawn: " + psnr + " pixels");
    }

    private static void screenshot(Path chromium, Path page, Path shot, Path profile) throws Exception {
        Files.createDirectories(profile);
        List<String> cmd = new ArrayList<>(List.of(
                chromium.toString(),
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--disable-extensions",
                "--hide-scrollbars",
                "--force-device-scale-factor=1",
                "--user-data-dir=" + profile,
                "--screenshot=" + shot,
                "--window-size=900,1000",
                page.toUri().toString()));
        Path log = shot.resolveSibling("chromium.log");
        Process p = new ProcessBuilder(cmd)
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        if (!p.waitFor(90, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail("chromium did not finish within 90 s; its output:\n" + Files.readString(log));
        }
        if (p.exitValue() != 0 || !Files.isRegularFile(shot)) {
            fail("chromium exited with " + p.exitValue() + " and " + (Files.isRegularFile(shot) ? "a" : "no")
                    + " screenshot; its output:\n" + Files.readString(log));
        }
    }

    private static Path findChromium() {
        for (String name : List.of("chromium", "chromium-browser")) {
            for (String d : System.getenv().getOrDefault("PATH", "/usr/bin").split(java.io.File.pathSeparator)) {
                Path c = Path.of(d, name);
                if (Files.isExecutable(c)) {
                    return c;
                }
            }
        }
        return null;
    }

    private static boolean near(int rgb, String css) {
        int c = Integer.parseInt(css.substring(1), 16);
        for (int shift = 0; shift < 24; shift += 8) {
            if (Math.abs((rgb >> shift & 0xFF) - (c >> shift & 0xFF)) > 3) {
                return false;
            }
        }
        return true;
    }
}
