package chatlab.protocol;

import chatlab.protocol.chat.ChatHub;
import chatlab.protocol.chat.ChatJson;
import chatlab.protocol.chat.ChatMember;
import chatlab.protocol.chat.Rooms;
import chatlab.protocol.http.HttpException;
import chatlab.protocol.http.OpeningHandshake;
import chatlab.protocol.http.RequestHead;
import chatlab.protocol.http.Rfc6455Handshake;
import chatlab.protocol.server.ChatServerProvider;
import chatlab.protocol.server.ChatServers;
import chatlab.protocol.server.ServerConfig;
import chatlab.protocol.ws.CloseCode;
import chatlab.protocol.ws.FrameCodec;
import chatlab.protocol.ws.FrameDecoder;
import chatlab.protocol.ws.FrameEncoder;
import chatlab.protocol.ws.MessageDecoder;
import chatlab.protocol.ws.Rfc6455Codec;
import chatlab.protocol.ws.WebSocketException;
import java.io.File;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.util.function.Supplier;

/**
 * Which implementation of each exchangeable piece chatlab's tests run against: chatlab's own,
 * unless a system property names another class. This is how {@code ./chatlab exercise check}
 * points the project's own tests at a student's class: the unit tests take their handshake and
 * codec from here, and the conformance suite plugs the pieces into every server it starts and
 * adds the server under test to its models. Shared with the suite through this module's test jar.
 *
 * <table>
 * <caption>System properties</caption>
 * <tr><td>{@value #CLASSPATH}</td><td>where the named classes are (a path list of directories and jars); default: the test class path</td></tr>
 * <tr><td>{@value #HANDSHAKE}</td><td>an {@link OpeningHandshake}</td></tr>
 * <tr><td>{@value #CODEC}</td><td>a {@link FrameCodec}</td></tr>
 * <tr><td>{@value #ROOMS}</td><td>the {@link Rooms} of a chat hub: a new one for every server started</td></tr>
 * <tr><td>{@value #WEB}</td><td>a directory whose files the servers serve in place of the browser page's own (a student's transport)</td></tr>
 * <tr><td>{@value #SERVER}</td><td>a {@link chatlab.protocol.server.ChatServer} or {@link ChatServerProvider}: its models join the suite's core models</td></tr>
 * </table>
 *
 * <p>A piece plugged into a server is guarded: when it throws where the protocol expects an
 * answer, the client gets that answer (status 500, close 1011, an {@code error internal} for a
 * hub's request) with what was thrown as its reason,
 * so a test fails with a message naming the student's line instead of a server whose thread died.
 * It is also said once on standard error, for the clients that cannot show it (a browser does not
 * tell a page why its WebSocket was refused). The unit tests call the pieces unguarded, so their
 * failures show the exception itself.
 */
public final class UnderTest {

    public static final String CLASSPATH = "chatlab.test.classpath";
    public static final String HANDSHAKE = "chatlab.test.handshake";
    public static final String CODEC = "chatlab.test.codec";
    public static final String ROOMS = "chatlab.test.rooms";
    public static final String SERVER = "chatlab.test.server";
    public static final String WEB = "chatlab.test.web";

    /** One loader per class path, so that every test sees the same classes. */
    private static final ConcurrentHashMap<String, ClassLoader> LOADERS = new ConcurrentHashMap<>();
    private static final ConcurrentHashMap<String, ChatServerProvider> PROVIDERS = new ConcurrentHashMap<>();
    /** Builds a guarded hub's error answers. */
    private static final ChatJson JSON = new ChatJson(ServerConfig.JsonRecycler.SHARED);
    /** What a guarded piece threw, each said once. */
    private static final java.util.Set<String> SAID = ConcurrentHashMap.newKeySet();

    private UnderTest() {}

    /** The handshake the unit tests check: {@value #HANDSHAKE}'s class, else chatlab's own. */
    public static OpeningHandshake handshake() {
        return instance(HANDSHAKE, OpeningHandshake.class, Rfc6455Handshake::new);
    }

    /** The codec the unit tests check: {@value #CODEC}'s class, else chatlab's own. */
    public static FrameCodec codec() {
        return instance(CODEC, FrameCodec.class, Rfc6455Codec::new);
    }

