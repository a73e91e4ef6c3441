package chatlab.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The JVM flags of every Java server chatlab starts, from their one home: {@value #FILE} at the
 * repository root, which {@code ./chatlab serve} (the launcher script) and the benchmark harness
 * both read, so that a figure the bench measures is the figure a user's server has. One flag per
 * line; {@code #} starts a comment.
 */
public final class ServerJvmFlags {

    public static final String FILE = "server-jvm.options";

    private ServerJvmFlags() {}

    /** @throws IOException when the file is missing or holds no flag: the bench never guesses flags */
    public static List<String> read(Path home) throws IOException {
        Path file = home.resolve(FILE);
        if (!Files.isRegularFile(file)) throw new IOException("no " + FILE + " in " + home + ": the servers' JVM flags live there");
        List<String> flags = parse(Files.readAllLines(file));
        if (flags.isEmpty()) throw new IOException(file + " holds no flag");
        return flags;
    }

    /** The flags of the file's lines: comments and blank lines dropped, whitespace-separated words kept. */
    public static List<String> parse(List<String> lines) {
        List<String> flags = new ArrayList<>();
        for (String line : lines) {
            int hash = line.indexOf('#');
            String content = (hash >= 0 ? line.substring(0, hash) : line).trim();
            if (content.isEmpty()) continue;
            for (String word : content.split("\\s+")) flags.add(word);
        }
        return flags;
    }
}
