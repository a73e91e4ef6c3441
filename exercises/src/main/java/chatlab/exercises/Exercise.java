package chatlab.exercises;

import chatlab.protocol.UnderTest;
import chatlab.protocol.chat.Rooms;
import chatlab.protocol.http.OpeningHandshake;
import chatlab.protocol.server.ChatServer;
import chatlab.protocol.server.ChatServerProvider;
import chatlab.protocol.server.ServerConfig;
import chatlab.protocol.ws.FrameCodec;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiFunction;

/**
 * The exercise track: for each exercise, the interface a student's class implements, the cases
 * (chatlab's own tests, selected by method) it must pass, where it runs, and its starter code.
 * Each exercise's page is {@code docs/exercises/SLUG.md}; its starter files are resources under
 * {@code chatlab/exercises/starters/SLUG/}.
 */
public enum Exercise {

    WEBSOCKET(1, "1-websocket", "WebSocket in the browser's client library and the server's upgrade (the lecture's exercise)",
            Piece.handshake(), List.of("my.Handshake"), List.of(Exercise.WEB_TRANSPORT), List.of("chatlab.protocol.http.Rfc6455Handshake"),
            Map.of("chatlab.transports", "websocket"),
            List.of(new Cases("the chat page in Chromium, over your transport and your handshake (browser tests)",
                    "chatlab.browser.ChatPageTest", "twoPagesChat", "pagesCatchUpAfterAServerRestart",
                    "autoFallsBackWhenWebSocketIsRefused"))),

    HANDSHAKE(2, "2-handshake", "the opening handshake (RFC 6455 section 4)",
            Piece.handshake(), List.of("my.Handshake"), List.of(), List.of("chatlab.protocol.http.Rfc6455Handshake"), Map.of(),
            List.of(new Cases("the handshake on its own (protocol unit tests)", "chatlab.protocol.http.HandshakeTest",
                            "rfcExampleKeyIsAnsweredWithTheRfcExampleAccept", "switchingProtocolsNamesTheUpgradeAndEndsTheHead",
                            "eachWrongFieldHasItsStatus"),
                    new Cases("upgrade requests on a real socket (conformance suite)", "chatlab.testsuite.HandshakeTest",
                            "handshake"))),

    CODEC(3, "3-frames", "the frame decoder and encoder (RFC 6455 section 5)",
            new Piece(FrameCodec.class, UnderTest.CODEC, "evented", (config, piece) -> config.withCodec((FrameCodec) piece)),
            List.of("my.Codec"), List.of(), List.of("chatlab.protocol.ws.Rfc6455Codec"), Map.of(),
            List.of(new Cases("the codec on its own (protocol unit tests)", "chatlab.protocol.ws.FrameCodecTest",
                            "rfcExamplesEncodeAndDecodeExactly", "oneByteAtATimeHandlesEveryLengthEncoding",
                            "randomFramesInRandomSplitsDecodeToWhatWasEncoded", "serverRefusesUnmaskedAndClientRefusesMasked",
                            "tooBigIsRefusedFromTheHeaderBeforeThePayload", "invalidUtf8IsRefusedBeforeTheLastFragment",
                            "eachFramingViolationIs1002"),
                    new Cases("protocol violations on a real socket (conformance suite)", "chatlab.testsuite.ProtocolViolationTest",
                            "violationIsClosedWithItsCode"),
                    new Cases("echo through real clients (conformance suite)", "chatlab.testsuite.EchoTest",
                            "echoesTextOfEverySize", "echoesBinaryOfEverySize", "fragmentedTextWithPingsBetweenComesBackWhole",
                            "pingIsAnsweredWithTheSamePayload", "clientCloseIsEchoedWithItsCode"))),

    ECHO(4, "4-echo", "an echo server: thread per connection, then a selector loop",
            null,
            List.of("my.ThreadedEchoServer", "my.LoopEchoServer"), List.of("my/EchoSession.java"),
            List.of("chatlab.threaded.ThreadedServerProvider", "chatlab.evented.EventedServerProvider"), Map.of(),
            List.of(new Cases("echo on a real socket (conformance suite)", "chatlab.testsuite.EchoTest",
                    "echoesTextOfEverySize", "echoesBinaryOfEverySize", "messageOverTheLimitIsClosedWith1009",
                    "configuredLimitIsApplied", "fragmentedTextWithPingsBetweenComesBackWhole", "fragmentedBinaryComesBackWhole",
                    "characterSplitAcrossFragmentsIsValid", "fragmentedMessageOverTheLimitIsClosedWith1009",
                    "pingIsAnsweredWithTheSamePayload", "clientCloseIsEchoedWithItsCode"))),

