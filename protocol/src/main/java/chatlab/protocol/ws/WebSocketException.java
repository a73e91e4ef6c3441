package chatlab.protocol.ws;

/**
 * The one error a WebSocket connection can fail with. It carries the close code the server
 * answers with, so the transport maps every violation to a close frame in one place.
 */
public final class WebSocketException extends Exception {

    private final int closeCode;

    public WebSocketException(int closeCode, String reason) {
        super(reason, null, false, false);
        this.closeCode = closeCode;
    }

    public int closeCode() { return closeCode; }

    /** The close frame's reason: the message, cut to fit a control frame's 125 bytes. */
    public String reason() {
        String reason = getMessage();
        return reason.length() > 100 ? reason.substring(0, 100) : reason;
    }

    static WebSocketException protocol(String reason) { return new WebSocketException(CloseCode.PROTOCOL_ERROR, reason); }
}
