package chatlab.testsuite;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** HTTP/1.1 over a plain socket, for requests a real HTTP client refuses to send (bad handshakes). */
final class RawHttp {

    /** The WebSocket GUID of RFC 6455 section 1.3. */
    static final String WS_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

    private RawHttp() {}

    /** A response: status, header fields (names lower-cased, in order), body. */
    record Reply(String statusLine, int status, Map<String, List<String>> headers, byte[] body) {
        String header(String name) {
            List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
            return values == null ? null : String.join(", ", values);
        }

        String bodyText() {
            return new String(body, StandardCharsets.UTF_8);
        }

        @Override
        public String toString() {
            return statusLine + " " + headers + " body '" + Json.abbreviate(bodyText()) + "'";
        }
    }

    /** Sends the request (head and body exactly as given) on a new connection and reads the reply. */
    static Reply exchange(InetSocketAddress address, String request, Duration timeout) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(address, 5000);
            socket.setSoTimeout((int) timeout.toMillis());
            OutputStream out = socket.getOutputStream();
            out.write(request.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            return readReply(socket.getInputStream());
        }
    }

    /** Reads the head and then the body as framed by Content-Length, chunked encoding or end of stream. */
    static Reply readReply(InputStream in) throws IOException {
        Reply head = readHead(in);
        if (head.status() == 101 || head.status() == 204 || head.status() == 304) {
            return head;
        }
        byte[] body;
        String length = head.header("content-length");
        String encoding = head.header("transfer-encoding");
        if (length != null) {
            body = in.readNBytes(Integer.parseInt(length.trim()));
        } else if (encoding != null && encoding.toLowerCase(Locale.ROOT).contains("chunked")) {
            body = readChunked(in);
        } else {
            body = readToEnd(in);
        }
        return new Reply(head.statusLine(), head.status(), head.headers(), body);
    }

    /** Reads a response head byte by byte, so nothing after it (WebSocket frames) is consumed. */
    static Reply readHead(InputStream in) throws IOException {
        List<String> lines = new ArrayList<>();
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        while (true) {
            int b = in.read();
            if (b < 0) {
                throw new EOFException("connection ended inside the response head; read so far: " + lines
                        + " '" + line.toString(StandardCharsets.ISO_8859_1) + "'");
            }
            if (b == '\n') {
                String text = line.toString(StandardCharsets.ISO_8859_1);
                if (text.endsWith("\r")) {
                    text = text.substring(0, text.length() - 1);
                }
                line.reset();
                if (text.isEmpty()) {
                    break;
                }
                lines.add(text);
            } else {
                line.write(b);
                if (line.size() > 64 * 1024) {
                    throw new IOException("response head line over 64 KiB");
                }
            }
        }
        if (lines.isEmpty()) {
            throw new IOException("empty response head");
        }
        String statusLine = lines.get(0);
        String[] parts = statusLine.split(" ", 3);
        if (parts.length < 2 || !parts[0].startsWith("HTTP/")) {
            throw new IOException("not an HTTP status line: '" + statusLine + "'");
        }
        int status = Integer.parseInt(parts[1]);
        Map<String, List<String>> headers = new LinkedHashMap<>();
        for (String field : lines.subList(1, lines.size())) {
            int colon = field.indexOf(':');
            if (colon <= 0) {
                throw new IOException("bad header field line: '" + field + "'");
            }
            headers.computeIfAbsent(field.substring(0, colon).trim().toLowerCase(Locale.ROOT), k -> new ArrayList<>())
                    .add(field.substring(colon + 1).trim());
        }
        return new Reply(statusLine, status, headers, new byte[0]);
    }

    private static byte[] readChunked(InputStream in) throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        while (true) {
            String sizeLine = readLine(in);
            int semicolon = sizeLine.indexOf(';');
            int size = Integer.parseInt((semicolon >= 0 ? sizeLine.substring(0, semicolon) : sizeLine).trim(), 16);
            if (size == 0) {
                while (!readLine(in).isEmpty()) {
                    // trailer fields
                }
                return body.toByteArray();
            }
            body.writeBytes(in.readNBytes(size));
            readLine(in);
        }
    }

    private static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) >= 0 && b != '\n') {
            if (b != '\r') {
                line.write(b);
            }
        }
        if (b < 0 && line.size() == 0) {
            throw new EOFException("connection ended inside a chunked body");
        }
        return line.toString(StandardCharsets.ISO_8859_1);
    }

    /** Reads until the server closes; a read timeout ends the body too (a server that keeps the connection). */
    private static byte[] readToEnd(InputStream in) throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        byte[] buffer = new byte[8192];
        try {
            int n;
            while ((n = in.read(buffer)) >= 0) {
                body.write(buffer, 0, n);
            }
        } catch (SocketTimeoutException e) {
            // keep-alive without a length: what came is the body
        }
        return body.toByteArray();
    }

    /**
     * Reads from {@code in} (dropping what comes, a 408 for instance) until the server ends the
     * connection by EOF or reset: milliseconds taken, or -1 if it was still open after {@code timeout}.
     */
    static long awaitEnd(Socket socket, InputStream in, Duration timeout) throws IOException {
        long start = System.nanoTime();
        long deadline = start + timeout.toNanos();
        byte[] buffer = new byte[64 * 1024];
        try {
            while (true) {
                long left = (deadline - System.nanoTime()) / 1_000_000;
                if (left <= 0) return -1;
                socket.setSoTimeout((int) left);
                if (in.read(buffer) < 0) return (System.nanoTime() - start) / 1_000_000;
            }
        } catch (SocketTimeoutException e) {
            return -1;
        } catch (java.net.SocketException e) {
            return (System.nanoTime() - start) / 1_000_000; // reset
        }
    }

    /** A fresh Sec-WebSocket-Key: base64 of 16 random bytes. */
    static String newKey() {
        byte[] nonce = new byte[16];
        new java.security.SecureRandom().nextBytes(nonce);
        return Base64.getEncoder().encodeToString(nonce);
    }

    /** The Sec-WebSocket-Accept a server must answer for this key (RFC 6455 section 4.2.2). */
    static String acceptFor(String key) {
        try {
            byte[] sha1 = MessageDigest.getInstance("SHA-1")
                    .digest((key + WS_GUID).getBytes(StandardCharsets.ISO_8859_1));
            return Base64.getEncoder().encodeToString(sha1);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A request head from a request line and fields in order, ending with the empty line. */
    static String head(String requestLine, Map<String, String> fields) {
        StringBuilder head = new StringBuilder(requestLine).append("\r\n");
        fields.forEach((name, value) -> head.append(name).append(": ").append(value).append("\r\n"));
        return head.append("\r\n").toString();
    }

    /** The fields of a valid upgrade request, in an order a test can edit. */
    static LinkedHashMap<String, String> upgradeFields(InetSocketAddress address, String key) {
        LinkedHashMap<String, String> fields = new LinkedHashMap<>();
        fields.put("Host", address.getHostString() + ":" + address.getPort());
        fields.put("Upgrade", "websocket");
        fields.put("Connection", "Upgrade");
        fields.put("Sec-WebSocket-Key", key);
        fields.put("Sec-WebSocket-Version", "13");
        return fields;
    }
}
