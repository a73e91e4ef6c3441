package chatlab.labs.threads;

import chatlab.bench.load.HandshakeAttempt;
import chatlab.bench.load.HandshakeAttempt.Outcome;
import chatlab.bench.results.Failure;
import chatlab.bench.server.PidsLimit;
import chatlab.bench.server.ServerHandle;
import chatlab.labs.Lab;
import chatlab.labs.LabContext;
import chatlab.labs.LabOptions;
import chatlab.labs.LabPage;
import chatlab.labs.Size;
import chatlab.labs.Variant;
import chatlab.protocol.server.Implementation;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.IntStream;

/**
 * The kernel's limit on threads, lowered for one server process at a time (a child group of the
 * cgroup v1 {@code pids} controller, {@link PidsLimit}): connections are opened in steps, as a
 * plain client would (one WebSocket handshake each, then idle), and what every client saw is
 * counted (101, 503, closed, no answer), with the server's threads and its {@code /stats} counter
 * after each step. {@code threaded-platform} needs a kernel thread per connection; the other two
 * models do not. After the last step every connection still held is pinged: the server must write
 * to each to answer.
 */
public final class ThreadLimitLab implements Lab<ThreadLimitLab.Settings> {

    public static final String NAME = "thread-limit";

    /**
     * @param variants            the servers
     * @param headroom            threads the limit leaves a server beyond those it runs when the limit is applied
     * @param steps               connections attempted in all after each step, ascending
     * @param answerTimeoutMillis how long a client waits for the answer to its handshake
     * @param quietMillis         pause after each step before threads are counted: longer than a writer thread's linger
     * @param pingTimeoutMillis   how long the held connections have to answer the ping after the last step
     */
    public record Settings(List<Variant> variants, int headroom, List<Integer> steps, long answerTimeoutMillis, long quietMillis,
                           long pingTimeoutMillis) implements Lab.Settings {}

    @Override public String name() { return NAME; }
    @Override public String title() { return "Thread limit"; }
    @Override public int order() { return 20; }
    @Override public LabPage page() { return new ThreadLimitPage(); }

    @Override
    public String question() {
        return "What does a client see when the server cannot start another thread, and which models care?";
    }

    @Override
    public Settings settings(Size size, LabOptions options) {
        boolean full = size == Size.FULL;
        int headroom = full ? 1000 : 100;
        int stepSize = headroom / 4;
        List<Integer> steps = IntStream.rangeClosed(1, 12).mapToObj(i -> i * stepSize).toList();
        return new Settings(options.keep(Variant.of(Implementation.coreIds())), headroom, options.cap(steps), 5_000,
                options.millis(1_500), 10_000);
    }

    @Override
    public void run(Settings settings, LabContext context) throws IOException {
        String unavailable = PidsLimit.unavailableReason();
        if (unavailable != null) {
            context.recorder().say("  cannot lower the thread limit here: " + unavailable);
            context.recorder().fail(new Failure(NAME, "", -1, "cannot lower the thread limit: " + unavailable));
            return;
        }
        List<ThreadLimitPage.Step> steps = new ArrayList<>();
        List<ThreadLimitPage.Held> held = new ArrayList<>();
        context.forEach(NAME, settings.variants(), variant -> series(settings, context, variant, steps, held));
    }

