package chatlab.cli;

/** Every server the lab can start: the three models, then the four reference peers. */
public enum Model {
    THREADED_PLATFORM("threaded-platform"),
    THREADED_VIRTUAL("threaded-virtual"),
    EVENTED("evented"),
    JETTY("jetty"),
    JAVA_WEBSOCKET("java-websocket"),
    NETTY("netty"),
    NODE_WS("node-ws");

    private final String id;

    Model(String id) {
        this.id = id;
    }

    /** The name used on the command line, in {@code /stats} and in results. */
    public String id() { return id; }

    /** Whether this is one of chatlab's own models (not a reference peer). */
    public boolean isOwn() { return ordinal() <= EVENTED.ordinal(); }

    /** Accepts {@code threaded-virtual} as well as {@code THREADED_VIRTUAL}. */
    public static Model of(String id) {
        for (Model m : values()) {
            if (m.id.equalsIgnoreCase(id) || m.name().equalsIgnoreCase(id)) return m;
        }
        throw new IllegalArgumentException("unknown model '" + id + "'");
    }

    @Override
    public String toString() { return id; }
}
