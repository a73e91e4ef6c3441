package chatlab.cli;

import chatlab.exercises.Check;
import chatlab.exercises.Exercise;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code ./chatlab exercise check N}: compiles the student's code and runs exercise N's cases,
 * chatlab's own tests, against their class. Exit 0 when every case passes, 1 when one fails (or
 * the code does not compile), 2 for a command line that cannot be checked.
 */
@Command(name = "check", mixinStandardHelpOptions = true,
        description = {"Run exercise N's cases (chatlab's own tests) against your class; print each case, passed or failed and why.",
            "With neither option it checks the starter classes in my-exercises/N-NAME/ (what 'exercise init N' made), compiling them first.",
            "Exit code: 0 every case passed, 1 a case failed or the code did not compile, 2 nothing could be checked (the one line says why)."})
public final class ExerciseCheckCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "N", description = "The exercise's number (./chatlab exercise list).")
    int number;

    @Option(names = {"-c", "--class"}, paramLabel = "CLASS", split = ",",
            description = "Your class, with its package (default: the starter classes, e.g. my.Handshake). "
                    + "chatlab's own, the reference solution, works too: ./chatlab exercise list names it.")
    List<String> classes;

    @Option(names = "--classpath", paramLabel = "DIR_OR_JAR", split = ":",
            description = "Where your class is: a directory of .java files (compiled for you), of .class files, or a jar; "
                    + "several separated by ':' (default: my-exercises/N-NAME/ when it exists).")
    List<String> classPath;

    @Option(names = "--model", paramLabel = "MODEL",
            description = "Exercises 1, 2 and 3: the chatlab model your piece runs in (default: evented).")
    String model;

    @Option(names = "--web", paramLabel = "DIR",
            description = "Exercise 1: the directory holding your static/transports/websocket.js, served in place of the page's own"
                    + " (default: web/ in the --classpath directory, as init makes it).")
    String web;

    @Override
    public Integer call() {
        try {
            Exercise exercise = ExerciseCommand.exercise(number);
            Path defaultDir = ExerciseCommand.defaultDir(exercise);
            List<Path> paths = new ArrayList<>();
            if (classPath != null) {
                for (String entry : classPath) paths.add(ExerciseCommand.resolve(entry));
            } else if (Files.isDirectory(defaultDir)) {
                paths.add(defaultDir);
            }
            List<String> names = classes != null && !classes.isEmpty() ? classes : exercise.starterClasses();
            if (classes == null && paths.isEmpty()) {
                throw new ExerciseCommand.Usage("nothing to check yet: './chatlab exercise init " + exercise.number()
                        + "' copies the starter code to " + ExerciseCommand.shown(defaultDir) + "; or name your class with --class and --classpath");
            }
            try {
                return new Check(System.out).run(new Check.Request(exercise, names, paths, model,
                        web == null ? null : ExerciseCommand.resolve(web)));
            } catch (Check.UsageException e) {
                throw new ExerciseCommand.Usage(e.getMessage());
            }
        } catch (ExerciseCommand.Usage e) {
            return e.report("check");
        }
    }
}
