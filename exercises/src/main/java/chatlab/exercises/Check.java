package chatlab.exercises;

import static org.junit.platform.engine.discovery.DiscoverySelectors.selectMethod;

import chatlab.protocol.UnderTest;
import chatlab.protocol.server.ChatServerProvider;
import chatlab.protocol.server.ChatServers;
import java.io.PrintStream;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.platform.engine.DiscoverySelector;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;

/**
 * {@code ./chatlab exercise check}: runs an exercise's cases, chatlab's own tests, against a
 * student's class, in this JVM through the JUnit Platform launcher, and prints a report.
 *
 * <p>The tests reach the class through {@link UnderTest}'s system properties: a piece (a
 * handshake, a codec) is plugged into every server the suite starts, of the model chosen; a
 * whole server becomes the suite's only model. The properties are set for the run and put back
 * after it, so checks run one after another in one JVM (never two at once).
 */
public final class Check {

    /**
     * What to check.
     *
     * @param classNames the student's classes, each checked on its own
     * @param classPath  where they are (directories of sources or classes, jars); may be empty
     * @param model      for a piece, the model it runs in (null: the exercise's default)
     * @param web        for an exercise with a part of the browser page, the directory the page's files are served from in
     *                   place of chatlab's own (null: {@code web/} beside the first class path directory, if there is one)
     */
    public record Request(Exercise exercise, List<String> classNames, List<Path> classPath, String model, Path web) {

        public Request(Exercise exercise, List<String> classNames, List<Path> classPath, String model) {
            this(exercise, classNames, classPath, model, null);
        }
    }

    /** A request that cannot be checked; its message says in one line what to fix. Exit code 2. */
    public static final class UsageException extends Exception {
        public UsageException(String message) {
            super(message, null, false, false);
        }
    }

    /** Read by the browser tests: where their scenarios and node packages are. */
    static final String BROWSER_DIR = "chatlab.browser.dir";

    private final PrintStream out;

    public Check(PrintStream out) {
        this.out = out;
    }

    /**
     * @return 0 when every case of every class passed, 1 otherwise (a case failed, or the sources did not compile)
     * @throws UsageException for an unknown class, a class that does not fit the exercise, a missing path
     */
    public int run(Request request) throws UsageException {
        Exercise exercise = request.exercise();
        String model = request.model() != null ? request.model() : exercise.piece() != null ? exercise.piece().defaultModel() : null;
        if (model != null && exercise.piece() == null) {
            throw new UsageException("--model is for exercises whose piece runs inside a chatlab model; exercise "
                    + exercise.number() + "'s class is the server itself");
        }
        if (model != null && !ChatServers.models().contains(model)) {
            throw new UsageException("unknown model '" + model + "'; one of " + ChatServers.models());
        }
        Path web = webDirectory(request);
        StudentCode code;
        try {
            code = StudentCode.prepare(request.classPath(), out);
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        } catch (StudentCode.CompileError e) {
            out.println("exercise " + exercise.number() + ": did not compile (" + e.getMessage() + "); nothing was checked");
            return 1;
        }
        if (code.compiledSources() > 0) {
            out.println("compiled " + code.compiledSources() + " source file" + (code.compiledSources() == 1 ? "" : "s"));
        }
        try (code) {
            Map<String, List<String>> modelsByClass = new LinkedHashMap<>();
            for (String name : request.classNames()) {
                modelsByClass.put(name, validate(exercise, load(code, request, name), model));
            }
            int failedClasses = 0;
            for (var entry : modelsByClass.entrySet()) {
                if (!runCases(exercise, entry.getKey(), entry.getValue(), code, web)) failedClasses++;
            }
            return failedClasses == 0 ? 0 : 1;
        }
    }

