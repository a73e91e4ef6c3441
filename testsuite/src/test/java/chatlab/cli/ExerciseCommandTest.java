package chatlab.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import chatlab.exercises.Exercise;
import chatlab.protocol.UnderTest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * What keeps the exercise track from rotting: every exercise's reference solution (chatlab's
 * own class) passes its check, and every starter, copied by {@code init} and compiled by
 * {@code check} the way a student's is, compiles and fails it with a reason per case. Then the
 * command line's answers to what cannot be checked.
 */
@Timeout(value = 600, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ExerciseCommandTest {

    private static final Pattern SUMMARY = Pattern.compile("(\\d+) of (\\d+) cases passed");
    /** The browser scenarios' wait for a page, in ms (the browser module's Scenario reads it). */
    private static final String BROWSER_WAIT = "chatlab.browser.wait.ms";

    /** Exercise 1 runs in Chromium: without it (or node) here, its checks cannot run, as the browser module's tests cannot. */
    private static void assumeBrowser(Exercise exercise) {
        if (!exercise.hasWebPart()) return;
        Path chromium = Path.of(System.getenv().getOrDefault("CHATLAB_CHROMIUM", "/usr/bin/chromium"));
        assumeTrue(Files.isExecutable(chromium), "no Chromium at " + chromium + ": exercise 1's checks are skipped");
        boolean node = Stream.of(System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator))
                .anyMatch(d -> Files.isExecutable(Path.of(d, "node")));
        assumeTrue(node, "no node on PATH: exercise 1's checks are skipped");
    }

    /** What a command printed, and its exit code. */
    record Run(int exit, String out, String err) {}

    static Run run(String... args) {
        PrintStream stdout = System.out;
        PrintStream stderr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit;
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            exit = ChatlabCommand.commandLine().execute(args);
        } finally {
            System.setOut(stdout);
            System.setErr(stderr);
        }
        Run run = new Run(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        stdout.println("$ chatlab " + String.join(" ", args) + "  -> exit " + exit);
        return run;
    }

    static Stream<Arguments> referenceSolutions() {
        return Stream.of(Exercise.values()).flatMap(e -> e.referenceClasses().stream().map(c -> Arguments.of(e, c)));
    }

    @ParameterizedTest(name = "exercise {0}: {1}")
    @MethodSource("referenceSolutions")
    void theReferenceSolutionPassesEveryCase(Exercise exercise, String reference) {
        assumeBrowser(exercise);
        Run run = run("exercise", "check", Integer.toString(exercise.number()), "--class", reference);
        assertEquals(0, run.exit(), "exit code; output:\n" + run.out() + run.err());
        Matcher summary = SUMMARY.matcher(run.out());
        assertTrue(summary.find(), "no summary line:\n" + run.out());
        assertEquals(summary.group(2), summary.group(1), "every case passes:\n" + run.out());
        assertTrue(Integer.parseInt(summary.group(2)) >= exercise.cases().size(), "at least a case per group:\n" + run.out());
        assertFalse(run.out().contains("  FAIL  "), run.out());
        assertNull(System.getProperty(UnderTest.SERVER), "the check puts the system properties back");
        assertNull(System.getProperty(UnderTest.HANDSHAKE), "the check puts the system properties back");
        assertNull(System.getProperty(UnderTest.CODEC), "the check puts the system properties back");
    }

    @ParameterizedTest(name = "exercise {0}")
    @EnumSource(Exercise.class)
    void theStarterCompilesAndFailsWithAReasonPerCase(Exercise exercise, @TempDir Path dir) throws IOException {
        assumeBrowser(exercise);
        Path work = dir.resolve("work");
        Run init = run("exercise", "init", Integer.toString(exercise.number()), "--dir", work.toString());
        assertEquals(0, init.exit(), init.out() + init.err());
        for (String file : exercise.starterFiles()) assertTrue(Files.isRegularFile(work.resolve(file)), file + " written");
        assertEquals(2, run("exercise", "init", Integer.toString(exercise.number()), "--dir", work.toString()).exit(),
                "init overwrites nothing");

        // A starter's transport never connects: each browser scenario fails when its wait ends, which need not be 45 s here.
        System.setProperty(BROWSER_WAIT, "10000");
        Run check;
        try {
            check = run("exercise", "check", Integer.toString(exercise.number()), "--classpath", work.toString());
        } finally {
            System.clearProperty(BROWSER_WAIT);
        }
        assertEquals(1, check.exit(), "a starter fails its check; output:\n" + check.out() + check.err());
        assertFalse(check.out().contains("did not compile"), "the starter compiles:\n" + check.out());
        for (String starter : exercise.starterClasses()) {
            assertTrue(check.out().contains(starter + " does not pass yet"), starter + " is checked and fails:\n" + check.out());
        }
        List<String> lines = check.out().lines().toList();
        int failures = 0;
        for (int i = 0; i < lines.size(); i++) {
            if (!lines.get(i).startsWith("  FAIL  ")) continue;
            failures++;
            assertTrue(i + 1 < lines.size() && lines.get(i + 1).startsWith("        ") && !lines.get(i + 1).isBlank(),
                    "a failed case is followed by its reason: " + lines.get(i));
        }
        assertTrue(failures > 0, "cases fail:\n" + check.out());
        assertTrue(check.out().contains("not written yet"), "the reasons point at the starter's TODOs:\n" + check.out());
    }

    @Test
    void whatCannotBeCheckedIsExitTwoWithOneLine(@TempDir Path dir) throws IOException {
        Path empty = Files.createDirectories(dir.resolve("empty"));
        List<List<String>> bad = List.of(
                List.of("exercise", "check", "9", "--class", "my.Handshake"),
                List.of("exercise", "check", "2", "--class", "my.Missing", "--classpath", empty.toString()),
                List.of("exercise", "check", "2", "--class", "java.lang.String"),
                List.of("exercise", "check", "3", "--class", "chatlab.protocol.http.Rfc6455Handshake"),
                List.of("exercise", "check", "4", "--class", "chatlab.protocol.http.Rfc6455Handshake"),
                List.of("exercise", "check", "2", "--classpath", dir.resolve("no-such-dir").toString()),
                List.of("exercise", "check", "2", "--class", "chatlab.protocol.http.Rfc6455Handshake", "--model", "no-such-model"),
                List.of("exercise", "init", "9"));
        for (List<String> args : bad) {
            Run run = run(args.toArray(String[]::new));
            assertEquals(2, run.exit(), args + ": " + run.out() + run.err());
            assertEquals(1, run.err().lines().count(), args + " says what to fix in one line: " + run.err());
            assertTrue(run.err().startsWith("chatlab exercise "), run.err());
        }
    }

    @Test
    void codeThatDoesNotCompileFailsTheCheckWithTheCompilersMessages(@TempDir Path dir) throws IOException {
        Path source = dir.resolve("my/Handshake.java");
        Files.createDirectories(source.getParent());
        Files.writeString(source, "package my;\npublic class Handshake implements chatlab.protocol.http.OpeningHandshake {\n"
                + "    public byte[] accept(chatlab.protocol.http.RequestHead r) { return nonsense; }\n}\n");
        Run run = run("exercise", "check", "2", "--classpath", dir.toString());
        assertEquals(1, run.exit(), run.out() + run.err());
        assertTrue(run.out().contains("Handshake.java:3: error: cannot find symbol"), run.out());
        assertTrue(run.out().contains("did not compile"), run.out());
    }
}
