package chatlab.bench.results;

import java.util.List;
import java.util.Map;

/**
 * One line of {@code memory.csv}, in long format: one part of the memory in play at one step of a
 * suite against one implementation, in bytes. Parts are named by where they come from:
 * {@code heap.live} (after a full GC, {@code /stats?gc=1}), {@code nmt.CATEGORY} (committed, by the
 * JVM's Native Memory Tracking, {@code nmt.Total} for all of it), {@code kernel.*} (the whole
 * machine's: socket buffers, slab caches, kernel stacks, page tables; see
 * {@link chatlab.bench.procfs.KernelMemory}).
 */
public record MemoryPart(String suite, String impl, long connections, String part, long bytes) {

    public static final List<String> COLUMNS = List.of("suite", "impl", "connections", "part", "bytes");

    public static final String HEAP_LIVE = "heap.live";

    public List<String> cells() {
        return List.of(suite, impl, Csv.cell(connections), part, Long.toString(bytes));
    }

    public static MemoryPart of(Map<String, String> r) {
        return new MemoryPart(r.get("suite"), r.get("impl"), Csv.longOf(r.get("connections")), r.get("part"),
                Long.parseLong(r.get("bytes").trim()));
    }
}
