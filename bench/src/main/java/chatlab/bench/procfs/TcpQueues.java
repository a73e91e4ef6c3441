package chatlab.bench.procfs;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The kernel's queues of the machine's TCP sockets ({@code /proc/net/tcp} and {@code tcp6}): for
 * each socket its ports, the bytes in its send queue (written by its process, not yet acknowledged
 * by the other end) and in its receive queue (arrived, not yet read by its process). On loopback
 * both ends of a connection are on this machine, so the bytes the kernel holds between a server
 * and a client that stopped reading are the server socket's send queue plus the client socket's
 * receive queue. Asked for one port's sockets, it uses {@code ss} (iproute2), whose filter runs in
 * the kernel, and falls back to the files (every socket of the machine, slower) where {@code ss} is missing.
 */
public final class TcpQueues {

    /**
     * One socket; addresses are left out (the harness connects over loopback, and ports tell its
     * sockets apart). {@code bytesAcked} is what the other end has acknowledged so far (-1 unknown:
     * only {@code ss -i} tells it), so that acknowledged plus {@code sendQueue} is all its process
     * has written into it.
     */
    public record Socket(int localPort, int remotePort, long sendQueue, long receiveQueue, long bytesAcked) {

        /** Bytes its process has written into it so far, or -1 when unknown. */
        public long written() { return bytesAcked < 0 ? -1 : bytesAcked + sendQueue; }
    }

    private static final List<Path> FILES = List.of(Path.of("/proc/net/tcp"), Path.of("/proc/net/tcp6"));

    private TcpQueues() {}

    /**
     * The sockets whose local or remote port is {@code port}: by {@code ss -tniH}, else from the files.
     */
    public static List<Socket> read(int port) {
        try {
            Process ss = new ProcessBuilder("ss", "-tniH", "( sport = :" + port + " or dport = :" + port + " )")
                    .redirectErrorStream(true).start();
            ss.getOutputStream().close();
            List<String> lines;
            try (InputStream in = ss.getInputStream()) {
                lines = new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList();
            }
            if (ss.waitFor(5, TimeUnit.SECONDS) && ss.exitValue() == 0) return parseSs(lines);
        } catch (IOException e) {
            // No ss here: read the files.
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return List.of();
        }
        return read().stream().filter(s -> s.localPort() == port || s.remotePort() == port).toList();
    }

    /**
     * The lines of {@code ss -tniH}: for each socket {@code STATE RECV-Q SEND-Q LOCAL:PORT PEER:PORT}
     * (the state column left out when a state was asked for: the queues are the two numbers before
     * the addresses), then an indented line of {@code key:value} figures, {@code bytes_acked} among
     * them (left out while it is 0).
     */
    public static List<Socket> parseSs(List<String> lines) {
        List<Socket> sockets = new ArrayList<>();
        for (String line : lines) {
            if (line.isBlank()) continue;
            if (Character.isWhitespace(line.charAt(0))) {
                if (sockets.isEmpty()) continue;
                Socket last = sockets.getLast();
                sockets.set(sockets.size() - 1, new Socket(last.localPort(), last.remotePort(), last.sendQueue(), last.receiveQueue(),
                        figure(line, "bytes_acked:")));
                continue;
            }
            String[] f = line.trim().split("\\s+");
            int local = -1;
            for (int i = 0; i < f.length; i++) {
                if (f[i].lastIndexOf(':') > 0 && i + 1 < f.length && f[i + 1].lastIndexOf(':') > 0) {
                    local = i;
                    break;
                }
            }
            if (local < 2) continue;
            try {
                sockets.add(new Socket(ssPort(f[local]), ssPort(f[local + 1]), Long.parseLong(f[local - 1]), Long.parseLong(f[local - 2]), -1));
            } catch (NumberFormatException e) {
                // Not a socket line.
            }
        }
        return sockets;
    }

    /** A {@code key:value} count of an {@code ss -i} line; 0 when left out (ss leaves out what is 0). */
    private static long figure(String line, String key) {
        int at = line.indexOf(key);
        if (at < 0) return 0;
        int from = at + key.length();
        int to = from;
        while (to < line.length() && Character.isDigit(line.charAt(to))) to++;
        return to > from ? Long.parseLong(line.substring(from, to)) : 0;
    }

    /** The socket from {@code localPort} to {@code remotePort}, or null. */
    public static Socket find(List<Socket> sockets, int localPort, int remotePort) {
        for (Socket s : sockets) if (s.localPort() == localPort && s.remotePort() == remotePort) return s;
        return null;
    }

    private static int ssPort(String address) {
        return Integer.parseInt(address.substring(address.lastIndexOf(':') + 1));
    }

    /** Every TCP socket of both files; those of a file that cannot be read are left out. */
    public static List<Socket> read() {
        List<Socket> sockets = new ArrayList<>();
        for (Path file : FILES) {
            try {
                sockets.addAll(parse(Files.readAllLines(file)));
            } catch (IOException | RuntimeException e) {
                // No IPv6, or not Linux: the other file's sockets remain.
            }
        }
        return sockets;
    }

    /**
     * The bytes the kernel holds between the server's port and a client's port: the server socket's
     * send queue plus the client socket's receive queue; -1 when neither socket is listed.
     */
    public static long between(List<Socket> sockets, int serverPort, int clientPort) {
        long bytes = -1;
        for (Socket s : sockets) {
            if (s.localPort() == serverPort && s.remotePort() == clientPort) bytes = Math.max(0, bytes) + s.sendQueue();
            else if (s.localPort() == clientPort && s.remotePort() == serverPort) bytes = Math.max(0, bytes) + s.receiveQueue();
        }
        return bytes;
    }

    /** The lines of {@code /proc/net/tcp} (or {@code tcp6}): {@code sl local rem st tx_queue:rx_queue ...}, in hex. */
    public static List<Socket> parse(List<String> lines) {
        List<Socket> sockets = new ArrayList<>();
        for (String line : lines) {
            String[] f = line.trim().split("\\s+");
            if (f.length < 5 || !f[0].endsWith(":") || f[0].equals("sl")) continue;
            int queues = f[4].indexOf(':');
            if (queues < 0) continue;
            sockets.add(new Socket(port(f[1]), port(f[2]), Long.parseLong(f[4].substring(0, queues), 16),
                    Long.parseLong(f[4].substring(queues + 1), 16), -1));
        }
        return sockets;
    }

    private static int port(String address) {
        return Integer.parseInt(address.substring(address.lastIndexOf(':') + 1), 16);
    }
}
