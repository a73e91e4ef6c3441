package chatlab.exercises;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** {@code ./chatlab exercise init}: copies an exercise's starter files into a directory of the student's. */
public final class Starter {

    private Starter() {}

    /** The starter files that exist already under {@code directory} (init overwrites nothing). */
    public static List<Path> existing(Exercise exercise, Path directory) {
        return exercise.starterFiles().stream().map(directory::resolve).filter(Files::exists).toList();
    }

    /**
     * Writes the starter files under {@code directory}, creating it. Call {@link #existing} first:
     * a file that exists is not overwritten, this fails instead.
     *
     * @return the files written
     */
    public static List<Path> copy(Exercise exercise, Path directory) {
        List<Path> written = new ArrayList<>();
        for (String file : exercise.starterFiles()) {
            String resource = "starters/" + exercise.slug() + "/" + file;
            Path target = directory.resolve(file);
            try (InputStream in = Starter.class.getResourceAsStream(resource)) {
                if (in == null) throw new IllegalStateException("chatlab is missing its starter file " + resource);
                Files.createDirectories(target.getParent());
                Files.copy(in, target);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write " + target, e);
            }
            written.add(target);
        }
        return written;
    }
}
