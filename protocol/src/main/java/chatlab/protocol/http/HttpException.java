package chatlab.protocol.http;

/**
 * A request the server answers with an error status. Thrown by the request decoder (the
 * request's framing is broken, so the connection closes after the answer) and by the routing
 * (the request was read whole, so a persistent connection may carry on).
 */
public final class HttpException extends Exception {

    private final int status;
    private final String extraHeaders;

    public HttpException(int status, String message) {
        this(status, message, "");
    }

    /**
     * @param extraHeaders header lines the status needs, each ending in CRLF ({@code Allow} for
     *                     405, {@code Sec-WebSocket-Version} for 426), or ""
     */
    public HttpException(int status, String message, String extraHeaders) {
        super(message, null, false, false);
        this.status = status;
        this.extraHeaders = extraHeaders;
    }

    /** 405 with the {@code Allow} header RFC 9110 15.5.6 requires. */
    public static HttpException methodNotAllowed(String method, String allowed) {
        String shown = method.length() > 16 ? method.substring(0, 16) + "..." : method;
        return new HttpException(405, shown + " is not allowed here; use " + allowed, "Allow: " + allowed + "\r\n");
    }

    public int status() { return status; }

    public String extraHeaders() { return extraHeaders; }
}
