package chatlab.browser;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * What the browser tests drive from outside: the system's Chromium (Debian's package, never a
 * downloaded browser), Node, and playwright-core from this module's lock file.
 */
final class BrowserTools {

    static final Path CHROMIUM = Path.of(System.getenv().getOrDefault("CHATLAB_CHROMIUM", "/usr/bin/chromium"));
    /**
     * This module's directory, where {@code scenarios/} and {@code node_modules/} are: the working
     * directory under Maven; the system property {@value #DIR} when the tests run from elsewhere
     * (the exercise track runs them in the CLI's JVM).
     */
    static final String DIR = "chatlab.browser.dir";
    private static final Path PLAYWRIGHT = Path.of("node_modules", "playwright-core", "package.json");

    private BrowserTools() {}

    /** Why the browser tests cannot run here, or null when they can. */
    static String missing() {
        if (!Files.isExecutable(CHROMIUM)) {
            return "no Chromium at " + CHROMIUM + ": the browser tests are skipped (install Debian's chromium:"
                    + " apt-get install chromium, or run ./chatlab test as root, which installs it)";
        }
        if (onPath("node") == null) {
            return "no node on PATH: the browser tests are skipped (apt-get install nodejs npm)";
        }
        return null;
    }

    /** This module's directory (see {@link #DIR}). */
    static Path dir() {
        return Path.of(System.getProperty(DIR, ""));
    }

    static String node() {
        return onPath("node");
    }

    /** npm ci when playwright-core is not installed yet (./chatlab test does it before Maven runs). */
    static void installPackages() throws IOException, InterruptedException {
        if (Files.exists(dir().resolve(PLAYWRIGHT))) return;
        String npm = onPath("npm");
        if (npm == null) throw new IllegalStateException("playwright-core is not installed and there is no npm to install it");
        Process npmCi = new ProcessBuilder(npm, "ci", "--no-audit", "--no-fund", "--loglevel=error").directory(dir().toFile())
                .inheritIO().start();
        if (!npmCi.waitFor(5, TimeUnit.MINUTES) || npmCi.exitValue() != 0) {
            npmCi.destroyForcibly();
            throw new IllegalStateException("npm ci failed in " + dir().toAbsolutePath());
        }
    }

    private static String onPath(String command) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            Path candidate = Path.of(dir, command);
            if (Files.isExecutable(candidate)) return candidate.toString();
        }
        return null;
    }
}
