package chatlab.bench.load;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Clients spread over several {@link Generator}s and several source addresses. Generator g holds
 * the connection indexes {@code [g * perGenerator, (g + 1) * perGenerator)}, and
 * {@code perGenerator} is a whole number of rooms, so every room lives inside one generator and
 * each generator can check on its own that every member got every message. Index i connects from
 * {@code sourceAddresses[i / perAddress]}, so that no address runs out of ephemeral ports.
 */
public final class GeneratorPool implements AutoCloseable {

    /** Makes the n-th generator (from 0). */
    @FunctionalInterface
    public interface Factory {
        Generator create(int number) throws IOException;
    }

    /**
     * How the pool's connections are opened; see {@link ConnectPlan} for the fields.
     *
     * @param batchTimeoutMillis  fixed part of a batch's timeout
     * @param perConnectionBudgetMicros added to the batch timeout per connection
     */
    public record Connecting(String host, int port, String path, int roomSize, int maxInFlight,
                             long perConnectionTimeoutMillis, long batchTimeoutMillis,
                             long perConnectionBudgetMicros, int abortAfterFailures) {}

    private final Factory factory;
    private final Connecting connecting;
    private final int perGenerator;
    private final List<String> sourceAddresses;
    private final int perAddress;
    /** The servers a room's members are spread over, or null: all on the one of {@link Connecting}. */
    private final List<java.net.InetSocketAddress> spread;
    private final List<Generator> generators = new ArrayList<>();
    private final ExecutorService executor = Executors.newCachedThreadPool(r -> Thread.ofPlatform().daemon(true).name("pool").unstarted(r));
    private int nextIndex;

    /**
     * @param maxPerGenerator at most this many connections per generator (rounded down to whole rooms)
     * @param sourceAddresses local addresses, the first one may be null (kernel's choice)
     * @param perAddress      connections per source address
     */
    public GeneratorPool(Factory factory, Connecting connecting, int maxPerGenerator, List<String> sourceAddresses, int perAddress) {
        this(factory, connecting, maxPerGenerator, sourceAddresses, perAddress, null);
    }

    /**
     * A pool whose rooms span servers: each room's members are split into {@code spread.size()}
     * consecutive parts, part s connecting to {@code spread.get(s)} (several servers sharing one
     * chat through a broker). The host and port of {@code connecting} are then not used.
     */
    public GeneratorPool(Factory factory, Connecting connecting, int maxPerGenerator, List<String> sourceAddresses, int perAddress,
                         List<java.net.InetSocketAddress> spread) {
        this.spread = spread == null || spread.isEmpty() ? null : List.copyOf(spread);
        this.factory = factory;
        this.connecting = connecting;
        int room = Math.max(1, connecting.roomSize());
        this.perGenerator = Math.max(room, maxPerGenerator / room * room);
        this.sourceAddresses = sourceAddresses;
        this.perAddress = perAddress;
    }

    /** Number of generators started so far. */
    public int generators() { return generators.size(); }

    /** Connections the pool can make at all: its source addresses times the connections each. */
    public int capacity() { return sourceAddresses.size() * perAddress; }

    /** Connection indexes handed out so far (opened or failed). */
    public int attempted() { return nextIndex; }

