package chatlab.bench.load;

/**
 * What a load message carries so that its arrival can be checked and timed: the run it belongs
 * to, its <em>intended</em> send time (the generator's {@link System#nanoTime()} when the open-loop
 * schedule said it should leave, whenever it really left), its sender and its number from that
 * sender. Written as {@code run.intendedNanos.sender.k}: a chat message's {@code id} (at most 64
 * characters, PROTOCOL.md) and the head of an echo payload, which continues with {@code .} and padding.
 */
record MessageId(int run, long intendedNanos, int sender, long k) {

    String encode() {
        return run + "." + intendedNanos + "." + sender + "." + k;
    }

    /**
     * Reads the four numbers at the start of {@code text}; anything after a fourth dot (an echo's
     * padding) is ignored.
     *
     * @return null when {@code text} does not start with four numbers
     */
    static MessageId parse(CharSequence text) {
        long[] fields = new long[4];
        int position = 0;
        for (int f = 0; f < 4; f++) {
            int start = position;
            boolean negative = position < text.length() && text.charAt(position) == '-';
            if (negative) position++;
            long value = 0;
            int digits = 0;
            while (position < text.length() && Character.isDigit(text.charAt(position)) && digits < 19) {
                value = value * 10 + (text.charAt(position++) - '0');
                digits++;
            }
            if (digits == 0) return null;
            fields[f] = negative ? -value : value;
            boolean end = position == text.length();
            if (f < 3 && (end || text.charAt(position) != '.')) return null;
            if (f == 3 && !end && text.charAt(position) != '.') return null;
            position++;
            if (start == position) return null;
        }
        if (fields[0] > Integer.MAX_VALUE || fields[2] > Integer.MAX_VALUE || fields[0] < 0 || fields[2] < 0) return null;
        return new MessageId((int) fields[0], fields[1], (int) fields[2], fields[3]);
    }
}