    /** Where the browser tests' module is (its scenarios and node packages): the chatlab directory's {@code browser/}. */
    private static Path browserDirectory() {
        Path start = Path.of(System.getProperty("chatlab.home", System.getProperty("user.dir"))).toAbsolutePath();
        for (Path dir = start; dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve("browser/scenarios/run.mjs"))) return dir.resolve("browser");
        }
        throw new IllegalStateException("the browser tests' scenarios (browser/scenarios/) are not in " + start + " or above it");
    }

    /** The directory served in place of the page's own files: as given, or {@code web/} beside the class path's first directory. */
    private static Path webDirectory(Request request) throws UsageException {
        if (!request.exercise().hasWebPart()) {
            if (request.web() != null) throw new UsageException("--web is for exercise 1, whose part of the browser page it serves");
            return null;
        }
        Path web = request.web();
        if (web == null) {
            web = request.classPath().stream().map(entry -> entry.resolve("web")).filter(Files::isDirectory).findFirst().orElse(null);
            if (web == null) return null;
        }
        if (!Files.isDirectory(web)) throw new UsageException("--web " + web + " is not a directory");
        String transport = Exercise.WEB_TRANSPORT.substring("web/".length());
        if (!Files.isRegularFile(web.resolve(transport))) {
            throw new UsageException(web + " has no " + transport + ": the directory to give is the one that holds static/");
        }
        return web;
    }

    private static Class<?> load(StudentCode code, Request request, String name) throws UsageException {
        try {
            return Class.forName(name, false, code.loader());
        } catch (ClassNotFoundException | NoClassDefFoundError e) {
            String where = request.classPath().isEmpty() ? "chatlab's class path (no --classpath given)"
                    : String.join(", ", request.classPath().stream().map(Path::toString).toList());
            throw new UsageException("class " + name + " not found in " + where + ": give its full name (package.Class)"
                    + " and the directory that holds " + name.replace('.', '/') + ".java (or .class) with --classpath");
        }
    }

    /** @return the models the cases run against: the piece's host model, or the server's own */
    private static List<String> validate(Exercise exercise, Class<?> type, String model) throws UsageException {
        if (exercise.piece() == null) {
            try {
                return ChatServers.providerOf(type).models();
            } catch (IllegalArgumentException | LinkageError e) {
                throw new UsageException(e.getMessage());
            }
        }
        Class<?> expected = exercise.piece().type();
        if (!expected.isAssignableFrom(type)) {
            throw new UsageException(type.getName() + " does not implement " + expected.getName() + ": declare it as 'public class "
                    + type.getSimpleName() + " implements " + expected.getSimpleName() + "'");
        }
        if (!Modifier.isPublic(type.getModifiers()) || Modifier.isAbstract(type.getModifiers())) {
            throw new UsageException(type.getName() + " must be a public, non-abstract class");
        }
        try {
            type.getConstructor();
        } catch (NoSuchMethodException e) {
            throw new UsageException(type.getName() + " needs a public constructor with no arguments");
        }
        return List.of(model);
    }

    private boolean runCases(Exercise exercise, String className, List<String> models, StudentCode code, Path web) {
        out.println("chatlab exercise " + exercise.number() + ", " + exercise.title());
        out.println(exercise.piece() != null
                ? "checking " + className + " inside the " + models.get(0) + " model"
                : "checking " + className + " (model" + (models.size() == 1 ? " " : "s ") + String.join(", ", models) + ")");

        Map<String, String> properties = new LinkedHashMap<>();
        properties.put(UnderTest.CLASSPATH, code.classPathString());
        properties.put(exercise.piece() != null ? exercise.piece().property() : UnderTest.SERVER, className);
        properties.put("chatlab.models", String.join(",", models));
        properties.putAll(exercise.testProperties());
        if (exercise.hasWebPart()) {
            properties.put(BROWSER_DIR, browserDirectory().toString());
            if (web != null) properties.put(UnderTest.WEB, web.toString());
            out.println(web != null ? "serving the page's files from " + web + " where it has them (your transport)"
                    : "no web directory: the page runs chatlab's own transport (give --web DIR, or init's web/ beside your class)");
        }
        Map<String, String> saved = new LinkedHashMap<>();
        properties.keySet().forEach(key -> saved.put(key, System.getProperty(key)));
        long start = System.nanoTime();
        CaseReport report = new CaseReport(exercise.cases(), new LinkedHashSet<>(models), className, out);
        try {
            properties.forEach(System::setProperty);
            launch(exercise, report);
        } finally {
            saved.forEach((key, value) -> {
                if (value == null) System.clearProperty(key);
                else System.setProperty(key, value);
            });
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        out.println();
        if (report.total() == 0) {
            out.println("exercise " + exercise.number() + ": no case ran, which is chatlab's fault: its exercise list is out of date");
            return false;
        }
        String counts = String.format(Locale.ROOT, "%d of %d cases passed (%.1f s)", report.passed(), report.total(), seconds);
        if (report.failed() == 0 && report.passed() == report.total()) {
            out.println("exercise " + exercise.number() + ": " + className + " passes: " + counts + ".");
            out.println("What to measure next: " + exercise.page() + ", section \"Afterwards\".");
            return true;
        }
        out.println("exercise " + exercise.number() + ": " + className + " does not pass yet: " + counts + ", "
                + report.failed() + " failed. Hints: " + exercise.page());
        return false;
    }

    private static void launch(Exercise exercise, CaseReport report) {
        List<DiscoverySelector> selectors = new ArrayList<>();
        List<String> order = new ArrayList<>();
        for (Exercise.Cases cases : exercise.cases()) {
            Class<?> testClass;
            try {
                testClass = Class.forName(cases.testClass());
            } catch (ClassNotFoundException e) {
                throw new IllegalStateException("exercise " + exercise.number() + " lists " + cases.testClass()
                        + ", which is not on chatlab's class path", e);
            }
            for (String name : cases.methods()) {
                Method method = null;
                for (Method m : testClass.getDeclaredMethods()) {
                    if (m.getName().equals(name)) method = m;
                }
                if (method == null) {
                    throw new IllegalStateException("exercise " + exercise.number() + " lists " + cases.testClass() + "#" + name
                            + ", which does not exist: the exercise list is out of date");
                }
                selectors.add(selectMethod(testClass, method));
                order.add(testClass.getName() + "#" + name);
            }
        }
        LauncherDiscoveryRequest request = LauncherDiscoveryRequestBuilder.request()
                .selectors(selectors)
                .configurationParameter("junit.jupiter.testmethod.order.default", ListedOrder.class.getName())
                .configurationParameter(ListedOrder.ORDER, String.join(",", order))
                .build();
        Launcher launcher = LauncherFactory.create();
        launcher.execute(request, report);
    }
}
