package chatlab.protocol.http;

/**
 * The server side of the RFC 6455 opening handshake (section 4.2): a parsed request head in, the
 * {@code 101 Switching Protocols} response out, or the refusal. This is all a server connection
 * asks of a handshake, so another implementation (a student's, in the exercise track) can stand
 * in for chatlab's own, {@link Rfc6455Handshake}.
 *
 * <p>One instance serves every connection of a server, from whatever threads the model runs:
 * an implementation keeps no per-request state.
 */
public interface OpeningHandshake {

    /**
     * Checks an upgrade request and returns the response that completes it.
     *
     * @return the bytes of the {@code 101} response, with the {@code Sec-WebSocket-Accept} for the request's key
     * @throws HttpException 400 naming the missing or wrong field, or 426 for a version other than 13
     */
    byte[] accept(RequestHead request) throws HttpException;
}
