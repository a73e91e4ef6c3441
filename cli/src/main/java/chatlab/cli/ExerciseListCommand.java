package chatlab.cli;

import chatlab.exercises.Exercise;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** {@code ./chatlab exercise list}: the exercises, their interface and their page. */
@Command(name = "list", mixinStandardHelpOptions = true, description = "List the exercises: number, task, what your class implements, the page.")
public final class ExerciseListCommand implements Callable<Integer> {

    @Override
    public Integer call() {
        for (Exercise e : Exercise.values()) {
            System.out.println(e.number() + "  " + e.title());
            System.out.println("   your class implements " + e.expectedType() + "; starter: " + String.join(", ", e.starterClasses())
                    + (e.hasWebPart() ? ", and the page's " + Exercise.WEB_TRANSPORT : ""));
            System.out.println("   reference solution (chatlab's own): " + String.join(", ", e.referenceClasses()));
            System.out.println("   " + e.page());
        }
        return 0;
    }
}
