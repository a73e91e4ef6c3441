package chatlab.protocol.server;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The seven servers chatlab compares, listed once: chatlab's three models, then the four
 * reference peers. The command line ({@code --model}, {@code --impl}), the conformance suite's
 * parameter sources, the benchmark harness, the report's order and the charts' colors all derive
 * from this list, so adding an implementation is one line here plus its {@link ChatServerProvider}.
 */
public enum Implementation {
    THREADED_PLATFORM("threaded-platform", true, true, 0x1f3a93),
    THREADED_VIRTUAL("threaded-virtual", true, true, 0x4f9df2),
    EVENTED("evented", true, true, 0xd62728),
    JETTY("jetty", false, true, 0x2ca02c),
    JAVA_WEBSOCKET("java-websocket", false, true, 0x8c564b),
    NETTY("netty", false, true, 0xff7f0e),
    NODE_WS("node-ws", false, false, 0x9467bd);

    private final String id;
    private final boolean core;
    private final boolean jvm;
    private final int rgb;

    Implementation(String id, boolean core, boolean jvm, int rgb) {
        this.id = id;
        this.core = core;
        this.jvm = jvm;
        this.rgb = rgb;
    }

    /** The name on the command line, in {@code /stats} and in results: {@code threaded-virtual}. */
    public String id() { return id; }

    /** One of chatlab's own models, rather than a reference peer. */
    public boolean core() { return core; }

    /** Runs in a JVM (so Native Memory Tracking and the GC's own accounting apply); node-ws does not. */
    public boolean jvm() { return jvm; }

    /**
     * Its color in every chart, as 0xRRGGBB: the models in strong colors (blues for the two
     * thread-per-connection variants, red for the event loop), the peers in muted ones.
     */
    public int rgb() { return rgb; }

    @Override
    public String toString() { return id; }

    /** Every id, in order. */
    public static List<String> ids() {
        return Arrays.stream(values()).map(Implementation::id).toList();
    }

    /** The core models' ids, in order. */
    public static List<String> coreIds() {
        return Arrays.stream(values()).filter(Implementation::core).map(Implementation::id).toList();
    }

    /** The reference peers' ids, in order. */
    public static List<String> peerIds() {
        return Arrays.stream(values()).filter(i -> !i.core()).map(Implementation::id).toList();
    }

    /**
     * By id ({@code threaded-virtual}) or constant name ({@code THREADED_VIRTUAL}), any case.
     *
     * @throws IllegalArgumentException naming the valid ids
     */
    public static Implementation of(String name) {
        String wanted = name == null ? "" : name.trim();
        for (Implementation implementation : values()) {
            if (implementation.id.equalsIgnoreCase(wanted) || implementation.name().equalsIgnoreCase(wanted)) return implementation;
        }
        throw new IllegalArgumentException("unknown implementation '" + name + "'; valid: " + String.join(", ", ids()));
    }

    /** The id if it is one of the seven, else null (a name in old results, a typo). */
    public static Implementation find(String id) {
        for (Implementation implementation : values()) {
            if (implementation.id.equals(id.toLowerCase(Locale.ROOT))) return implementation;
        }
        return null;
    }
}