    /** A new hub of {@value #ROOMS}'s class, else chatlab's own. */
    public static Rooms rooms() {
        return instance(ROOMS, Rooms.class, ChatHub::new);
    }

    /** The server under test, when {@value #SERVER} names one. */
    public static Optional<ChatServerProvider> server() {
        String name = property(SERVER);
        if (name == null) return Optional.empty();
        // Once per class and class path: a server class is constructed once to learn its model's name.
        return Optional.of(PROVIDERS.computeIfAbsent(name + File.pathSeparator + property(CLASSPATH),
                key -> ChatServers.providerOf(load(name))));
    }

    /** {@code config} with every piece a property names plugged in, each guarded. */
    public static ServerConfig plugInto(ServerConfig config) {
        if (property(HANDSHAKE) != null) config = config.withHandshake(new GuardedHandshake(handshake()));
        if (property(CODEC) != null) config = config.withCodec(new GuardedCodec(codec()));
        if (property(ROOMS) != null) config = config.withRooms(() -> new GuardedRooms(rooms()));
        if (property(WEB) != null) config = config.withWebOverlay(java.nio.file.Path.of(property(WEB)));
        return config;
    }

    /** A class by name from {@value #CLASSPATH} (searched after the test class path). */
    public static Class<?> load(String name) {
        try {
            return Class.forName(name, true, loader());
        } catch (ClassNotFoundException e) {
            throw new IllegalArgumentException("class " + name + " not found"
                    + (property(CLASSPATH) == null ? "" : " in " + property(CLASSPATH) + " or") + " on the test class path", e);
        }
    }

    /**
     * How a student's exception reads in a close reason or a status line: its type, message and
     * the line that threw it (the first frame outside the JDK), the line first so that a close
     * frame's 123 bytes keep it.
     */
    public static String describe(String what, Throwable e) {
        StringBuilder text = new StringBuilder(what).append(" threw ").append(e.getClass().getSimpleName());
        for (StackTraceElement frame : e.getStackTrace()) {
            String c = frame.getClassName();
            if (c.startsWith("java.") || c.startsWith("jdk.") || c.startsWith("sun.")) continue;
            text.append(" at ").append(frame.getFileName()).append(':').append(frame.getLineNumber());
            break;
        }
        if (e.getMessage() != null) text.append(": ").append(e.getMessage());
        return text.toString();
    }

    /** {@link #describe}, said once on standard error (a server's answer may not reach the test's eyes). */
    private static String threw(String what, Throwable e) {
        String description = describe(what, e);
        if (SAID.add(description)) System.err.println("  (in the server) " + description);
        return description;
    }

    private static <T> T instance(String property, Class<T> type, Supplier<T> chatlabs) {
        String name = property(property);
        if (name == null) return chatlabs.get();
        Class<?> c = load(name);
        if (!type.isAssignableFrom(c)) throw new IllegalArgumentException(name + " does not implement " + type.getName());
        try {
            return type.cast(c.getConstructor().newInstance());
        } catch (ReflectiveOperationException e) {
            throw new IllegalArgumentException("could not construct " + name + " with its public no-argument constructor: " + e, e);
        }
    }

    private static String property(String name) {
        String value = System.getProperty(name, "").trim();
        return value.isEmpty() ? null : value;
    }

    private static ClassLoader loader() {
        ClassLoader parent = UnderTest.class.getClassLoader();
        String path = property(CLASSPATH);
        if (path == null) return parent;
        return LOADERS.computeIfAbsent(path, p -> {
            List<URL> urls = new ArrayList<>();
            for (String entry : p.split(File.pathSeparator)) {
                if (entry.isBlank()) continue;
                try {
                    urls.add(new File(entry).toURI().toURL());
                } catch (MalformedURLException e) {
                    throw new IllegalArgumentException("not a path: " + entry, e);
                }
            }
            return new URLClassLoader("under-test", urls.toArray(URL[]::new), parent);
        });
    }

