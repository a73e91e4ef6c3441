package chatlab.protocol.client;

import java.io.IOException;

/**
 * The server did not accept the opening handshake the way RFC 6455 (4.1) requires: a status other
 * than 101, a missing or wrong {@code Upgrade}, {@code Connection} or {@code Sec-WebSocket-Accept},
 * an extension or subprotocol that was never asked for, or a response head that is not HTTP.
 */
public final class HandshakeException extends IOException {

    private final int status;

    public HandshakeException(int status, String message) {
        super(message);
        this.status = status;
    }

    /** The response's status code (101 when the status was right and a header was not), or -1 when there was no status line. */
    public int status() { return status; }
}
