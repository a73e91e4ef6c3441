package chatlab.cli;

import chatlab.exercises.Exercise;
import chatlab.exercises.Starter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code ./chatlab exercise init N}: the starter code, copied where the student works on it. */
@Command(name = "init", mixinStandardHelpOptions = true,
        description = {"Copy exercise N's starter code to a directory of yours (default: my-exercises/N-NAME/ in the chatlab directory).",
            "It compiles as it is and fails its checks until you write the parts marked TODO. Nothing is overwritten."})
public final class ExerciseInitCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "N", description = "The exercise's number (./chatlab exercise list).")
    int number;

    @Option(names = "--dir", paramLabel = "DIR", description = "Where to put the starter code (default: my-exercises/N-NAME/).")
    String dir;

    @Override
    public Integer call() {
        try {
            Exercise exercise = ExerciseCommand.exercise(number);
            Path target = dir != null ? ExerciseCommand.resolve(dir) : ExerciseCommand.defaultDir(exercise);
            List<Path> existing = Starter.existing(exercise, target);
            if (!existing.isEmpty()) {
                throw new ExerciseCommand.Usage(ExerciseCommand.shown(existing.get(0)) + " exists already: edit it, or give another directory with --dir");
            }
            List<Path> written = Starter.copy(exercise, target);
            System.out.println("exercise " + exercise.number() + ", " + exercise.title() + ": starter code in " + ExerciseCommand.shown(target));
            for (Path file : written) System.out.println("  " + ExerciseCommand.shown(file));
            System.out.println("The task, the RFC sections and hints: " + exercise.page());
            String classpath = dir != null ? " --classpath " + ExerciseCommand.shown(target) : "";
            for (String c : exercise.starterClasses()) {
                System.out.println("Check " + c + ": ./chatlab exercise check " + exercise.number() + " --class " + c + classpath);
            }
            return 0;
        } catch (ExerciseCommand.Usage e) {
            return e.report("init");
        }
    }
}
