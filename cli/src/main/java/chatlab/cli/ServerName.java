package chatlab.cli;

import chatlab.exercises.StudentServer;
import chatlab.protocol.server.Implementation;
import java.util.Iterator;
import java.util.stream.Stream;

/**
 * What {@code serve --model} and {@code bench --impl} accept: one of the seven implementations, or
 * a class of the student's, {@code class:CLASS} ({@code class:CLASS@MODEL} for a piece that runs in
 * another model than its exercise's default), found on {@code --classpath}. The benchmark starts
 * every server through {@code serve}, so a name that works for one works for the other.
 *
 * @param id             the name as given, and as results show it
 * @param implementation one of the seven, or null
 * @param student        the student's class, or null
 */
record ServerName(String id, Implementation implementation, StudentServer.Name student) {

    /** For picocli: a typo is an error naming the valid names. */
    static ServerName parse(String token) {
        try {
            if (StudentServer.Name.matches(token)) return new ServerName(token, null, StudentServer.Name.parse(token));
            Implementation implementation = Implementation.of(token);
            return new ServerName(implementation.id(), implementation, null);
        } catch (IllegalArgumentException e) {
            throw new picocli.CommandLine.TypeConversionException(e.getMessage() + ", or " + StudentServer.PREFIX
                    + "CLASS for a class of yours (docs/exercises/)");
        }
    }

    static ServerName of(Implementation implementation) {
        return new ServerName(implementation.id(), implementation, null);
    }

    boolean isStudent() { return student != null; }

    @Override
    public String toString() { return id; }

    /** The names {@code --help} lists. */
    static final class Candidates implements Iterable<String> {
        @Override
        public Iterator<String> iterator() {
            return Stream.concat(Implementation.ids().stream(), Stream.of(StudentServer.PREFIX + "CLASS")).iterator();
        }
    }
}
