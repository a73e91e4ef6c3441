package chatlab.protocol.chat;

import chatlab.protocol.server.ServerConfig.JsonRecycler;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.io.SegmentedStringWriter;
import com.fasterxml.jackson.core.util.BufferRecycler;
import com.fasterxml.jackson.core.util.JsonRecyclerPools;
import com.fasterxml.jackson.core.util.RecyclerPool;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;

/**
 * One server's chat JSON: a thread-safe {@link ObjectMapper}, and the server's messages built in
 * one place. One instance per server, never static, so that two servers in one JVM share no pool.
 *
 * <p>Parsing or writing one message needs about 16 KiB of scratch {@code char[]} and
 * {@code byte[]}, which Jackson recycles between messages through a {@link RecyclerPool}; the
 * server's {@link JsonRecycler} setting picks the pool. Jackson's default keeps one set per thread,
 * which under thread per connection is one set per connection for as long as it lives. The shared
 * pool lends a set for one message and takes it back, so the sets in use are bounded by the
 * threads parsing or writing at the same moment.
 *
 * <p>Everything is written through this mapper, never with {@code JsonNode.toString()}: that
 * method uses Jackson's own static mapper and with it the per-thread cache.
 */
public final class ChatJson {

    /**
     * Sets of buffers the shared pool keeps. A thread holds one only while it parses or writes a
     * message, so a few per core cover the threads that can be doing so at once; a thread that
     * finds the pool empty gets a fresh set, which is dropped rather than kept when the pool is full.
     */
    static final int SHARED_POOL_SETS = 4 * Runtime.getRuntime().availableProcessors();

    private final JsonFactory factory;
    private final ObjectMapper mapper;
    private final ObjectReader strictReader;

    public ChatJson(JsonRecycler recycler) {
        RecyclerPool<BufferRecycler> pool = switch (recycler) {
            case THREAD_LOCAL -> JsonRecyclerPools.threadLocalPool();
            case SHARED -> JsonRecyclerPools.newBoundedPool(SHARED_POOL_SETS);
        };
        this.factory = JsonFactory.builder().recyclerPool(pool).build();
        this.mapper = new ObjectMapper(factory);
        this.strictReader = mapper.reader().with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    }

    /** A new message object with its {@code type}. */
    public ObjectNode object(String type) {
        ObjectNode node = mapper.createObjectNode();
        node.put("type", type);
        return node;
    }

    /** The message, serialized once, for however many recipients. */
    public Outbound outbound(JsonNode node) {
        return new Outbound(write(node));
    }

    public String write(JsonNode node) {
        try {
            return mapper.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a JSON tree always serializes", e);
        }
    }

    public JsonNode parse(String text) throws JsonProcessingException {
        return mapper.readTree(text);
    }

    public JsonNode parse(byte[] utf8) throws IOException {
        return mapper.readTree(utf8);
    }

    /** Strict: one JSON value, and a second value after it is an error, not ignored (an HTTP body). */
    public JsonNode parseWhole(byte[] utf8) throws IOException {
        return strictReader.readTree(utf8);
    }

    /**
     * {@code {"type":"message","room":..,"from":..,"text":..,"id":..,"seq":..,"ts":..}}, the one
     * message written for every {@code say}: straight to text with a generator, no tree in
     * between, since it is the message a busy server writes most ({@code id} left out when null).
     */
    public Outbound message(String room, String from, String text, String id, long seq, long ts) {
        BufferRecycler recycler = factory._getBufferRecycler();
        try (SegmentedStringWriter out = new SegmentedStringWriter(recycler)) {
            try (JsonGenerator g = factory.createGenerator(out)) {
                g.writeStartObject();
                g.writeStringField("type", "message");
                g.writeStringField("room", room);
                g.writeStringField("from", from);
                g.writeStringField("text", text);
                if (id != null) g.writeStringField("id", id);
                g.writeNumberField("seq", seq);
                g.writeNumberField("ts", ts);
                g.writeEndObject();
            }
            return new Outbound(out.getAndClear());
        } catch (IOException e) {
            throw new IllegalStateException("writing to memory does not fail", e);
        } finally {
            recycler.releaseToPool();
        }
    }

    /**
     * A room message's JSON up to its number: {@code {"type":"message",...,"seq":} without the
     * number and the closing brace, which whoever numbers it appends ({@code prefix + seq + "}"}).
     * A broker numbers a message in one atomic step, so it is built before its {@code seq} is known.
     */
    public String messageUpToSeq(String room, String from, String text, String id, long ts) {
        ObjectNode message = object("message");
        message.put("room", room);
        message.put("from", from);
        message.put("text", text);
        if (id != null) message.put("id", id);
        message.put("ts", ts);
        String json = write(message);
        return json.substring(0, json.length() - 1) + ",\"seq\":";
    }

    /** {@code joined}, to the joiner; {@code gap} only when true. */
    public Outbound joined(String room, String name, long members, boolean gap) {
        ObjectNode joined = object("joined");
        joined.put("room", room);
        joined.put("name", name);
        joined.put("members", members);
        if (gap) joined.put("gap", true);
        return outbound(joined);
    }

    /** {@code left}, to the member that left. */
    public Outbound left(String room, long members) {
        ObjectNode left = object("left");
        left.put("room", room);
        left.put("members", members);
        return outbound(left);
    }

    /** {@code presence}, to the room's other members; {@code event} is {@code join} or {@code leave}. */
    public Outbound presence(String room, String name, String event, long members) {
        ObjectNode node = object("presence");
        node.put("room", room);
        node.put("name", name);
        node.put("event", event);
        node.put("members", members);
        return outbound(node);
    }

    /** The {@code not_joined} answer to a {@code say} or {@code leave} for a room the connection is not in. */
    public Outbound notJoined(String room, JsonNode id) {
        return error("not_joined", "join " + room + " first", id);
    }

    /** {@code {"type":"error","code":..,"reason":..,"id":..}}, the id echoed when the request had one. */
    public Outbound error(String code, String reason, JsonNode id) {
        ObjectNode node = object("error");
        node.put("code", code);
        node.put("reason", reason);
        if (id != null && !id.isNull()) node.set("id", id);
        return outbound(node);
    }
}
