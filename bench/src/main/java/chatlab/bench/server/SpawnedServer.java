package chatlab.bench.server;

import chatlab.bench.procfs.ProcReader;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A server in its own process, started the way a user starts one ({@code chatlab serve --model M
 * --port 0}), and known to be up from the line it prints: {@code chatlab listening on H:P model=M}.
 * Its output goes to a log file. Stopping is SIGTERM, then, past a timeout, SIGKILL for the
 * process and everything it started.
 */
public final class SpawnedServer implements ServerHandle {

    private static final Pattern LISTENING = Pattern.compile("chatlab listening on ([^:\\s]+):(\\d+) model=(\\S+)");

    private final String model;
    private final Process process;
    private final InetSocketAddress address;
    private final long pid;
    private final Path log;

    /**
     * @param command       the command up to the model name: for example
     *                      {@code taskset -c 1 java -Xmx2g -cp ... chatlab.cli.ChatlabCommand serve --host 127.0.0.1 --port 0 --model}
     * @param startTimeout  how long to wait for the listening line
     */
    public SpawnedServer(String model, List<String> command, Path log, Duration startTimeout) throws IOException {
        this.model = model;
        this.log = log;
        List<String> full = new ArrayList<>(command);
        full.add(model);
        Files.createDirectories(log.getParent());
        Files.writeString(log, String.join(" ", full) + "\n", StandardCharsets.UTF_8);
        this.process = new ProcessBuilder(full).redirectErrorStream(true).start();
        CompletableFuture<InetSocketAddress> listening = new CompletableFuture<>();
        Thread.ofPlatform().daemon(true).name("serve-" + model + "-out").start(() -> pump(listening));
        try {
            this.address = listening.get(startTimeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException | ExecutionException e) {
            kill();
            throw new IOException(model + " did not announce 'chatlab listening on' within " + startTimeout.toSeconds()
                    + " s" + lastLines(), e);
        } catch (InterruptedException e) {
            kill();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while starting " + model);
        }
        this.pid = ProcReader.listeningPid(process.toHandle(), address.getPort());
    }

    private void pump(CompletableFuture<InetSocketAddress> listening) {
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
             PrintWriter out = new PrintWriter(Files.newBufferedWriter(log, StandardCharsets.UTF_8,
                     java.nio.file.StandardOpenOption.APPEND), true)) {
            String line;
            while ((line = reader.readLine()) != null) {
                out.println(line);
                Matcher m = LISTENING.matcher(line);
                if (!listening.isDone() && m.find()) {
                    listening.complete(new InetSocketAddress(m.group(1), Integer.parseInt(m.group(2))));
                }
            }
        } catch (IOException e) {
            // The process is gone; the waiting side reports it.
        } finally {
            listening.completeExceptionally(new IOException("server output ended"));
        }
    }

    @Override public String model() { return model; }
    @Override public InetSocketAddress address() { return address; }
    @Override public long pid() { return pid; }

    /** Where its output goes: the command line, then everything it printed. */
    public Path log() { return log; }

    @Override
    public String deathNote() {
        if (process.isAlive() && ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) return null;
        return model + " exited" + (process.isAlive() ? "" : " with " + process.exitValue()) + lastLines();
    }

    @Override
    public void close() {
        List<ProcessHandle> family = new ArrayList<>(process.descendants().toList());
        process.destroy();
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) kill();
        } catch (InterruptedException e) {
            kill();
            Thread.currentThread().interrupt();
        }
        for (ProcessHandle child : family) {
            if (child.isAlive()) child.destroy();
        }
        for (ProcessHandle child : family) {
            try {
                child.onExit().get(10, TimeUnit.SECONDS);
            } catch (InterruptedException | ExecutionException | TimeoutException e) {
                child.destroyForcibly();
            }
        }
    }

    private void kill() {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private String lastLines() {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            List<String> tail = lines.subList(Math.max(0, lines.size() - 5), lines.size());
            return tail.isEmpty() ? "" : "; its last output: " + String.join(" | ", tail);
        } catch (IOException e) {
            return "";
        }
    }
}
