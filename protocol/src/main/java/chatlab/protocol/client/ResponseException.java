package chatlab.protocol.client;

import java.io.IOException;

/**
 * A server's answer that the client role cannot accept: a response head that is not HTTP/1.x,
 * too long or malformed, a body framing the client does not read, or (in a subclass) a refused
 * WebSocket handshake. The connection cannot be trusted after it.
 */
public class ResponseException extends IOException {

    private final int status;

    public ResponseException(int status, String message) {
        super(message);
        this.status = status;
    }

    /** The response's status code, or -1 when there was no readable status line. */
    public int status() { return status; }
}
