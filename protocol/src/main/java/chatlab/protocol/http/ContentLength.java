package chatlab.protocol.http;

/** The {@code Content-Length} field's value (RFC 9110 8.6), for requests and responses alike. */
public final class ContentLength {

    private ContentLength() {}

    /**
     * Digits, or a list of the same digits repeated (a field sent twice).
     *
     * @throws IllegalArgumentException "malformed Content-Length" or "conflicting Content-Length values"
     */
    public static long parse(String value) {
        long length = -1;
        for (String part : value.split(",", -1)) {
            String digits = part.trim();
            if (digits.isEmpty() || digits.length() > 18 || !digits.chars().allMatch(c -> c >= '0' && c <= '9')) {
                throw new IllegalArgumentException("malformed Content-Length");
            }
            long parsed = Long.parseLong(digits);
            if (length >= 0 && parsed != length) throw new IllegalArgumentException("conflicting Content-Length values");
            length = parsed;
        }
        return length;
    }
}
