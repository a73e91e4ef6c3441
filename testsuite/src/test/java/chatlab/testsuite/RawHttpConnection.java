package chatlab.testsuite;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * One persistent HTTP/1.1 connection on a plain socket, for what a real client will not show or
 * will not do: several requests written at once (pipelining), replies read one by one in order,
 * requests cut short, and whether the server closed the connection.
 */
final class RawHttpConnection implements AutoCloseable {

    final Socket socket;
    private final InputStream in;

    private RawHttpConnection(Socket socket) throws IOException {
        this.socket = socket;
        this.in = new BufferedInputStream(socket.getInputStream());
    }

    static RawHttpConnection open(TestServer server) throws IOException {
        Socket socket = new Socket();
        socket.connect(server.address, 5000);
        socket.setSoTimeout((int) WsClient.WAIT.toMillis());
        return new RawHttpConnection(socket);
    }

    /** {@code METHOD target HTTP/1.1}, {@code Host}, the extra header lines given, a body with its length if not null. */
    static String request(String method, String target, String body, String... headerLines) {
        StringBuilder request = new StringBuilder(method).append(' ').append(target).append(" HTTP/1.1\r\nHost: ")
                .append(TestServer.HOST).append("\r\n");
        for (String line : headerLines) request.append(line).append("\r\n");
        if (body != null) request.append("Content-Length: ").append(body.getBytes(StandardCharsets.UTF_8).length).append("\r\n");
        request.append("\r\n");
        if (body != null) request.append(body);
        return request.toString();
    }

    void write(String bytes) throws IOException {
        socket.getOutputStream().write(bytes.getBytes(StandardCharsets.UTF_8));
        socket.getOutputStream().flush();
    }

    /** The next reply on the connection, framed by its Content-Length. */
    RawHttp.Reply read() throws IOException {
        return RawHttp.readReply(in);
    }

    /**
     * Reads until the server ends the connection: milliseconds taken, or -1 if it was still open
     * after {@code timeout}. Anything read on the way is dropped.
     */
    long awaitEnd(Duration timeout) throws IOException {
        return RawHttp.awaitEnd(socket, in, timeout);
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException e) {
            // a test's socket: nothing to report
        }
    }
}
