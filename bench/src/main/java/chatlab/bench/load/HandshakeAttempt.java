package chatlab.bench.load;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;

/**
 * One WebSocket opening handshake on a blocking socket, and what the client saw of it: the answer
 * to "what does a client see when the server cannot take its connection?". The socket of an
 * accepted connection is left open (an idle WebSocket) until {@link #close}; any other is closed.
 *
 * @param outcome    what came back
 * @param statusLine the answer's status line, or null when none came
 * @param head       the answer's head (status line and headers), or "" when none came
 * @param millis     from the connect to the outcome
 */
public record HandshakeAttempt(Outcome outcome, String statusLine, String head, long millis, Socket socket) implements AutoCloseable {

    /** The outcomes a client can tell apart. */
    public enum Outcome {
        /** {@code 101 Switching Protocols}: a WebSocket. */
        ACCEPTED,
        /** Another status, such as {@code 503} from a server with no thread for the connection. */
        REFUSED,
        /** The connection was closed or reset before any answer, or could not be made. */
        CLOSED,
        /** Nothing within the timeout: the client cannot tell a refusal from a slow server. */
        NO_ANSWER
    }

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final int MAX_HEAD = 8192;
    private static final byte[] PING_PAYLOAD = "still there?".getBytes(StandardCharsets.US_ASCII);

    /** Connects to {@code server}, asks for {@code path} as a WebSocket, and reads the answer's head. */
    public static HandshakeAttempt open(InetSocketAddress server, String path, Duration timeout) {
        long start = System.nanoTime();
        Socket socket = new Socket();
        try {
            socket.connect(server, (int) timeout.toMillis());
            socket.setSoTimeout((int) timeout.toMillis());
            byte[] nonce = new byte[16];
            RANDOM.nextBytes(nonce);
            String request = "GET " + path + " HTTP/1.1\r\nHost: " + server.getHostString() + ":" + server.getPort()
                    + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: "
                    + Base64.getEncoder().encodeToString(nonce) + "\r\nSec-WebSocket-Version: 13\r\n\r\n";
            socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            String head = readHead(socket.getInputStream());
            long millis = (System.nanoTime() - start) / 1_000_000;
            if (head.isEmpty()) return closed(socket, Outcome.CLOSED, null, "", millis);
            String statusLine = head.lines().findFirst().orElse("");
            if (statusLine.matches("HTTP/1\\.1 101( .*)?")) return new HandshakeAttempt(Outcome.ACCEPTED, statusLine, head, millis, socket);
            return closed(socket, Outcome.REFUSED, statusLine, head, millis);
        } catch (SocketTimeoutException e) {
            return closed(socket, Outcome.NO_ANSWER, null, "", (System.nanoTime() - start) / 1_000_000);
        } catch (IOException e) {
            return closed(socket, Outcome.CLOSED, null, "", (System.nanoTime() - start) / 1_000_000);
        }
    }

    /** The status code of the answer, or -1. */
    public int status() {
        if (statusLine == null) return -1;
        String[] words = statusLine.split(" ");
        return words.length > 1 && words[1].matches("\\d{3}") ? Integer.parseInt(words[1]) : -1;
    }

    /**
     * Sends a ping on an accepted connection (a masked control frame, RFC 6455 5.5.2), which the
     * server must answer with a pong: it has to write to the connection to do so.
     */
    public void sendPing() throws IOException {
        byte[] payload = PING_PAYLOAD;
        byte[] mask = new byte[4];
        RANDOM.nextBytes(mask);
        byte[] frame = new byte[2 + 4 + payload.length];
        frame[0] = (byte) 0x89; // FIN, ping
        frame[1] = (byte) (0x80 | payload.length); // masked
        System.arraycopy(mask, 0, frame, 2, 4);
        for (int i = 0; i < payload.length; i++) frame[6 + i] = (byte) (payload[i] ^ mask[i % 4]);
        socket.getOutputStream().write(frame);
    }

    /**
     * Whether the pong to {@link #sendPing} arrives before {@code deadlineNanos} ({@link System#nanoTime()}),
     * skipping any other frame; false on a timeout, a close or an end.
     */
    public boolean awaitPong(long deadlineNanos) {
        try {
            InputStream in = socket.getInputStream();
            while (true) {
                long left = (deadlineNanos - System.nanoTime()) / 1_000_000;
                if (left <= 0) return false;
                socket.setSoTimeout((int) left);
                int first = in.read();
                int second = in.read();
                if (first < 0 || second < 0) return false;
                long length = second & 0x7f;
                if (length == 126) length = (in.read() << 8) | in.read();
                else if (length == 127) length = new java.io.DataInputStream(in).readLong();
                in.skipNBytes(length); // a server's frames are not masked
                int opcode = first & 0x0f;
                if (opcode == 0xA) return true;
                if (opcode == 0x8) return false;
            }
        } catch (IOException e) {
            return false;
        }
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException e) {
            // Nothing left to release.
        }
    }

    /** The head up to its blank line; what came before an end or reset when the answer is cut short. */
    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        while (head.size() < MAX_HEAD) {
            int b;
            try {
                b = in.read();
            } catch (SocketTimeoutException e) {
                if (head.size() == 0) throw e;
                break;
            } catch (IOException e) {
                break; // reset: whatever arrived is what the client saw
            }
            if (b < 0) break;
            head.write(b);
            matched = (b == "\r\n\r\n".charAt(matched)) ? matched + 1 : (b == '\r' ? 1 : 0);
            if (matched == 4) break;
        }
        return head.toString(StandardCharsets.ISO_8859_1);
    }

    private static HandshakeAttempt closed(Socket socket, Outcome outcome, String statusLine, String head, long millis) {
        try {
            socket.close();
        } catch (IOException e) {
            // Closed either way.
        }
        return new HandshakeAttempt(outcome, statusLine, head, millis, socket);
    }
}
