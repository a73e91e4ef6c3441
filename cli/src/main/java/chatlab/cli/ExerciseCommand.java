package chatlab.cli;

import chatlab.exercises.Exercise;
import java.nio.file.Path;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code ./chatlab exercise}: the exercise track (docs/exercises/), with one subcommand per step. */
@Command(name = "exercise",
        mixinStandardHelpOptions = true,
        description = {
            "The exercise track (docs/exercises/): write a piece of chatlab yourself and check it with chatlab's own tests.",
            "  ./chatlab exercise list       the exercises",
            "  ./chatlab exercise init 2     copy exercise 2's starter code to my-exercises/2-handshake/",
            "  ./chatlab exercise check 2    compile it, run exercise 2's cases against it"},
        subcommands = {ExerciseListCommand.class, ExerciseInitCommand.class, ExerciseCheckCommand.class})
public final class ExerciseCommand implements Runnable {

    /** Where {@code init} puts an exercise's starter code unless told otherwise, under the chatlab directory. */
    static final String WORK_DIR = "my-exercises";

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    /** The repository root: the system property {@code chatlab.home} (set by ./chatlab), else the current directory. */
    static Path home() {
        return Path.of(System.getProperty("chatlab.home", ".")).toAbsolutePath().normalize();
    }

    /**
     * A path as the user typed it, relative to the directory they typed it in: ./chatlab changes
     * to the chatlab directory before starting Java, and passes the caller's in {@code chatlab.cwd}.
     */
    static Path resolve(String typed) {
        Path cwd = Path.of(System.getProperty("chatlab.cwd", System.getProperty("user.dir")));
        return cwd.resolve(typed).toAbsolutePath().normalize();
    }

    /** The directory {@code init} uses by default for this exercise. */
    static Path defaultDir(Exercise exercise) {
        return home().resolve(WORK_DIR).resolve(exercise.slug());
    }

    /** A path for messages: relative to the chatlab directory when inside it. */
    static String shown(Path path) {
        Path home = home();
        return path.startsWith(home) ? home.relativize(path).toString() : path.toString();
    }

    /** The exercise numbered {@code number}, or a usage error that lists the numbers. */
    static Exercise exercise(int number) throws Usage {
        return Exercise.byNumber(number).orElseThrow(() -> new Usage("unknown exercise " + number + "; the exercises are "
                + Exercise.numbers() + " (./chatlab exercise list)"));
    }

    /** A command line that cannot be carried out: one line on standard error, exit code 2. */
    static final class Usage extends Exception {
        Usage(String message) {
            super(message, null, false, false);
        }

        int report(String command) {
            System.err.println("chatlab exercise " + command + ": " + getMessage());
            return 2;
        }
    }
}
