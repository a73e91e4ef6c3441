package chatlab.bench;

/** The seven implementations the harness compares: chatlab's three models and four reference servers. */
public enum Impl {
    THREADED_PLATFORM("threaded-platform", true),
    THREADED_VIRTUAL("threaded-virtual", true),
    EVENTED("evented", true),
    JETTY("jetty", false),
    JAVA_WEBSOCKET("java-websocket", false),
    NETTY("netty", false),
    NODE_WS("node-ws", false);

    private final String model;
    private final boolean core;

    Impl(String model, boolean core) {
        this.model = model;
        this.core = core;
    }

    /** The name given to {@code ./chatlab serve --model} and shown in results. */
    public String model() { return model; }

    /** One of chatlab's own models (not a reference peer). */
    public boolean core() { return core; }

    @Override
    public String toString() { return model; }

    /** By model name ({@code threaded-virtual}) or constant name ({@code THREADED_VIRTUAL}), any case. */
    public static Impl parse(String name) {
        for (Impl impl : values()) {
            if (impl.model.equalsIgnoreCase(name) || impl.name().equalsIgnoreCase(name)) return impl;
        }
        throw new IllegalArgumentException("unknown implementation '" + name + "'; one of "
                + java.util.Arrays.toString(values()));
    }
}
