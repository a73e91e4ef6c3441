package chatlab.testsuite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A WebSocket client on a bare {@link Socket}: it does the opening handshake by the book and then
 * sends whatever bytes a test builds with {@link RawFrame}, well-formed or not, and reads the
 * server's frames one by one with deadlines.
 */
final class RawWebSocket implements AutoCloseable {

    private static final int MAX_FRAME = 8 * 1024 * 1024;

    final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private final String label;

    private RawWebSocket(Socket socket, String label) throws IOException {
        this.socket = socket;
        this.in = new BufferedInputStream(socket.getInputStream());
        this.out = socket.getOutputStream();
        this.label = label;
    }

    static RawWebSocket connect(TestServer server, String path) {
        return connect(server, path, 0);
    }

    /** Opens and upgrades a connection; {@code receiveBuffer} > 0 shrinks SO_RCVBUF before connecting. */
    static RawWebSocket connect(TestServer server, String path, int receiveBuffer) {
        InetSocketAddress address = server.address;
        try {
            Socket socket = new Socket();
            if (receiveBuffer > 0) {
                socket.setReceiveBufferSize(receiveBuffer);
            }
            socket.connect(address, 5000);
            socket.setTcpNoDelay(true);
            socket.setSoTimeout(10_000);
            RawWebSocket ws = new RawWebSocket(socket, "raw client of " + server + path);
            String key = RawHttp.newKey();
            ws.out.write(RawHttp.head("GET " + path + " HTTP/1.1", RawHttp.upgradeFields(address, key))
                    .getBytes(StandardCharsets.ISO_8859_1));
            ws.out.flush();
            RawHttp.Reply reply = RawHttp.readHead(ws.in);
            if (reply.status() != 101) {
                socket.close();
                fail(ws.label + ": handshake answered " + reply);
            }
            assertEquals(RawHttp.acceptFor(key), reply.header("sec-websocket-accept"), "Sec-WebSocket-Accept");
            return ws;
        } catch (IOException e) {
            throw new AssertionError("raw client could not connect to " + server + path, e);
        }
    }

    void send(byte[]... frames) {
        try {
            for (byte[] frame : frames) {
                out.write(frame);
            }
            out.flush();
        } catch (IOException e) {
            throw new AssertionError(label + ": write failed", e);
        }
    }

    /** Sends one chat message as a masked text frame. */
    void sendText(String text) {
        send(RawFrame.text(text));
    }

    /** Reads the next frame within the timeout; fails on timeout or end of stream. */
    RawFrame read(Duration timeout) {
        try {
            socket.setSoTimeout((int) Math.max(1, timeout.toMillis()));
            RawFrame frame = RawFrame.read(in, MAX_FRAME);
            if (frame == null) {
                fail(label + ": connection ended, no frame");
            }
            assertFalse(frame.masked(), label + ": a server frame must not be masked: " + frame);
            return frame;
        } catch (SocketTimeoutException e) {
            throw new AssertionError(label + ": no frame within " + timeout.toMillis() + " ms", e);
        } catch (IOException e) {
            throw new AssertionError(label + ": read failed", e);
        }
    }

    /**
     * Reads until the server's close frame and returns it, with every frame before it in
     * {@code before} (if not null). Fails if the connection ends first.
     */
    RawFrame readUntilClose(Duration timeout, List<RawFrame> before) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            long left = Math.max(1, (deadline - System.nanoTime()) / 1_000_000);
            RawFrame frame;
            try {
                socket.setSoTimeout((int) left);
                frame = RawFrame.read(in, MAX_FRAME);
            } catch (SocketTimeoutException e) {
                throw new AssertionError(label + ": no close frame within " + timeout.toMillis() + " ms"
                        + (before == null ? "" : "; frames before: " + before), e);
            } catch (IOException e) {
                throw new AssertionError(label + ": connection failed before a close frame"
                        + (before == null ? "" : "; frames before: " + before), e);
            }
            if (frame == null) {
                fail(label + ": connection ended without a close frame"
                        + (before == null ? "" : "; frames before: " + before));
            }
            if (frame.opcode() == RawFrame.CLOSE) {
                return frame;
            }
            if (before != null) {
                before.add(frame);
            }
        }
    }

    /**
     * Expects the server to close with this code as the very next frame, answers the close and
     * expects the server to end the TCP connection.
     */
    RawFrame expectClose(int code, Duration timeout) {
        List<RawFrame> before = new ArrayList<>();
        RawFrame close = readUntilClose(timeout, before);
        assertTrue(before.isEmpty(), label + ": frames before the close frame: " + before);
        assertTrue(close.fin(), label + ": close frame must not be fragmented");
        assertEquals(code, close.closeCode(), label + ": close code (reason '" + close.closeReason() + "')");
        assertTrue(isValidUtf8(close.payload(), 2), label + ": close reason is not valid UTF-8");
        assertTrue(close.payload().length <= 125, label + ": close frame over 125 bytes");
        answerCloseAndExpectEnd(close, Duration.ofSeconds(5));
        return close;
    }

    /** Echoes the server's close (as RFC 6455 asks) and expects the server to close TCP within the timeout. */
    void answerCloseAndExpectEnd(RawFrame serverClose, Duration timeout) {
        try {
            out.write(RawFrame.client(true, RawFrame.CLOSE,
                    serverClose.payload().length >= 2 ? RawFrame.closePayload(serverClose.closeCode(), new byte[0]) : new byte[0]));
            out.flush();
        } catch (IOException e) {
            // the server may already have closed: that is allowed after its close frame
        }
        assertTrue(endsWithin(timeout), label + ": server did not close the TCP connection within "
                + timeout.toMillis() + " ms after the close handshake");
    }

    /** Reads and discards until the server ends the connection (EOF or reset); false on timeout. */
    boolean endsWithin(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        byte[] buffer = new byte[64 * 1024];
        try {
            while (true) {
                long left = (deadline - System.nanoTime()) / 1_000_000;
                if (left <= 0) {
                    return false;
                }
                socket.setSoTimeout((int) left);
                if (in.read(buffer) < 0) {
                    return true;
                }
            }
        } catch (SocketTimeoutException e) {
            return false;
        } catch (SocketException e) {
            String message = String.valueOf(e.getMessage()).toLowerCase(Locale.ROOT);
            return message.contains("reset") || message.contains("closed") || message.contains("broken");
        } catch (IOException e) {
            return true;
        }
    }

    /** The input stream, for tests that parse frames themselves (the slow consumer drain). */
    InputStream input() {
        return in;
    }

    static boolean isValidUtf8(byte[] bytes, int offset) {
        try {
            StandardCharsets.UTF_8.newDecoder()
                    .decode(java.nio.ByteBuffer.wrap(bytes, offset, Math.max(0, bytes.length - offset)));
            return true;
        } catch (java.nio.charset.CharacterCodingException e) {
            return false;
        }
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException e) {
            // closing a test socket: nothing left to do
        }
    }

    @Override
    public String toString() {
        return label;
    }
}
