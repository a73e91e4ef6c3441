package chatlab.labs;

import java.io.IOException;
import java.util.List;

/**
 * A lab: one claim of the lecture turned into one experiment a student runs with
 * {@code ./chatlab lab NAME} and reads on {@code results/labs/NAME/README.md}, next to its page in
 * {@code docs/labs/NAME.md}. A lab runs on the bench's harness (servers in their own processes,
 * generators pinned to the other CPU, the {@link chatlab.bench.Recorder}'s files, the report kit)
 * and adds only its question: which servers, what load, which figures, and what the data shows.
 *
 * <p>A lab is a package of its own ({@code chatlab.labs.memory}, ...) with this interface and its
 * {@link LabPage}, registered in {@code META-INF/services/chatlab.labs.Lab}.
 *
 * @param <S> its settings: a record with the servers it runs ({@link Settings#variants()}), written
 *            into {@code environment.json} as it is
 */
public interface Lab<S extends Lab.Settings> {

    /** What every lab's settings have: the servers it runs, in order. */
    interface Settings {
        List<Variant> variants();
    }

    /** Its name on the command line and its directory under {@code results/labs/}: lower case, dashes. */
    String name();

    /** Its title, for example {@code Memory per connection}. */
    String title();

    /** The one question it answers, as the lecture would ask it. */
    String question();

    /** Where it comes in {@code ./chatlab lab list} and in the results index. */
    default int order() { return 50; }

    /** Its settings at a size, with the command line's options applied. */
    S settings(Size size, LabOptions options);

    /**
     * Runs it: rows, memory parts and failed checks go to the context's recorder, the lab's own
     * figures to CSV files of its directory ({@link LabContext#dir()}). An exception ends the lab
     * and is recorded as a failure; {@link LabContext#forEach} keeps one server's crash from
     * stopping the others.
     */
    void run(S settings, LabContext context) throws IOException;

    /** Its page, computed from its recorded files alone. */
    LabPage page();
}
