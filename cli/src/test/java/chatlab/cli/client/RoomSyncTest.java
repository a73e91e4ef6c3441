package chatlab.cli.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The terminal client's resume logic, fed the server's answers by hand, case by case. */
class RoomSyncTest {

    private final List<String> sent = new ArrayList<>();
    private final List<RoomSync.Shown> shown = new ArrayList<>();
    private final RoomSync.Output output = new RoomSync.Output() {
        @Override public void send(String json) { sent.add(json); }
        @Override public void show(RoomSync.Shown thing) { shown.add(thing); }
    };
    private long now;
    private final RoomSync sync = new RoomSync("r", "alice", "t1", () -> now);

    @Test
    void firstJoinAsksForHistoryAndHoldsMessagesUntilTheReplayEnds() throws Exception {
        sync.connected(output);
        assertEquals(2, sent.size(), "a join and the join that marks the replay's end: " + sent);
        assertEquals(0, json(sent.get(0)).get("after").asLong());
        assertTrue(json(sent.get(1)).get("after").asLong() > 1L << 50);
        sync.received(joined());
        sync.received(message(1, "bob", "old", "b-1"));
        assertEquals(List.of(), texts(), "held until the replay has ended");
        sync.received(joined());
        assertEquals(List.of("old"), texts());
        assertTrue(sync.isLive());
    }

    @Test
    void aResumeThatFindsItsLastMessageShowsOnlyWhatIsNew() throws Exception {
        live(message(1, "bob", "one", "b-1"), message(2, "bob", "two", "b-2"));
        sync.disconnected();
        sent.clear();
        sync.connected(output);
        assertEquals(1, json(sent.get(0)).get("after").asLong(), "after = last seq - 1, to see the last one again");
        sync.received(joined());
        sync.received(message(2, "bob", "two", "b-2"));
        sync.received(message(3, "bob", "three", "b-3"));
        sync.received(joined());
        assertEquals(List.of("one", "two", "three"), texts());
    }

    @Test
    void aRestartedServerIsNoticedAndItsNewHistoryTakenFromTheStart() throws Exception {
        live(message(1, "bob", "one", "b-1"), message(2, "bob", "two", "b-2"));
        sync.disconnected();
        sent.clear();
        sync.connected(output);
        // The new server's seq 2 is another message: the numbering started again.
        sync.received(joined());
        sync.received(message(2, "carol", "new two", "c-2"));
        sync.received(joined());
        assertTrue(shown.stream().anyMatch(s -> s instanceof RoomSync.Shown.Notice n && n.kind().equals("restart")), "" + shown);
        assertEquals(0, json(sent.get(sent.size() - 2)).get("after").asLong(), "joins again from 0: " + sent);
        sync.received(joined());
        sync.received(message(1, "carol", "new one", "c-1"));
        sync.received(message(2, "carol", "new two", "c-2"));
        sync.received(joined());
        assertEquals(List.of("one", "two", "new one", "new two"), texts());
    }

    @Test
    void aMessageTakenBeforeItsEchoWasLostIsNotSentAgain() throws Exception {
        live();
        String id = sync.say("hello");
        assertEquals(1, sent.stream().filter(s -> s.contains("\"say\"")).count());
        sync.disconnected();
        sent.clear();
        sync.connected(output);
        sync.received(joined());
        sync.received(message(1, "alice", "hello", id));
        sync.received(joined());
        assertEquals(0, sent.stream().filter(s -> s.contains("\"say\"")).count(), "the replay had it: " + sent);
        assertEquals(0, sync.pending());
        assertEquals(List.of("hello"), texts());
    }

    @Test
    void whatIsTypedWhileDisconnectedIsSentOnceOnTheNextConnection() throws Exception {
        live();
        sync.disconnected();
        sync.say("typed offline");
        sent.clear();
        sync.connected(output);
        sync.received(joined());
        sync.received(joined());
        assertEquals(1, sent.stream().filter(s -> s.contains("typed offline")).count(), "" + sent);
        sync.received(message(1, "alice", "typed offline", "t1-1"));
        sync.received(message(2, "alice", "typed offline", "t1-1")); // a copy, by its id
        assertEquals(List.of("typed offline"), texts());
    }

    @Test
    void afterARestartWhatItSaidJustBeforeIsSaidAgainUnlessTheNewHistoryHasIt() throws Exception {
        live();
        String old = sync.say("said long before");
        sync.received(message(1, "alice", "said long before", old));
        now += RoomSync.REPUBLISH_WINDOW.toNanos() + 1;
        String recent = sync.say("echoed just before the crash");
        sync.received(message(2, "alice", "echoed just before the crash", recent));
        sync.disconnected();
        sent.clear();
        sync.connected(output);
        sync.received(joined());
        sync.received(message(1, "carol", "new one", "c-1")); // not our seq 1: the numbering started again
        sync.received(joined());
        sync.received(joined());
        sync.received(message(1, "carol", "new one", "c-1"));
        sync.received(joined());
        List<String> said = sent.stream().filter(s -> s.contains("\"say\"")).toList();
        assertEquals(1, said.size(), "only the recent one is said again: " + said);
        assertTrue(said.get(0).contains(recent), said.get(0));
        sync.received(message(2, "alice", "echoed just before the crash", recent));
        assertEquals(List.of("said long before", "echoed just before the crash", "new one"), texts(), "the copy is not shown");
        assertEquals(0, sync.pending());
    }

    @Test
    void aSkippedNumberWhileLiveMakesItSyncAgain() throws Exception {
        live(message(1, "bob", "one", "b-1"));
        sent.clear();
        sync.received(message(3, "bob", "three", "b-3"));
        assertEquals(0, json(sent.get(0)).get("after").asLong(), "asks from its last message again: " + sent);
        sync.received(joined());
        sync.received(message(1, "bob", "one", "b-1"));
        sync.received(message(2, "bob", "two", "b-2"));
        sync.received(message(3, "bob", "three", "b-3"));
        sync.received(joined());
        assertEquals(List.of("one", "two", "three"), texts());
    }

    private void live(String... history) {
        sync.connected(output);
        sync.received(joined());
        for (String message : history) sync.received(message);
        sync.received(joined());
        assertTrue(sync.isLive());
    }

    private List<String> texts() {
        return shown.stream().filter(s -> s instanceof RoomSync.Shown.Message).map(s -> ((RoomSync.Shown.Message) s).text()).toList();
    }

    private static String joined() {
        return "{\"type\":\"joined\",\"room\":\"r\",\"name\":\"alice\",\"members\":2}";
    }

    private static String message(long seq, String from, String text, String id) {
        return "{\"type\":\"message\",\"room\":\"r\",\"from\":\"" + from + "\",\"text\":\"" + text + "\",\"id\":\"" + id
                + "\",\"seq\":" + seq + ",\"ts\":" + (1_700_000_000_000L + seq * 7 + from.length()) + "}";
    }

    private static JsonNode json(String text) throws Exception {
        return RoomSync.JSON.parse(text);
    }
}