    /** Opens connections until {@code total} have been attempted; generators connect in parallel. */
    public ConnectResult connectTo(int total) throws IOException {
        if (total <= nextIndex) return ConnectResult.empty();
        List<List<ConnectPlan>> perGeneratorBatches = new ArrayList<>();
        int index = nextIndex;
        while (index < total) {
            int g = index / perGenerator;
            while (generators.size() <= g) generators.add(factory.create(generators.size()));
            while (perGeneratorBatches.size() <= g) perGeneratorBatches.add(new ArrayList<>());
            int address = index / perAddress;
            if (address >= sourceAddresses.size()) {
                throw new IOException("no source address left for connection " + index + " (" + sourceAddresses.size()
                        + " addresses of " + perAddress + " connections each)");
            }
            int end = Math.min(total, Math.min((g + 1) * perGenerator, (address + 1) * perAddress));
            String host = connecting.host();
            int port = connecting.port();
            if (spread != null) {
                // The part of its room this index falls in, and where that part ends.
                int room = Math.max(1, connecting.roomSize());
                int offset = index % room;
                int part = offset * spread.size() / room;
                int partEnd = index - offset + (int) Math.ceil((double) (part + 1) * room / spread.size());
                end = Math.min(end, partEnd);
                host = spread.get(part).getHostString();
                port = spread.get(part).getPort();
            }
            int count = end - index;
            perGeneratorBatches.get(g).add(new ConnectPlan(host, port, connecting.path(), count, index,
                    connecting.roomSize(), sourceAddresses.get(address), connecting.maxInFlight(),
                    connecting.perConnectionTimeoutMillis(),
                    connecting.batchTimeoutMillis() + count * connecting.perConnectionBudgetMicros() / 1000,
                    connecting.abortAfterFailures()));
            index = end;
        }
        nextIndex = total;
        List<CompletableFuture<ConnectResult>> futures = new ArrayList<>();
        for (int g = 0; g < perGeneratorBatches.size(); g++) {
            List<ConnectPlan> batches = perGeneratorBatches.get(g);
            if (batches.isEmpty()) continue;
            Generator generator = generators.get(g);
            futures.add(CompletableFuture.supplyAsync(() -> {
                ConnectResult sum = ConnectResult.empty();
                for (ConnectPlan plan : batches) {
                    try {
                        ConnectResult result = generator.connect(plan);
                        sum = sum.plus(result);
                        if (result.failed() > 0) {
                            // Past a failing batch the server is at its limit: do not pile on.
                            for (ConnectPlan skipped : batches.subList(batches.indexOf(plan) + 1, batches.size())) {
                                sum = sum.plus(new ConnectResult(skipped.count(), 0, skipped.count(), null, null, 0));
                            }
                            break;
                        }
                    } catch (IOException e) {
                        throw new CompletionException(e);
                    }
                }
                return sum;
            }, executor));
        }
        ConnectResult total0 = ConnectResult.empty();
        for (CompletableFuture<ConnectResult> future : futures) total0 = total0.plus(join(future));
        return total0;
    }

    /** Runs the plan on every generator at once and adds up their results. */
    public LoadResult load(LoadPlan plan) throws IOException {
        List<CompletableFuture<LoadResult>> futures = new ArrayList<>();
        for (Generator generator : generators) {
            futures.add(CompletableFuture.supplyAsync(() -> {
                try {
                    return generator.load(plan);
                } catch (IOException e) {
                    throw new CompletionException(e);
                }
            }, executor));
        }
        LoadResult sum = LoadResult.empty();
        for (CompletableFuture<LoadResult> future : futures) sum = sum.plus(join(future));
        return sum;
    }

    /**
     * CPU time (user + system) the generator processes have used so far; compared with a step's
     * wall time it tells whether the generator, not the server, was the bottleneck. 0 in-process.
     */
    public long generatorCpuMillis() {
        long sum = 0;
        for (Generator generator : generators) {
            if (generator.pid() > 0) sum += chatlab.bench.procfs.ProcReader.cpuMillis(generator.pid());
        }
        return sum;
    }

    /** Connections ready right now, over all generators. */
    public int open() throws IOException {
        int open = 0;
        for (Generator generator : generators) open += generator.open();
        return open;
    }

    /** Closes every connection of every generator; the pool starts again from index 0. */
    public void closeAll() throws IOException {
        for (Generator generator : generators) generator.closeAll();
        nextIndex = 0;
    }

    @Override
    public void close() {
        for (Generator generator : generators) generator.close();
        generators.clear();
        executor.shutdownNow();
    }

    private static <T> T join(CompletableFuture<T> future) throws IOException {
        try {
            return future.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof IOException io) throw io;
            throw new IOException(e.getCause());
        }
    }
}
