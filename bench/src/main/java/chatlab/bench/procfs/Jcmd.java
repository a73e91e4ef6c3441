package chatlab.bench.procfs;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Asks a running JVM a diagnostic command with the JDK's {@code jcmd}, as a user would. */
final class Jcmd {

    private static final long TIMEOUT_SECONDS = 60;

    private Jcmd() {}

    /**
     * {@code jcmd PID COMMAND...} with the {@code jcmd} of the JDK at {@code javaHome}.
     *
     * @return its output, line by line
     * @throws IOException when jcmd cannot be run or does not finish within a minute
     */
    static List<String> run(Path javaHome, long pid, String... command) throws IOException {
        List<String> line = new ArrayList<>(List.of(javaHome.resolve("bin").resolve("jcmd").toString(), Long.toString(pid)));
        line.addAll(List.of(command));
        Process jcmd = new ProcessBuilder(line).redirectErrorStream(true).start();
        jcmd.getOutputStream().close();
        try (InputStream in = jcmd.getInputStream()) {
            String out = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            if (!jcmd.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                jcmd.destroyForcibly();
                throw new IOException("jcmd " + pid + " " + command[0] + " did not finish within " + TIMEOUT_SECONDS + " s");
            }
            return out.lines().toList();
        } catch (InterruptedException e) {
            jcmd.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while running jcmd");
        }
    }
}
