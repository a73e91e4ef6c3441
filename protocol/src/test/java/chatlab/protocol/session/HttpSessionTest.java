package chatlab.protocol.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chatlab.protocol.chat.ChatHub;
import chatlab.protocol.chat.ChatJson;
import chatlab.protocol.chat.ChatMember;
import chatlab.protocol.chat.LabRunner;
import chatlab.protocol.chat.Outbound;
import chatlab.protocol.server.ServerConfig;
import chatlab.protocol.server.ServerCounters;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class HttpSessionTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long SECOND = TimeUnit.SECONDS.toNanos(1);

    private final ServerCounters counters = new ServerCounters();
    private final ChatHub hub = new ChatHub(counters, ServerConfig.Faults.NONE, new ChatJson(ServerConfig.JsonRecycler.SHARED));
    private final ServerConfig config = ServerConfig.defaults().withSessionExpiry(Duration.ofSeconds(60));
    private final SessionTable table = new SessionTable(hub, config, counters);

    private static Outbound message(int i) {
        return new Outbound("{\"type\":\"message\",\"text\":\"m" + i + "\"}");
    }

    private static JsonNode parse(String json) throws Exception {
        return JSON.readTree(json);
    }

    @Test
    void messagesAreNumberedPerSessionAndAnsweredAboveAfter() {
        HttpSession session = table.create(LabRunner.INLINE, System.nanoTime());
        for (int i = 1; i <= 3; i++) session.deliver(message(i));
        HttpSession.Batch batch = session.messagesAfter(1, Integer.MAX_VALUE);
        assertEquals(3, batch.last());
        assertEquals(List.of("m2", "m3"), texts(batch));
        assertFalse(batch.gap());
        HttpSession.Batch none = session.messagesAfter(3, Integer.MAX_VALUE);
        assertEquals(3, none.last(), "no messages: last is after itself");
        assertTrue(none.messages().isEmpty());
    }

    @Test
    void keepsTheLastThousandAndSaysWhenSomeWereDropped() {
        HttpSession session = table.create(LabRunner.INLINE, System.nanoTime());
        for (int i = 1; i <= HttpSession.KEPT + 5; i++) session.deliver(message(i));
        HttpSession.Batch batch = session.messagesAfter(0, Integer.MAX_VALUE);
        assertEquals(HttpSession.KEPT + 5, batch.last());
        assertEquals(HttpSession.KEPT, batch.messages().size());
        assertEquals("m6", texts(batch).get(0));
        assertTrue(batch.gap(), "1 to 5 were dropped");
        assertFalse(session.messagesAfter(5, Integer.MAX_VALUE).gap(), "nothing above 5 was dropped");
    }

    @Test
    void anAnswerStopsAtItsSizeLimitButAlwaysCarriesOneMessage() {
        HttpSession session = table.create(LabRunner.INLINE, System.nanoTime());
        for (int i = 1; i <= 5; i++) session.deliver(message(i));
        int one = message(1).json().length();
        HttpSession.Batch two = session.messagesAfter(0, 2 * one + 1);
        assertEquals(2, two.last(), "the client continues from 2");
        assertEquals(List.of("m1", "m2"), texts(two));
        assertEquals(List.of("m3"), texts(session.messagesAfter(2, 1)));
    }

    @Test
    void aSubscriberGetsTheReplayThenEveryNewMessageWithItsNumber() {
        HttpSession session = table.create(LabRunner.INLINE, System.nanoTime());
        for (int i = 1; i <= 3; i++) session.deliver(message(i));
        List<Long> numbers = new ArrayList<>();
        HttpSession.Subscriber subscriber = (number, message) -> numbers.add(number);
        assertTrue(session.subscribe(1, Integer.MAX_VALUE, subscriber));
        session.deliver(message(4));
        session.unsubscribe(subscriber);
        session.deliver(message(5));
        assertEquals(List.of(2L, 3L, 4L), numbers);
    }

    @Test
    void aReplayOverItsLimitStopsUnsubscribed() {
        HttpSession session = table.create(LabRunner.INLINE, System.nanoTime());
        for (int i = 1; i <= 5; i++) session.deliver(message(i));
        List<Long> numbers = new ArrayList<>();
        assertFalse(session.subscribe(0, message(1).json().length() * 2, (number, message) -> numbers.add(number)));
        session.deliver(message(6));
        assertEquals(List.of(1L, 2L), numbers);
    }

    @Test
    void holdingAPollSubscribesOnlyWhenNothingIsThereYet() {
        HttpSession session = table.create(LabRunner.INLINE, System.nanoTime());
        session.deliver(message(1));
        List<Long> woken = new ArrayList<>();
        assertFalse(session.subscribeIfNoneAfter(0, (n, m) -> woken.add(n)), "message 1 is there: answer at once");
        assertTrue(session.subscribeIfNoneAfter(1, (n, m) -> woken.add(n)));
        session.deliver(message(2));
        assertEquals(List.of(2L), woken);
    }

    @Test
    void awaitReturnsAtTheDeadlineWhenNothingArrives() throws InterruptedException {
        HttpSession session = table.create(LabRunner.INLINE, System.nanoTime());
        session.awaitMessagesAfter(0, System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(20));
        assertEquals(0, session.lastNumber());
    }

    @Test
    void aSessionUnusedForTheExpiryEndsAndLeavesItsRooms() throws Exception {
        long t0 = System.nanoTime();
        HttpSession session = table.create(LabRunner.INLINE, t0);
        List<String> seen = new ArrayList<>();
        ChatMember other = message -> seen.add(message.json());
        hub.join(other, "lobby", "other", -1, null);
        assertTrue(session.accept(List.of(parse("{\"type\":\"join\",\"room\":\"lobby\",\"name\":\"http\"}"))));
        assertEquals(1, counters.snapshot("t").httpSessions());

        assertSame(session, table.find(session.id(), t0 + 30 * SECOND), "a request is use: the clock restarts");
        table.expireDue(t0 + 89 * SECOND);
        assertNotNull(table.find(session.id(), t0 + 89 * SECOND));
        table.expireDue(t0 + 150 * SECOND);
        assertNull(table.find(session.id(), t0 + 150 * SECOND));
        assertTrue(session.isEnded());
        assertFalse(session.accept(List.of(parse("{\"type\":\"join\",\"room\":\"lobby\",\"name\":\"again\"}"))),
                "an ended session takes no more input");
        assertTrue(seen.get(seen.size() - 1).contains("\"event\":\"leave\""), "the room saw it leave: " + seen);
        assertEquals(0, counters.snapshot("t").httpSessions());
        assertEquals(1, counters.snapshot("t").httpSessionsExpired());
    }

    @Test
    void aHeldPollOrAStreamKeepsTheSessionAlive() {
        long t0 = System.nanoTime();
        HttpSession session = table.create(LabRunner.INLINE, t0);
        assertTrue(session.retain());
        table.expireDue(t0 + 600 * SECOND);
        assertFalse(session.isEnded(), "in use");
        session.release(t0 + 600 * SECOND);
        table.expireDue(t0 + 630 * SECOND);
        assertFalse(session.isEnded(), "the clock restarted when the use ended");
        table.expireDue(t0 + 661 * SECOND);
        assertTrue(session.isEnded());
    }

    @Test
    void theTableIsBounded() {
        SessionTable small = new SessionTable(hub, config.withMaxHttpSessions(2), counters);
        assertNotNull(small.create(LabRunner.INLINE, System.nanoTime()));
        assertNotNull(small.create(LabRunner.INLINE, System.nanoTime()));
        assertNull(small.create(LabRunner.INLINE, System.nanoTime()));
    }

    private static List<String> texts(HttpSession.Batch batch) {
        List<String> out = new ArrayList<>();
        for (Outbound m : batch.messages()) {
            try {
                out.add(JSON.readTree(m.json()).get("text").asText());
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        }
        return out;
    }
}
