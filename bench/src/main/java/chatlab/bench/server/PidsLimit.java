package chatlab.bench.server;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A lowered limit on a process's threads: a child group of the cgroup v1 {@code pids} controller.
 * Every thread is a task to the kernel, so {@code pids.max} caps the threads of the processes in
 * the group, root's included. ({@code ulimit -u}, or {@code prlimit --nproc}, caps a user's
 * processes instead, and root is exempt from it, so it limits nothing for a server run as root.)
 *
 * <p>{@link #create} makes the group, {@link #add} moves a whole process in (all its threads),
 * {@link #setMax} sets the cap (tasks already there stay; only new ones are refused), and
 * {@link #close} moves every process back to the controller's root group and removes the group.
 * Creating a group needs root, and a {@code pids} controller mounted as cgroup v1 at
 * {@value #MOUNT}; {@link #unavailableReason()} says why not when it cannot be done.
 */
public final class PidsLimit implements AutoCloseable {

    /** Where the {@code pids} controller is mounted on a cgroup v1 system. */
    public static final String MOUNT = "/sys/fs/cgroup/pids";

    private static final Path ROOT = Path.of(MOUNT);

    private final Path group;

    private PidsLimit(Path group) {
        this.group = group;
    }

    /**
     * Null when a group can be made here; else why not, in a sentence (for a skipped test or a
     * lab's message).
     */
    public static String unavailableReason() {
        if (!Files.isRegularFile(ROOT.resolve("cgroup.procs"))) {
            return "no cgroup v1 pids controller at " + MOUNT + " (cgroup v2 only, or not Linux)";
        }
        if (!Files.isWritable(ROOT) || !Files.isWritable(ROOT.resolve("cgroup.procs"))) {
            return "cannot create a pids group under " + MOUNT + ": it needs root";
        }
        return null;
    }

    /**
     * A new group {@code name-PID-N} (this process's id and a counter keep concurrent users apart).
     *
     * @throws IOException with {@link #unavailableReason()} when there is no way to make one
     */
    public static PidsLimit create(String name) throws IOException {
        String reason = unavailableReason();
        if (reason != null) throw new IOException(reason);
        for (int n = 0; n < 100; n++) {
            Path group = ROOT.resolve(name + "-" + ProcessHandle.current().pid() + "-" + n);
            try {
                Files.createDirectory(group);
                return new PidsLimit(group);
            } catch (java.nio.file.FileAlreadyExistsException e) {
                // Someone else's, or a leftover: take the next name.
            }
        }
        throw new IOException("no free pids group name under " + MOUNT + " for " + name);
    }

    /** Moves process {@code pid}, all its threads, into the group. */
    public void add(long pid) throws IOException {
        write(group.resolve("cgroup.procs"), Long.toString(pid));
    }

    /** Caps the group's tasks (threads) at {@code max}; tasks beyond it already running are not touched. */
    public void setMax(long max) throws IOException {
        write(group.resolve("pids.max"), Long.toString(max));
    }

    /** No cap any more (the group stays). */
    public void lift() throws IOException {
        write(group.resolve("pids.max"), "max");
    }

    /** Tasks (threads) in the group now. */
    public long current() throws IOException {
        return Long.parseLong(read(group.resolve("pids.current")));
    }

    /** Times a thread or process could not be created in the group because of its cap. */
    public long refusals() throws IOException {
        return parseEvents(read(group.resolve("pids.events")));
    }

    /** The count in a {@code pids.events} file ({@code max 12}). */
    static long parseEvents(String events) {
        for (String line : events.split("\n")) {
            String[] words = line.trim().split("\\s+");
            if (words.length == 2 && words[0].equals("max")) return Long.parseLong(words[1]);
        }
        throw new IllegalArgumentException("no 'max' line in pids.events: " + events);
    }

    /** The group's path, for messages. */
    public Path path() { return group; }

    /** Moves every process back to the root group (which has no cap) and removes the group. */
    @Override
    public void close() throws IOException {
        if (!Files.isDirectory(group)) return;
        List<String> pids = Files.readAllLines(group.resolve("cgroup.procs"), StandardCharsets.US_ASCII);
        for (String pid : pids) {
            if (pid.isBlank()) continue;
            try {
                write(ROOT.resolve("cgroup.procs"), pid.trim());
            } catch (IOException e) {
                // It ended meanwhile.
            }
        }
        Files.delete(group); // rmdir: a cgroup directory is removed empty of groups, whatever files it shows
    }

    private static void write(Path file, String value) throws IOException {
        Files.writeString(file, value, StandardCharsets.US_ASCII);
    }

    private static String read(Path file) throws IOException {
        return Files.readString(file, StandardCharsets.US_ASCII).trim();
    }
}
