package chatlab.exercises;

import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;

/**
 * A student's classes, from the directories and jars they name: a directory that holds
 * {@code .java} files is compiled first (against chatlab's class path, into a temporary
 * directory), a directory of {@code .class} files or a jar is used as it is. Closing it deletes
 * what was compiled.
 */
public final class StudentCode implements AutoCloseable {

    private final List<Path> classPath;
    private final Path compiled;
    private final int sources;
    private final URLClassLoader loader;

    private StudentCode(List<Path> classPath, Path compiled, int sources) {
        this.classPath = classPath;
        this.compiled = compiled;
        this.sources = sources;
        List<URL> urls = new ArrayList<>();
        for (Path entry : classPath) {
            try {
                urls.add(entry.toUri().toURL());
            } catch (MalformedURLException e) {
                throw new IllegalArgumentException("not a path: " + entry, e);
            }
        }
        this.loader = new URLClassLoader("student", urls.toArray(URL[]::new), StudentCode.class.getClassLoader());
    }

    /** Thrown when the sources do not compile; the compiler's messages are already printed. */
    public static final class CompileError extends Exception {
        CompileError(String message) {
            super(message, null, false, false);
        }
    }

    /**
     * Compiles what needs compiling.
     *
     * @param entries directories or jars, each of which must exist
     * @param out     where the compiler's messages go
     * @throws IllegalArgumentException for an entry that does not exist
     * @throws CompileError             when sources do not compile
     */
    public static StudentCode prepare(List<Path> entries, PrintStream out) throws CompileError {
        List<Path> sources = new ArrayList<>();
        for (Path entry : entries) {
            if (!Files.exists(entry)) throw new IllegalArgumentException(entry + " does not exist");
            if (Files.isDirectory(entry)) sources.addAll(javaFiles(entry));
        }
        if (sources.isEmpty()) return new StudentCode(List.copyOf(entries), null, 0);
        Path compiled;
        try {
            compiled = Files.createTempDirectory("chatlab-exercise-classes");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot make a directory for the compiled classes", e);
        }
        try {
            compile(sources, entries, compiled, out);
        } catch (CompileError | RuntimeException e) {
            deleteTree(compiled);
            throw e;
        }
        List<Path> classPath = new ArrayList<>();
        classPath.add(compiled);
        classPath.addAll(entries); // resources, and classes compiled elsewhere
        return new StudentCode(List.copyOf(classPath), compiled, sources.size());
    }

    /** How many source files were compiled (0 when the class path held classes only). */
    public int compiledSources() { return sources; }

    /** Directories and jars to find the student's classes in, compiled classes first. */
    public List<Path> classPath() { return classPath; }

    /** {@link #classPath()} as a path list for {@code -cp} or a system property. */
    public String classPathString() {
        return String.join(File.pathSeparator, classPath.stream().map(Path::toString).toList());
    }

    /** Loads the student's classes (chatlab's own come from chatlab's class path, never from theirs). */
    public ClassLoader loader() { return loader; }

    @Override
    public void close() {
        try {
            loader.close();
        } catch (IOException e) {
            // the loader only reads local files; nothing to report
        }
        if (compiled != null) deleteTree(compiled);
    }

    private static void compile(List<Path> sources, List<Path> entries, Path into, PrintStream out) throws CompileError {
        JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
        if (compiler == null) {
            throw new IllegalStateException("this Java runtime has no compiler (javac); run chatlab with a JDK");
        }
        DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
        String classPath = System.getProperty("java.class.path") + File.pathSeparator
                + String.join(File.pathSeparator, entries.stream().map(Path::toString).toList());
        try (StandardJavaFileManager files = compiler.getStandardFileManager(diagnostics, Locale.ROOT, null)) {
            List<String> options = List.of("-d", into.toString(), "-classpath", classPath, "-encoding", "UTF-8",
                    "-Xlint:-options", "-proc:none");
            StringWriter compilerOutput = new StringWriter();
            boolean ok = compiler.getTask(compilerOutput, files, diagnostics, options, null,
                    files.getJavaFileObjectsFromPaths(sources)).call();
            int errors = 0;
            for (Diagnostic<? extends JavaFileObject> d : diagnostics.getDiagnostics()) {
                if (d.getKind() == Diagnostic.Kind.ERROR) errors++;
                if (d.getKind() == Diagnostic.Kind.ERROR || d.getKind() == Diagnostic.Kind.WARNING
                        || d.getKind() == Diagnostic.Kind.MANDATORY_WARNING) {
                    String where = d.getSource() == null ? "" : d.getSource().getName() + ":" + d.getLineNumber() + ": ";
                    out.println(where + d.getKind().toString().toLowerCase(Locale.ROOT).replace('_', ' ') + ": "
                            + d.getMessage(Locale.ROOT));
                }
            }
            if (!compilerOutput.toString().isBlank()) out.print(compilerOutput);
            if (!ok) {
                throw new CompileError(errors + " compile error" + (errors == 1 ? "" : "s") + " in " + sources.size()
                        + " source file" + (sources.size() == 1 ? "" : "s"));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<Path> javaFiles(Path directory) {
        try (Stream<Path> walk = Files.walk(directory)) {
            return walk.filter(p -> p.toString().endsWith(".java") && Files.isRegularFile(p)).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + directory, e);
        }
    }

    private static void deleteTree(Path root) {
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        } catch (IOException e) {
            // a temporary directory left behind is harmless
        }
    }
}