    // serve runs one server per process, so the one instance StudentServer makes is that server's hub.
    HUB(5, "5-chat-hub", "the chat hub: rooms, presence and resume",
            new Piece(Rooms.class, UnderTest.ROOMS, "threaded-virtual", (config, piece) -> config.withRooms(() -> (Rooms) piece)),
            List.of("my.ChatRooms"), List.of(), List.of("chatlab.protocol.chat.ChatHub"), Map.of(),
            List.of(new Cases("chat in rooms over real sockets (conformance suite)", "chatlab.testsuite.ChatTest",
                            "joinSayLeaveAndPresence", "idIsCopiedBackUntouched", "seqCountsFromOneWithoutGapsForEveryMember",
                            "everyErrorEchoesTheIdAndKeepsTheConnection", "roomsAreIsolated", "closingLeavesEveryRoom",
                            "droppedConnectionLeavesItsRooms"),
                    new Cases("many senders at once: every member gets every message, in order (conformance suite)",
                            "chatlab.testsuite.ConcurrencyTest", "everyoneGetsEveryMessageInOrder"),
                    new Cases("resume: join with after (conformance suite)", "chatlab.testsuite.HistoryTest",
                            "joinAfterResendsWhatFollowsN")));

    /** The browser transport a student writes in exercise 1, under the directory the server serves the page's files from. */
    public static final String WEB_TRANSPORT = "web/static/transports/websocket.js";

    /**
     * A piece that runs inside one of chatlab's models: the interface it implements, the
     * {@link UnderTest} property that plugs it in for the tests, the model it runs in unless told
     * otherwise, and how a server's configuration takes it (for {@code serve} and {@code bench}).
     */
    public record Piece(Class<?> type, String property, String defaultModel, BiFunction<ServerConfig, Object, ServerConfig> plug) {

        /** An {@link OpeningHandshake} in {@code evented}: exercises 1 and 2. */
        static Piece handshake() {
            return new Piece(OpeningHandshake.class, UnderTest.HANDSHAKE, "evented",
                    (config, piece) -> config.withHandshake((OpeningHandshake) piece));
        }
    }

    /** Test methods of one test class, shown under one title in the report. */
    public record Cases(String title, String testClass, List<String> methods) {
        Cases(String title, String testClass, String... methods) {
            this(title, testClass, List.of(methods));
        }
    }

    private final int number;
    private final String slug;
    private final String title;
    private final Piece piece;
    private final List<String> starterClasses;
    private final List<String> otherFiles;
    private final List<String> referenceClasses;
    private final Map<String, String> testProperties;
    private final List<Cases> cases;

    /**
     * @param otherFiles     starter files besides the classes to write: given helpers, and files that are not Java
     * @param testProperties system properties the exercise's test classes read (which transport the browser tests use)
     */
    Exercise(int number, String slug, String title, Piece piece, List<String> starterClasses, List<String> otherFiles,
             List<String> referenceClasses, Map<String, String> testProperties, List<Cases> cases) {
        this.number = number;
        this.slug = slug;
        this.title = title;
        this.piece = piece;
        this.starterClasses = starterClasses;
        this.otherFiles = otherFiles;
        this.referenceClasses = referenceClasses;
        this.testProperties = testProperties;
        this.cases = cases;
    }

    public int number() { return number; }

    /** The page's and the starter directory's name: {@code 2-handshake}. */
    public String slug() { return slug; }

    public String title() { return title; }

    /** The piece a student writes, or null when the student writes a whole server ({@link ChatServer} or {@link ChatServerProvider}). */
    public Piece piece() { return piece; }

    /** What a student's class must implement, for messages. */
    public String expectedType() {
        return piece != null ? piece.type().getName() : ChatServer.class.getName() + " or " + ChatServerProvider.class.getName();
    }

    /** The classes of the starter code, which {@code check} looks for when no class is named. */
    public List<String> starterClasses() { return starterClasses; }

    /**
     * The starter files, relative to the student's directory ({@code my/Handshake.java}): the
     * classes to write, then the other files.
     */
    public List<String> starterFiles() {
        return java.util.stream.Stream.concat(starterClasses.stream().map(c -> c.replace('.', '/') + ".java"), otherFiles.stream())
                .toList();
    }

    /** Whether the student also writes part of the browser page ({@value #WEB_TRANSPORT}), which the servers then serve. */
    public boolean hasWebPart() { return otherFiles.contains(WEB_TRANSPORT); }

    /** System properties the exercise's test classes read, beyond the ones that name the student's class. */
    public Map<String, String> testProperties() { return testProperties; }

    /** chatlab's own implementation behind the same interface: the reference solution, which passes every case. */
    public List<String> referenceClasses() { return referenceClasses; }

    public List<Cases> cases() { return cases; }

    /** The page, relative to the repository root. */
    public String page() { return "docs/exercises/" + slug + ".md"; }

    /** The exercise whose piece {@code type} implements, if it is a piece. */
    public static Optional<Exercise> byPiece(Class<?> type) {
        return Arrays.stream(values()).filter(e -> e.piece != null && e.piece.type().isAssignableFrom(type)).findFirst();
    }

    public static Optional<Exercise> byNumber(int number) {
        return Arrays.stream(values()).filter(e -> e.number == number).findFirst();
    }

    /** "2, 3 and 4", for messages. */
    public static String numbers() {
        List<String> all = Arrays.stream(values()).map(e -> Integer.toString(e.number)).sorted().toList();
        return all.size() == 1 ? all.get(0)
                : String.join(", ", all.subList(0, all.size() - 1)) + " and " + all.get(all.size() - 1);
    }
}
