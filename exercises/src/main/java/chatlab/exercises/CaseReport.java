package chatlab.exercises;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.support.descriptor.ClassSource;
import org.junit.platform.engine.support.descriptor.MethodSource;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;

/**
 * Listens to one launcher run and prints one line per case as it finishes ({@code pass} or
 * {@code FAIL} with the reason), grouped under each {@link Exercise.Cases} title, then counts.
 */
final class CaseReport implements TestExecutionListener {

    /** Lines of a failure's message shown; the rest is cut. */
    private static final int REASON_LINES = 6;
    private static final int REASON_CHARS = 700;

    private final PrintStream out;
    private final Map<String, Exercise.Cases> groups = new LinkedHashMap<>();
    private final Set<String> models;
    private final String studentPackage;
    private String currentGroup;
    private int passed;
    private int failed;
    private int skipped;
    private final List<String> failures = new ArrayList<>();

    /**
     * @param models       the model names cases run against, stripped from case names (shown once in the header instead)
     * @param checkedClass the student's class: a failure shows where code of its package threw
     */
    CaseReport(List<Exercise.Cases> cases, Set<String> models, String checkedClass, PrintStream out) {
        this.out = out;
        this.models = models;
        this.studentPackage = checkedClass.lastIndexOf('.') < 0 ? "" : checkedClass.substring(0, checkedClass.lastIndexOf('.'));
        for (Exercise.Cases c : cases) groups.put(c.testClass(), c);
    }

    int passed() { return passed; }

    int failed() { return failed; }

    int total() { return passed + failed + skipped; }

    /** The names of the cases that failed, in order. */
    List<String> failures() { return failures; }

    @Override
    public void executionSkipped(TestIdentifier test, String reason) {
        if (!test.isTest()) return;
        skipped++;
        header(test);
        out.println("  skip  " + name(test) + ": " + reason);
    }

    @Override
    public void executionFinished(TestIdentifier test, TestExecutionResult result) {
        if (!test.isTest()) {
            // A container that failed on its own (a method source that threw) has no cases to show it.
            if (result.getStatus() == TestExecutionResult.Status.FAILED && test.getSource().orElse(null) instanceof MethodSource) {
                failed++;
                header(test);
                failures.add(name(test));
                out.println("  FAIL  " + name(test) + " (could not list its cases)");
                printReason(result.getThrowable().orElse(null));
            }
            // A class whose assumption failed before its cases (no Chromium for the browser tests) ran none of them.
            if (result.getStatus() == TestExecutionResult.Status.ABORTED && test.getSource().orElse(null) instanceof ClassSource source) {
                skipped++;
                out.println();
                out.println("  skip  every case of " + source.getClassName() + ": "
                        + result.getThrowable().map(Throwable::getMessage).orElse("aborted"));
            }
            return;
        }
        header(test);
        String name = name(test);
        switch (result.getStatus()) {
            case SUCCESSFUL -> {
                passed++;
                out.println("  pass  " + name);
            }
            case ABORTED -> {
                skipped++;
                out.println("  skip  " + name + ": " + result.getThrowable().map(Throwable::getMessage).orElse("aborted"));
            }
            case FAILED -> {
                failed++;
                failures.add(name);
                out.println("  FAIL  " + name);
                printReason(result.getThrowable().orElse(null));
            }
        }
    }

    private void header(TestIdentifier test) {
        Optional<MethodSource> source = test.getSource().filter(MethodSource.class::isInstance).map(MethodSource.class::cast);
        String group = source.map(MethodSource::getClassName).orElse("");
        if (group.equals(currentGroup)) return;
        currentGroup = group;
        Exercise.Cases cases = groups.get(group);
        out.println();
        out.println(cases != null ? cases.title() : group);
    }

    /** The method, in words, and what the invocation varies (the case name of a parameterized test, less the model). */
    String name(TestIdentifier test) {
        String method = test.getSource().filter(MethodSource.class::isInstance).map(s -> ((MethodSource) s).getMethodName()).orElse("");
        String words = words(method);
        String display = test.getDisplayName();
        if (display.startsWith(method + "(") || display.isBlank()) return words;
        String variant = display.replaceFirst("^\\[\\d+\\] ", "");
        String model = null;
        boolean named = false; // "evented: missing Host" names a case; "evented with JETTY" and "[1] SERVER" give an argument
        for (String m : models) {
            if (variant.equals(m) || variant.startsWith(m + ": ") || variant.startsWith(m + " with ")) {
                model = m;
                named = variant.startsWith(m + ": ");
                variant = variant.substring(m.length()).replaceFirst("^(: | with )", "");
                break;
            }
        }
        String prefix = model != null && models.size() > 1 ? "[" + model + "] " : "";
        if (variant.isBlank()) return prefix + words;
        return prefix + words + (named ? ": " + variant : " (" + variant + ")");
    }

    private void printReason(Throwable t) {
        if (t == null) return;
        StringBuilder reason = new StringBuilder(message(t));
        Throwable cause = t.getCause();
        for (int depth = 0; cause != null && depth < 3; depth++, cause = cause.getCause()) {
            String text = message(cause);
            if (!reason.toString().contains(text)) reason.append("\ncaused by ").append(text);
        }
        String where = studentPackage.startsWith("chatlab") ? null : studentFrame(t);
        if (where != null) reason.append("\nat ").append(where);
        String text = reason.length() > REASON_CHARS ? reason.substring(0, REASON_CHARS) + " ..." : reason.toString();
        String[] lines = text.split("\r?\n");
        for (int i = 0; i < Math.min(lines.length, REASON_LINES); i++) out.println("        " + lines[i]);
        if (lines.length > REASON_LINES) out.println("        ...");
    }

    private static String message(Throwable t) {
        boolean assertion = t instanceof AssertionError;
        String message = t.getMessage();
        if (message == null || message.isBlank()) return t.getClass().getName();
        // assertTrue's own words add nothing to the test's message.
        message = message.replace(" ==> expected: <true> but was: <false>", "").replace(" ==> expected: <false> but was: <true>", "");
        return assertion ? message : t.getClass().getSimpleName() + ": " + message;
    }

    /** The first frame of the checked class's package in the failure (where the student's code threw), if any. */
    private String studentFrame(Throwable t) {
        for (Throwable e = t; e != null; e = e.getCause()) {
            for (StackTraceElement frame : e.getStackTrace()) {
                String c = frame.getClassName();
                boolean inPackage = studentPackage.isEmpty() ? c.indexOf('.') < 0
                        : c.lastIndexOf('.') == studentPackage.length() && c.startsWith(studentPackage);
                if (inPackage) {
                    return c + "." + frame.getMethodName() + "(" + frame.getFileName() + ":" + frame.getLineNumber() + ")";
                }
            }
        }
        return null;
    }

    /** {@code eachWrongFieldHasItsStatus} -> "each wrong field has its status"; RFC and UTF-8 keep their case. */
    static String words(String method) {
        String spaced = method.replaceAll("([a-z])([A-Z0-9])", "$1 $2").replaceAll("([A-Z])([A-Z][a-z])", "$1 $2").replaceAll("([0-9])([A-Za-z])", "$1 $2").toLowerCase(Locale.ROOT);
        return spaced.replace("rfc", "RFC").replace("utf 8", "UTF-8").replace("utf8", "UTF-8").replace("web socket", "WebSocket");
    }
}
