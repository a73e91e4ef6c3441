package chatlab.cluster;

import chatlab.protocol.chat.ChatHub;
import chatlab.protocol.chat.ChatJson;
import chatlab.protocol.chat.ChatMember;
import chatlab.protocol.chat.Outbound;
import chatlab.protocol.chat.Rooms;
import chatlab.protocol.server.ServerCounters;
import chatlab.protocol.session.HttpSession;
import chatlab.protocol.session.SessionBroker;
import chatlab.protocol.session.SessionTable;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisChannelHandler;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisConnectionStateListener;
import io.lettuce.core.RedisException;
import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SetArgs;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import io.lettuce.core.resource.Delay;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * Rooms shared by every server started with the same {@code --broker redis://HOST:PORT}: one chat
 * over many processes, whatever their models. Redis keeps what must be shared (each room's
 * numbering, its last {@value ChatHub#HISTORY} messages, its members on all servers); this server
 * keeps its own connections' side of each room in a {@link LocalRoom}.
 *
 * <p><b>In Redis</b> (keys of a room share the hash tag {@code {ROOM}}; see {@code common.lua}):
 * {@code chatlab:{ROOM}:meta} is a hash {@code epoch, seq, lost}; {@code chatlab:{ROOM}:log} a
 * stream of the last 1000 messages, entry id {@code SEQ-0}; {@code chatlab:{ROOM}:members} a
 * sorted set of {@code SERVER/LOCALID/NAME} scored by the time each entry expires; channel
 * {@code chatlab:{ROOM}} carries {@code m EPOCH SEQ JSON} and {@code p EVENT COUNT MEMBER}. A
 * {@code say} is one Lua script ({@code say.lua}) that numbers the message, appends it to the
 * stream ({@code XADD MAXLEN 1000}) and publishes it: no other message of the room can come
 * between, so every server sees the same seq for the same message, and the JSON is built once,
 * by the accepting server, for every server and member.
 *
 * <p><b>Threads.</b> Three kinds, and who may touch what:
 * <ul>
 *   <li>The connection's own thread (its reader, or the event loop) calls {@link #join},
 *       {@link #say}, {@link #leave} and {@link #disconnect}. Each {@link Member} chains its calls,
 *       so a {@code say} sent right after a {@code join} runs once the join is done; a call sends
 *       its script without waiting (Lettuce's asynchronous API) and returns.
 *   <li>Lettuce's I/O threads complete those scripts and receive the channel's messages. They
 *       never touch a connection themselves: they hand the work to {@code deliveries}, the
 *       executor the server gave. The threaded models give one that runs it at once (their
 *       connections' outbound queues are thread-safe, as when another connection's reader fans
 *       out); the event loop gives one that queues it on the loop (bounded, plus a wakeup), so the
 *       loop stays the only thread that touches its connections and never waits for Redis.
 *   <li>One timer thread per server: heartbeats, syncs after a seq jump, and the resync when
 *       Redis is back. It is the only thread that ever waits for Redis, with a timeout.
 * </ul>
 *
 * <p><b>When Redis is away.</b> A lost connection, a command past its timeout (a paused Redis
 * answers nothing) or a loading Redis marks the broker down: {@code join} and {@code say} are
 * answered {@code unavailable} at once, nothing is numbered, and connections stay open. Lettuce
 * reconnects by itself; the timer then resubscribes every room, syncs each from the history (what
 * the channel dropped meanwhile), refreshes presence, and only then serves again. A {@code say}
 * whose reply was lost with the connection, or came after its timeout, is answered
 * {@code unavailable} although Redis may have run it; the sender then also receives its own copy,
 * numbered like any other: a client that retries such a message sends it twice.
 *
 * <p><b>A slow subscriber.</b> When this server cannot take the channel's messages as fast as
 * Redis sends them (its loop is busy, its process paused), Redis buffers them, and past
 * {@code client-output-buffer-limit pubsub} closes the subscription. That is a lost connection
 * like any other: the resync reads each room's missed messages from its history, so members see
 * every message the history still keeps, in order, once. That catch-up reaches a member at once,
 * like a resume's history: more than the outbound bound of it (1 MiB by default) closes the member
 * as a slow consumer (1008), as it would on a single server.
 *
 * <p><b>HTTP sessions</b> are shared too ({@link SharedSessions}), so that a poll may land on any
 * server: this class is the server's {@link SessionBroker} and hands that part over.
 *
 * <p><b>Presence.</b> Every server refreshes its members' entries each heartbeat; an entry not
 * refreshed for the presence TTL expires, and the next heartbeat or join in the room, on any
 * server, removes it and publishes {@code presence leave}. A server that stops cleanly removes its
 * members at once ({@code goodbye.lua}); one that dies without a goodbye loses them within
 * TTL + heartbeat (25 s by default).
 */
public final class RedisRooms implements Rooms, SessionBroker {

    private static final CompletableFuture<Void> DONE = CompletableFuture.completedFuture(null);
    /**
     * Lettuce logs every reconnect attempt (through java.util.logging here); this class
     * prints one line when the broker goes and one when it is back. Held in a field: a logger
     * nobody references may be collected, and its level with it.
     */
    private static final java.util.logging.Logger LETTUCE_LOG = quiet(java.util.logging.Logger.getLogger("io.lettuce"));
    static final String HISTORY = Integer.toString(ChatHub.HISTORY);
    /** Commands Lettuce may hold for one connection; past it a {@code say} is answered {@code unavailable}. */
    private static final int REQUEST_QUEUE = 10_000;
    /** Presence entries refreshed by one heartbeat script: a bigger room takes several, so no script holds Redis long. */
    private static final int HEARTBEAT_CHUNK = 1000;
    /** How long connecting to Redis may take, at start and on each reconnect, unless the command timeout is longer. */
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
    /** A resume point above anything Lua prints exactly (its numbers are doubles, printed with 14 digits). */
    private static final long MAX_AFTER = 99_999_999_999_999L;

    private final BrokerUrl url;
    private final ServerCounters counters;
    private final ChatJson json;
    private final Executor deliveries;
    /** This server's prefix in presence entries: random, so a restarted server is a new one. */
    private final String serverId = Long.toString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE, 36);
    private final AtomicLong localIds = new AtomicLong();
    private final ClientResources resources;
    private final RedisClient client;
    private final StatefulRedisConnection<String, String> connection;
    private final StatefulRedisPubSubConnection<String, String> pubsub;
    private final RedisAsyncCommands<String, String> redis;
    private final ScheduledExecutorService timer;
    private final Map<ChatMember, Member> members = new ConcurrentHashMap<>();
    private final Map<String, LocalRoom> rooms = new ConcurrentHashMap<>();
    /** Orders SUBSCRIBE and UNSUBSCRIBE of one room's channel with the map's changes. */
    private final ReentrantLock subscriptions = new ReentrantLock();
    private final AtomicBoolean up = new AtomicBoolean(true);
    /** Counts the times the broker went down, so a resync that started before the last one does not declare it up. */
    private final AtomicLong outages = new AtomicLong();
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile long lastHeartbeatNanos = System.nanoTime();
    /** The HTTP sessions' side: what lets a poll land on any server. */
    private final SharedSessions sessions;

    RedisRooms(BrokerUrl url, ServerCounters counters, Executor deliveries, ChatJson json) {
        this.url = url;
        this.counters = counters;
        this.json = json;
        this.deliveries = deliveries;
        this.resources = DefaultClientResources.builder()
                .ioThreadPoolSize(2)
                .computationThreadPoolSize(2)
                .reconnectDelay(Delay.exponential(Duration.ofMillis(50), Duration.ofSeconds(1), 2, TimeUnit.MILLISECONDS))
                .build();
        // Connecting (TCP, then the HELLO handshake) may take longer than a command on a busy
        // machine: it gets its own, longer bound; commands get the configured timeout.
        Duration connectTimeout = url.timeout().compareTo(CONNECT_TIMEOUT) > 0 ? url.timeout() : CONNECT_TIMEOUT;
        RedisURI.Builder uri = RedisURI.Builder.redis(url.host(), url.port()).withTimeout(connectTimeout);
        if (url.password() != null) uri.withPassword(url.password().toCharArray());
        this.client = RedisClient.create(resources, uri.build());
        client.setOptions(ClientOptions.builder()
                .autoReconnect(true)
                // At most once: a command is never sent twice, and one issued while disconnected
                // fails at once (answered unavailable) instead of waiting in a buffer.
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .requestQueueSize(REQUEST_QUEUE)
                .timeoutOptions(TimeoutOptions.enabled(url.timeout()))
                .socketOptions(SocketOptions.builder().connectTimeout(connectTimeout).keepAlive(true).tcpNoDelay(true).build())
                .build());
        try {
            this.connection = client.connect();
            this.pubsub = client.connectPubSub();
        } catch (RedisException e) {
            shutdownClient();
            throw new IllegalStateException("cannot reach the broker at " + url.display() + ": " + rootMessage(e), e);
        }
        this.redis = connection.async();
        this.sessions = new SharedSessions(this);
        pubsub.addListener(new RedisPubSubAdapter<>() {
            @Override
            public void message(String channel, String message) {
                onPublished(channel, message);
            }
        });
        client.addListener(new RedisConnectionStateListener() {
            @Override
            public void onRedisDisconnected(RedisChannelHandler<?, ?> handler) {
                markDown("connection lost");
            }
        });
        if (!awaitAll(List.of(CompletableFuture.allOf(loadScripts().toArray(CompletableFuture[]::new)),
                subscribe(sessions.inbox()), stayAlive()), connectTimeout)) {
            shutdownClient();
            throw new IllegalStateException("the broker at " + url.display() + " did not load chatlab's scripts");
        }
        this.timer = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().name("chatlab-broker-" + serverId).daemon(true).factory());
        long tick = Math.min(url.heartbeat().toMillis(), 250);
        timer.scheduleWithFixedDelay(this::tick, tick, tick, TimeUnit.MILLISECONDS);
    }

    /** One connection of this server, as the broker sees it. */
    static final class Member {
        final ChatMember connection;
        final long localId;
        /** The member's last call; the next one starts when it is done. Touched by the member's own thread only. */
        private CompletableFuture<Void> tail = DONE;

        Member(ChatMember connection, long localId) {
            this.connection = connection;
            this.localId = localId;
        }

        void then(Supplier<CompletableFuture<Void>> call) {
            tail = tail.isDone() ? start(call) : tail.thenCompose(ignored -> start(call));
        }

        private static CompletableFuture<Void> start(Supplier<CompletableFuture<Void>> call) {
            try {
                return call.get();
            } catch (RuntimeException e) {
                report("a room call failed", e);
                return DONE;
            }
        }
    }

    // ---- Rooms ----

    @Override
    public void join(ChatMember connection, String room, String name, long after, JsonNode id) {
        Member member = members.computeIfAbsent(connection, c -> new Member(c, localIds.incrementAndGet()));
        member.then(() -> joinNow(member, room, name, after, id));
    }

    @Override
    public void say(ChatMember connection, String room, String text, String id) {
        Member member = members.get(connection);
        if (member == null) {
            refuse(connection, json.notJoined(room, id == null ? null : TextNode.valueOf(id)));
            return;
        }
        member.then(() -> sayNow(member, room, text, id));
    }

    @Override
    public void leave(ChatMember connection, String room, JsonNode id) {
        Member member = members.get(connection);
        if (member == null) {
            refuse(connection, json.notJoined(room, id));
            return;
        }
        member.then(() -> leaveNow(member, room, id));
    }

    @Override
    public void disconnect(ChatMember connection, Iterable<String> roomNames) {
        Member member = members.remove(connection);
        if (member == null) return;
        List<String> names = new ArrayList<>();
        roomNames.forEach(names::add); // the caller clears its set after this call
        member.then(() -> {
            for (String name : names) {
                LocalRoom room = rooms.get(name);
                LocalRoom.Place place = room == null ? null : room.remove(member);
                if (place == null) continue;
                if (room.isRemoved()) release(room);
                // While Redis is away the entry is not refreshed, and expires: the others hear of it then.
                if (up.get()) this.<Long>eval(Script.LEAVE, room.membersKey, room.channel, place.key());
            }
            return DONE;
        });
    }

    // ---- SessionBroker: see SharedSessions ----

    @Override
    public void attach(SessionTable table) { sessions.attach(table); }

    @Override
    public void created(HttpSession session) { sessions.created(session); }

    @Override
    public void ended(HttpSession session) { sessions.ended(session); }

    @Override
    public void load(HttpSession replica) { sessions.load(replica); }

    @Override
    public void forward(HttpSession replica, List<JsonNode> messages) { sessions.forward(replica, messages); }

    @Override
    public void touch(HttpSession replica) { sessions.touch(replica); }

    @Override
    public void dropped(HttpSession replica) { sessions.dropped(replica); }

    @Override
    public String brokerUrl() { return url.display(); }

    @Override
    public ChatJson json() { return json; }

    @Override
    public boolean brokerUp() { return up.get(); }

    /**
     * Removes this server's remaining members from every room it is in (the connections have
     * gone already and sent their own leaves, which Redis runs first: one connection, in order),
     * then closes the client.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) return;
        timer.shutdownNow();
        if (up.get()) {
            List<CompletableFuture<?>> goodbyes = new ArrayList<>();
            String prefix = serverId + "/";
            for (LocalRoom room : rooms.values()) {
                goodbyes.add(eval(Script.GOODBYE, room.membersKey, room.channel, prefix));
            }
            goodbyes.add(redis.del(SharedSessions.aliveKeyOf(serverId)).toCompletableFuture());
            goodbyes.add(redis.ping().toCompletableFuture()); // answered after every command sent before it
            awaitAll(goodbyes);
        }
        shutdownClient();
    }

    // ---- the calls, on the member's thread (or after its previous call, on the thread that finished it) ----

    private CompletableFuture<Void> joinNow(Member member, String roomName, String name, long after, JsonNode id) {
        if (!up.get()) {
            refuse(member.connection, unavailable(id));
            return DONE;
        }
        LocalRoom room = attach(roomName);
        String key = serverId + "/" + member.localId + "/" + name;
        LocalRoom.Place previous = room.placeOf(member);
        CompletableFuture<Void> done = new CompletableFuture<>();
        room.subscribed
                .thenCompose(ignored -> this.<List<Object>>eval(Script.JOIN, room.joinKeys, room.channel, key,
                        previous == null ? "" : previous.key(), Long.toString(url.presenceTtl().toMillis()),
                        Long.toString(Math.min(after, MAX_AFTER)), newEpoch(), Long.toString(room.floor()), HISTORY))
                .whenComplete((reply, error) -> post(() -> {
                    try {
                        if (error != null) {
                            if (room.joinFailed()) release(room);
                            refuse(member.connection, unavailable(id));
                        } else {
                            room.joined(member, key, name, after, Replies.Join.of(reply));
                        }
                    } finally {
                        done.complete(null);
                    }
                }));
        return done;
    }

    private CompletableFuture<Void> sayNow(Member member, String roomName, String text, String id) {
        LocalRoom room = rooms.get(roomName);
        LocalRoom.Place place = room == null ? null : room.placeOf(member);
        if (place == null) {
            refuse(member.connection, json.notJoined(roomName, id == null ? null : TextNode.valueOf(id)));
            return DONE;
        }
        if (!up.get()) {
            refuse(member.connection, unavailable(id == null ? null : TextNode.valueOf(id)));
            return DONE;
        }
        String upToSeq = json.messageUpToSeq(roomName, place.name(), text, id, System.currentTimeMillis());
        this.<List<Object>>eval(Script.SAY, room.numberingKeys, room.channel, upToSeq, HISTORY, newEpoch(), Long.toString(room.floor()))
                .whenComplete((reply, error) -> post(() -> {
                    if (error != null) {
                        refuse(member.connection, unavailable(id == null ? null : TextNode.valueOf(id)));
                    } else {
                        // The reply is the sender's acknowledgement path that does not wait for the channel;
                        // the channel's copy of the same seq is then dropped as already delivered.
                        Replies.Say said = Replies.Say.of(reply);
                        room.onMessage(said.epoch(), said.seq(), upToSeq + said.seq() + "}");
                    }
                }));
        return DONE; // the next say goes out at once: Redis runs one connection's scripts in order
    }

    private CompletableFuture<Void> leaveNow(Member member, String roomName, JsonNode id) {
        LocalRoom room = rooms.get(roomName);
        LocalRoom.Place place = room == null ? null : room.remove(member);
        if (place == null) {
            refuse(member.connection, json.notJoined(roomName, id));
            return DONE;
        }
        if (room.isRemoved()) release(room);
        long estimate = room.countWithout();
        if (!up.get()) {
            post(() -> send(member, json.left(roomName, estimate)));
            return DONE;
        }
        this.<Long>eval(Script.LEAVE, room.membersKey, room.channel, place.key())
                .whenComplete((count, error) -> post(() -> send(member, json.left(roomName, error == null ? count : estimate))));
        return DONE;
    }

    // ---- rooms and their channels ----

    /** The room for a join, made and subscribed if this server has no member in it yet. */
    private LocalRoom attach(String name) {
        subscriptions.lock();
        try {
            LocalRoom room = rooms.get(name);
            if (room != null && room.reserveJoin()) return room;
            if (room != null) {
                rooms.remove(name, room);
                unsubscribe(room);
            }
            room = new LocalRoom(name, this);
            room.reserveJoin();
            room.subscribed = subscribe(room.channel);
            rooms.put(name, room);
            return room;
        } finally {
            subscriptions.unlock();
        }
    }

    /** The room lost its last member: stop following its channel. */
    private void release(LocalRoom room) {
        subscriptions.lock();
        try {
            if (rooms.remove(room.name, room)) unsubscribe(room);
        } finally {
            subscriptions.unlock();
        }
    }

    CompletableFuture<Void> subscribe(String... channels) {
        try {
            return pubsub.async().subscribe(channels).toCompletableFuture().whenComplete((ignored, error) -> {
                if (error != null) noteFailure(error);
            });
        } catch (RuntimeException e) {
            noteFailure(e);
            return CompletableFuture.failedFuture(e);
        }
    }

    private void unsubscribe(LocalRoom room) {
        unsubscribe(room.channel);
    }

    void unsubscribe(String channel) {
        try {
            pubsub.async().unsubscribe(channel); // while Redis is away this fails; a stray subscription costs only its messages
        } catch (RuntimeException e) {
            // Nothing to undo.
        }
    }

    /** Fire and forget (a failure marks the broker down, like any). */
    void publish(String channel, String message) {
        try {
            redis.publish(channel, message).toCompletableFuture().whenComplete((ignored, error) -> {
                if (error != null) noteFailure(error);
            });
        } catch (RuntimeException e) {
            noteFailure(e);
        }
    }

    String serverId() { return serverId; }

    /** A message on a room's channel, on a Lettuce I/O thread: parsed here, handled where the server wants it. */
    private void onPublished(String channel, String payload) {
        if (!channel.startsWith("chatlab:{")) {
            sessions.onPublished(channel, payload);
            return;
        }
        LocalRoom room = rooms.get(channel.substring("chatlab:{".length(), channel.length() - 1));
        if (room == null || payload.length() < 2) return;
        int first = payload.indexOf(' ', 2);
        int second = payload.indexOf(' ', first + 1);
        if (first < 0 || second < 0) return;
        String field = payload.substring(2, first);
        long number = Long.parseLong(payload, first + 1, second, 10);
        String rest = payload.substring(second + 1);
        switch (payload.charAt(0)) {
            case 'm' -> post(() -> room.onMessage(field, number, rest));
            case 'p' -> post(() -> room.onPresence(field, number, rest));
            default -> { }
        }
    }

    /** The name in a presence entry {@code SERVER/LOCALID/NAME}. */
    static String nameOfKey(String key) {
        return key.substring(key.indexOf('/', key.indexOf('/') + 1) + 1);
    }

    // ---- the timer: heartbeats, syncs, resync ----

    private void tick() {
        if (closed.get()) return;
        try {
            if (!up.get()) {
                if (connection.isOpen() && pubsub.isOpen()) resync();
            } else if (System.nanoTime() - lastHeartbeatNanos >= url.heartbeat().toNanos()) {
                heartbeat();
            }
        } catch (RuntimeException e) {
            report("broker timer", e);
        }
    }

    /** Refreshes this server's presence entries (and removes the expired ones of every server). */
    private void heartbeat() {
        lastHeartbeatNanos = System.nanoTime();
        sessions.refresh();
        List<CompletableFuture<?>> beats = new ArrayList<>();
        beats.add(stayAlive());
        String ttl = Long.toString(url.presenceTtl().toMillis());
        for (LocalRoom room : rooms.values()) {
            List<String> keys = room.memberKeys();
            for (int start = 0; start < keys.size(); start += HEARTBEAT_CHUNK) {
                List<String> chunk = keys.subList(start, Math.min(keys.size(), start + HEARTBEAT_CHUNK));
                List<String> args = new ArrayList<>(chunk.size() + 2);
                args.add(room.channel);
                args.add(ttl);
                args.addAll(chunk);
                beats.add(eval(Script.HEARTBEAT, room.membersKey, args.toArray(String[]::new)));
            }
        }
        awaitAll(beats);
    }

    /** This server's alive key, which replicas of its sessions check: one presence TTL from now. */
    private CompletableFuture<?> stayAlive() {
        try {
            return redis.set(SharedSessions.aliveKeyOf(serverId), "1", SetArgs.Builder.px(url.presenceTtl().toMillis()))
                    .toCompletableFuture();
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /** Redis answers again: follow every room again, catch up on what was missed, then serve. */
    private void resync() {
        long outage = outages.get();
        List<String> channels = new ArrayList<>(sessions.channels());
        for (LocalRoom room : rooms.values()) channels.add(room.channel);
        if (!awaitAll(loadScripts())) return; // a restarted Redis has an empty script cache, data or not
        if (!channels.isEmpty() && !awaitAll(List.of(subscribe(channels.toArray(String[]::new))))) return;
        List<CompletableFuture<?>> syncs = new ArrayList<>();
        for (LocalRoom room : rooms.values()) syncs.add(syncNow(room));
        if (!awaitAll(syncs)) return;
        sessions.resync();
        heartbeat();
        if (outages.get() == outage && !closed.get() && up.compareAndSet(false, true)) {
            System.err.println("chatlab: broker " + url.display() + " is back; " + rooms.size() + " rooms followed again");
        }
    }

    /** Asks the timer for a sync of this room: it may be behind the history (called under the room's lock). */
    void scheduleSync(LocalRoom room, Duration delay) {
        try {
            timer.schedule(() -> syncNow(room), delay.toMillis(), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            // Closing.
        }
    }

    private CompletableFuture<?> syncNow(LocalRoom room) {
        LocalRoom.SyncRequest request = room.beginSync();
        if (request == null) return DONE;
        return this.<List<Object>>eval(Script.SYNC, room.numberingKeys, newEpoch(), Long.toString(request.floor()), request.epoch(), HISTORY)
                .whenComplete((reply, error) -> post(() -> {
                    if (error != null) room.syncFailed();
                    else room.synced(Replies.Sync.of(reply));
                }));
    }

    // ---- Redis ----

    /** Sends every script's text once, so that calls go by digest (at start, and after each outage). */
    private List<CompletableFuture<?>> loadScripts() {
        List<CompletableFuture<?>> loads = new ArrayList<>();
        for (Script script : Script.values()) loads.add(redis.scriptLoad(script.body).toCompletableFuture());
        return loads;
    }

    /**
     * Runs a script by its digest. Never by falling back to its text on {@code NOSCRIPT}: that
     * second send would let later calls overtake it, and one sender's messages change order.
     * A missing script counts as an outage instead; the resync loads the scripts again.
     */
    <T> CompletableFuture<T> eval(Script script, String[] keys, String... args) {
        CompletableFuture<T> result;
        try {
            result = redis.<T>evalsha(script.sha, script.output, keys, args).toCompletableFuture();
        } catch (RuntimeException e) {
            result = CompletableFuture.failedFuture(e);
        }
        // Chained, not a side branch: whoever waits on the result sees the broker marked down first.
        return result.whenComplete((ignored, error) -> {
            if (error != null) noteFailure(error);
        });
    }

    private void noteFailure(Throwable error) {
        Throwable cause = unwrap(error);
        String message = String.valueOf(cause.getMessage());
        if (cause instanceof RedisCommandExecutionException && !(cause instanceof RedisNoScriptException)
                && !message.startsWith("LOADING") && !message.startsWith("BUSY") && !message.startsWith("MASTERDOWN")) {
            report("a broker script failed", cause); // a bug, not an outage
        } else if (!message.startsWith("Request queue size exceeded") && !message.startsWith("Command buffer size exceeded")) {
            markDown(cause.getClass().getSimpleName() + ": " + message);
        }
    }

    private void markDown(String why) {
        if (closed.get()) return;
        outages.incrementAndGet();
        if (up.compareAndSet(true, false)) {
            System.err.println("chatlab: broker " + url.display() + " unreachable (" + why
                    + "); join and say answer 'unavailable' until it is back");
        }
    }

    /** Waits for every future (on the timer or a closing thread, never a connection's), at most the command timeout. */
    private boolean awaitAll(List<? extends CompletableFuture<?>> futures) {
        return awaitAll(futures, url.timeout().plusMillis(500));
    }

    private boolean awaitAll(List<? extends CompletableFuture<?>> futures, Duration wait) {
        try {
            CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).get(wait.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (ExecutionException e) {
            noteFailure(e.getCause());
            return false;
        } catch (TimeoutException e) {
            markDown("no answer within " + wait.toMillis() + " ms");
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private void shutdownClient() {
        try {
            if (pubsub != null) pubsub.close();
            if (connection != null) connection.close();
            client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        } catch (RuntimeException e) {
            report("closing the broker client", e);
        }
        resources.shutdown(0, 2, TimeUnit.SECONDS);
    }

    // ---- handing things to members ----

    /** Runs {@code work} where the server wants answers from the broker: on its loop, or here. */
    void post(Runnable work) {
        deliveries.execute(() -> {
            try {
                work.run();
            } catch (RuntimeException e) {
                report("handling a broker answer", e); // never let it reach an event loop
            }
        });
    }

    /** Hands a message to a member, counted like the in-process hub counts it. */
    void send(Member member, Outbound message) {
        counters.messageOut(message.frameLength());
        member.connection.deliver(message);
    }

    private void refuse(ChatMember connection, Outbound error) {
        post(() -> {
            counters.appError();
            connection.deliver(error);
        });
    }

    private Outbound unavailable(JsonNode id) {
        return json.error("unavailable", "the broker is unreachable; nothing was sent, try again", id);
    }

    private static String newEpoch() {
        return Long.toHexString(ThreadLocalRandom.current().nextLong());
    }

    private static Throwable unwrap(Throwable error) {
        Throwable cause = error;
        while ((cause instanceof CompletionException || cause instanceof ExecutionException) && cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause;
    }

    private static String rootMessage(Throwable error) {
        Throwable cause = error;
        while (cause.getCause() != null) cause = cause.getCause();
        return cause.getMessage();
    }

    private static java.util.logging.Logger quiet(java.util.logging.Logger logger) {
        logger.setLevel(java.util.logging.Level.SEVERE);
        return logger;
    }

    private static void report(String what, Throwable error) {
        System.err.println("chatlab: " + what + ": " + error);
    }
}