    private static void series(Settings settings, LabContext context, Variant variant, List<ThreadLimitPage.Step> steps,
                               List<ThreadLimitPage.Held> helds) throws IOException {
        List<HandshakeAttempt> open = new ArrayList<>();
        try (ServerHandle server = context.start(variant);
             PidsLimit limit = PidsLimit.create("chatlab-lab")) {
            // One connection first, so that threads a model starts once (the virtual threads' carriers
            // and pollers, the JIT's) are running before the limit counts from them.
            try (HandshakeAttempt warmUp = HandshakeAttempt.open(server.address(), "/ws", Duration.ofMillis(settings.answerTimeoutMillis()))) {
                if (warmUp.outcome() != Outcome.ACCEPTED) throw new IOException("the first connection was not accepted: " + warmUp.head());
            }
            context.harness().settle();
            limit.add(server.pid());
            long base = limit.current();
            long max = base + settings.headroom();
            limit.setMax(max);
            context.recorder().say(String.format(Locale.ROOT, "  [%s] %s runs %d threads; its limit is now %d (pids.max of %s)",
                    NAME, variant.label(), base, max, limit.path()));
            int[] seen = new int[Outcome.values().length];
            long refusedMaxMillis = 0;
            for (int target : settings.steps()) {
                while (open.size() + seen[Outcome.REFUSED.ordinal()] + seen[Outcome.CLOSED.ordinal()]
                        + seen[Outcome.NO_ANSWER.ordinal()] < target) {
                    HandshakeAttempt attempt = HandshakeAttempt.open(server.address(), "/ws", Duration.ofMillis(settings.answerTimeoutMillis()));
                    if (attempt.outcome() == Outcome.ACCEPTED) open.add(attempt);
                    else seen[attempt.outcome().ordinal()]++;
                    if (attempt.outcome() == Outcome.REFUSED) refusedMaxMillis = Math.max(refusedMaxMillis, attempt.millis());
                }
                pause(settings.quietMillis());
                long failures = threadStartFailures(server);
                ThreadLimitPage.Step step = new ThreadLimitPage.Step(variant.label(), target, open.size(),
                        seen[Outcome.REFUSED.ordinal()], seen[Outcome.CLOSED.ordinal()], seen[Outcome.NO_ANSWER.ordinal()],
                        refusedMaxMillis, limit.current(), max, failures);
                steps.add(step);
                context.recorder().say(String.format(Locale.ROOT,
                        "  [%s] %-17s %,5d attempted: %,5d held, %,5d refused (503), %,d closed, %,d unanswered; threads %,d of %,d; /stats %s",
                        NAME, variant.label(), target, step.held(), step.refused(), step.closed(), step.unanswered(), step.threads(),
                        step.limit(), failures < 0 ? "refused (503)" : "threadStartFailures " + failures));
                if (server.deathNote() != null) throw new IOException(server.deathNote());
            }
            helds.add(pingHeld(settings, variant, open, server, limit));
            ThreadLimitPage.write(context, steps, helds);
        } finally {
            open.forEach(HandshakeAttempt::close);
        }
    }

    /**
     * Pings every connection still held, all at once, and counts the pongs: the server must write
     * to each, which in {@code threaded-platform} takes a writer thread per connection. Then the
     * limit is lifted and the clients close, and {@code /stats} gives the final counter.
     */
    private static ThreadLimitPage.Held pingHeld(Settings settings, Variant variant, List<HandshakeAttempt> open, ServerHandle server,
                                                 PidsLimit limit) throws IOException {
        long start = System.nanoTime();
        int sent = 0;
        for (HandshakeAttempt connection : open) {
            try {
                connection.sendPing();
                sent++;
            } catch (IOException e) {
                // Closed by the server: no pong will come.
            }
        }
        long deadline = start + Duration.ofMillis(settings.pingTimeoutMillis()).toNanos();
        int answered = 0;
        for (HandshakeAttempt connection : open) if (connection.awaitPong(deadline)) answered++;
        long millis = (System.nanoTime() - start) / 1_000_000;
        limit.lift();
        open.forEach(HandshakeAttempt::close);
        open.clear();
        pause(settings.quietMillis());
        JsonNode stats = server.stats();
        return new ThreadLimitPage.Held(variant.label(), sent, answered, millis, stats.path("threadStartFailures").asLong(-1),
                stats.path("httpRejects").asLong(-1));
    }

    /** The server's count, or -1 when it refused the request itself (no thread for it either). */
    private static long threadStartFailures(ServerHandle server) {
        try {
            return server.stats().path("threadStartFailures").asLong(-1);
        } catch (IOException e) {
            return -1;
        }
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis); // a measurement pause: writer threads linger this long after their last bytes
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