    /** A handshake that answers 500, naming the line, where the plugged one throws. */
    private record GuardedHandshake(OpeningHandshake inner) implements OpeningHandshake {
        @Override
        public byte[] accept(RequestHead request) throws HttpException {
            byte[] response;
            try {
                response = inner.accept(request);
            } catch (RuntimeException e) {
                throw new HttpException(500, threw(inner.getClass().getSimpleName() + ".accept", e));
            }
            if (response == null) throw new HttpException(500, inner.getClass().getSimpleName() + ".accept returned null");
            return response;
        }
    }

    /** A codec whose decoders close with 1011, naming the line, where the plugged one throws. */
    private record GuardedCodec(FrameCodec inner) implements FrameCodec {
        @Override
        public MessageDecoder newDecoder(FrameDecoder.Role role, int maxMessageBytes) {
            String name = inner.getClass().getSimpleName();
            MessageDecoder decoder;
            try {
                decoder = inner.newDecoder(role, maxMessageBytes);
            } catch (RuntimeException e) {
                String reason = threw(name + ".newDecoder", e);
                return (in, listener) -> { throw new WebSocketException(CloseCode.INTERNAL_ERROR, reason); };
            }
            if (decoder == null) {
                return (in, listener) -> { throw new WebSocketException(CloseCode.INTERNAL_ERROR, name + ".newDecoder returned null"); };
            }
            return (in, listener) -> {
                try {
                    decoder.decode(in, listener);
                } catch (RuntimeException e) {
                    throw new WebSocketException(CloseCode.INTERNAL_ERROR, threw(decoder.getClass().getSimpleName() + ".decode", e));
                }
                if (in.hasRemaining()) {
                    throw new WebSocketException(CloseCode.INTERNAL_ERROR,
                            "decode left " + in.remaining() + " bytes unread: it must consume them all");
                }
            };
        }

        /** Where the plugged encoder throws, the frame becomes a close 1011 naming the line: the client sees why. */
        @Override
        public byte[] encode(int opcode, boolean fin, byte[] payload, byte[] maskKey) {
            String name = inner.getClass().getSimpleName();
            try {
                byte[] frame = inner.encode(opcode, fin, payload, maskKey);
                return frame != null ? frame : FrameEncoder.serverClose(CloseCode.INTERNAL_ERROR, name + ".encode returned null");
            } catch (RuntimeException e) {
                return FrameEncoder.serverClose(CloseCode.INTERNAL_ERROR, threw(name + ".encode", e));
            }
        }
    }

    /**
     * Rooms whose calls answer {@code error internal} (with the request's {@code id}), naming the
     * line, where the plugged ones throw: the client sees why, and its connection stays open.
     */
    private record GuardedRooms(Rooms inner) implements Rooms {
        @Override
        public void join(ChatMember member, String room, String name, long after, JsonNode id) {
            guard(member, "join", id, () -> inner.join(member, room, name, after, id));
        }

        @Override
        public void leave(ChatMember member, String room, JsonNode id) {
            guard(member, "leave", id, () -> inner.leave(member, room, id));
        }

        @Override
        public void say(ChatMember member, String room, String text, String id) {
            guard(member, "say", id == null ? null : TextNode.valueOf(id), () -> inner.say(member, room, text, id));
        }

        @Override
        public void disconnect(ChatMember member, Iterable<String> rooms) {
            try {
                inner.disconnect(member, rooms);
            } catch (RuntimeException e) {
                threw(inner.getClass().getSimpleName() + ".disconnect", e); // nobody to answer: the connection is gone
            }
        }

        @Override
        public String brokerUrl() { return inner.brokerUrl(); }

        @Override
        public ChatJson json() { return inner.json(); }

        @Override
        public boolean brokerUp() { return inner.brokerUp(); }

        @Override
        public void close() {
            try {
                inner.close();
            } catch (RuntimeException e) {
                threw(inner.getClass().getSimpleName() + ".close", e);
            }
        }

        private void guard(ChatMember member, String method, JsonNode id, Runnable call) {
            try {
                call.run();
            } catch (RuntimeException e) {
                member.deliver(JSON.error("internal", threw(inner.getClass().getSimpleName() + "." + method, e), id));
            }
        }
    }
}
