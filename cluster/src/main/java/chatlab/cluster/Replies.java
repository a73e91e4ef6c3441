package chatlab.cluster;

import java.util.ArrayList;
import java.util.List;

/** The scripts' replies (Lettuce hands them over as nested lists of strings and longs), as records. */
final class Replies {

    private Replies() {}

    /** A history entry: stream id {@code SEQ-0}, field {@code m} = the message's JSON. */
    record Entry(long seq, String json) {}

    /** {@code say.lua}: the message's epoch and seq. */
    record Say(String epoch, long seq) {
        static Say of(List<Object> reply) {
            return new Say((String) reply.get(0), (Long) reply.get(1));
        }
    }

    /** {@code join.lua}: numbering, the member count on all servers, gap, and the history above {@code after}. */
    record Join(String epoch, long seq, long members, boolean gap, List<String> history) {
        static Join of(List<Object> reply) {
            List<String> history = new ArrayList<>();
            for (Entry entry : Replies.entries(reply.get(4))) history.add(entry.json());
            return new Join((String) reply.get(0), (Long) reply.get(1), (Long) reply.get(2), (Long) reply.get(3) == 1, history);
        }
    }

    /** {@code sync.lua}: numbering, {@code lost} (history up to it is gone), and the entries above the floor. */
    record Sync(String epoch, long seq, long lost, List<Entry> entries) {
        static Sync of(List<Object> reply) {
            return new Sync((String) reply.get(0), (Long) reply.get(1), (Long) reply.get(2), Replies.entries(reply.get(3)));
        }
    }

    /** An {@code XRANGE} reply: entry ids {@code SEQ-0}, field {@code m}. */
    @SuppressWarnings("unchecked")
    static List<Entry> entries(Object xrange) {
        List<Entry> entries = new ArrayList<>();
        for (Object item : (List<Object>) xrange) {
            List<Object> entry = (List<Object>) item;
            String id = (String) entry.get(0);
            List<Object> fields = (List<Object>) entry.get(1);
            entries.add(new Entry(Long.parseLong(id.substring(0, id.indexOf('-'))), (String) fields.get(1)));
        }
        return entries;
    }
}
