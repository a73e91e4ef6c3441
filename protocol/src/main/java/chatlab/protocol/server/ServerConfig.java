package chatlab.protocol.server;

import java.time.Duration;

/**
 * The limits every model and peer applies, with PROTOCOL.md's defaults.
 *
 * @param maxMessageBytes   largest data message accepted (reassembled), else close 1009
 * @param outboundBoundBytes bytes a connection may have waiting in the server's own queue
 *                           before it counts as a slow consumer and is closed with 1008
 * @param idleInterval      silence after which the server pings, and again after which it closes 1001
 * @param headTimeout       time a client has to finish its HTTP request head
 * @param lab               whether the lab messages ({@code compute}, {@code sleep}) are served
 * @param workers           evented model only: threads that run lab work off the loop (0 = on the loop)
 * @param faults            deliberate misbehaviour, only for testing the benchmark harness
 */
public record ServerConfig(
        int maxMessageBytes,
        int outboundBoundBytes,
        Duration idleInterval,
        Duration headTimeout,
        boolean lab,
        int workers,
        Faults faults) {

    public static final int DEFAULT_MAX_MESSAGE_BYTES = 64 * 1024;
    public static final int DEFAULT_OUTBOUND_BOUND_BYTES = 1024 * 1024;
    public static final Duration DEFAULT_IDLE_INTERVAL = Duration.ofSeconds(30);
    public static final Duration DEFAULT_HEAD_TIMEOUT = Duration.ofSeconds(10);

    public ServerConfig {
        if (maxMessageBytes < 125) throw new IllegalArgumentException("maxMessageBytes must be at least 125");
        if (outboundBoundBytes < 1024) throw new IllegalArgumentException("outboundBoundBytes must be at least 1024");
        if (idleInterval.isNegative() || idleInterval.isZero()) throw new IllegalArgumentException("idleInterval must be positive");
        if (headTimeout.isNegative() || headTimeout.isZero()) throw new IllegalArgumentException("headTimeout must be positive");
        if (workers < 0) throw new IllegalArgumentException("workers must not be negative");
        if (faults == null) faults = Faults.NONE;
    }

    public static ServerConfig defaults() {
        return new ServerConfig(DEFAULT_MAX_MESSAGE_BYTES, DEFAULT_OUTBOUND_BOUND_BYTES,
                DEFAULT_IDLE_INTERVAL, DEFAULT_HEAD_TIMEOUT, false, 0, Faults.NONE);
    }

    public ServerConfig withMaxMessageBytes(int v) { return new ServerConfig(v, outboundBoundBytes, idleInterval, headTimeout, lab, workers, faults); }
    public ServerConfig withOutboundBoundBytes(int v) { return new ServerConfig(maxMessageBytes, v, idleInterval, headTimeout, lab, workers, faults); }
    public ServerConfig withIdleInterval(Duration v) { return new ServerConfig(maxMessageBytes, outboundBoundBytes, v, headTimeout, lab, workers, faults); }
    public ServerConfig withHeadTimeout(Duration v) { return new ServerConfig(maxMessageBytes, outboundBoundBytes, idleInterval, v, lab, workers, faults); }
    public ServerConfig withLab(boolean v) { return new ServerConfig(maxMessageBytes, outboundBoundBytes, idleInterval, headTimeout, v, workers, faults); }
    public ServerConfig withWorkers(int v) { return new ServerConfig(maxMessageBytes, outboundBoundBytes, idleInterval, headTimeout, lab, v, faults); }
    public ServerConfig withFaults(Faults v) { return new ServerConfig(maxMessageBytes, outboundBoundBytes, idleInterval, headTimeout, lab, workers, v); }

    /**
     * Misbehaviour on purpose, so the harness's own tests can check that it notices:
     * a delay before each chat message is handled, and a room message that is never delivered.
     *
     * @param delayMillis     sleep this long before handling each chat message (0 = none)
     * @param dropEveryNth    skip delivering every n-th room message to its recipients (0 = never)
     */
    public record Faults(int delayMillis, int dropEveryNth) {
        public static final Faults NONE = new Faults(0, 0);

        public boolean any() { return delayMillis > 0 || dropEveryNth > 0; }
    }
}
