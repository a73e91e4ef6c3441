package chatlab.protocol.ws;

/** RFC 6455 section 7.4 close codes, as chatlab uses them. */
public final class CloseCode {
    public static final int NORMAL = 1000;
    public static final int GOING_AWAY = 1001;
    public static final int PROTOCOL_ERROR = 1002;
    public static final int NO_STATUS = 1005;
    /** Never on the wire: the connection ended without a close frame (RFC 6455 7.1.5). */
    public static final int ABNORMAL = 1006;
    public static final int BAD_PAYLOAD = 1007;
    public static final int POLICY_VIOLATION = 1008;
    public static final int MESSAGE_TOO_BIG = 1009;
    public static final int INTERNAL_ERROR = 1011;

    private CloseCode() {}

    /**
     * Whether a peer may send this code in a close frame (RFC 6455 7.4.1 and 7.4.2):
     * 1000-1003, 1007-1011 and 3000-4999. 1004-1006 and 1015 are reserved and never sent.
     */
    public static boolean isValidOnWire(int code) {
        return (code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1011) || (code >= 3000 && code <= 4999);
    }
}
