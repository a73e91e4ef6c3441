package chatlab.protocol.http;

/** A request the server answers with an error status and a plain-text body, then closes. */
public final class HttpException extends Exception {

    private final int status;

    public HttpException(int status, String message) {
        super(message, null, false, false);
        this.status = status;
    }

    public int status() { return status; }
}
