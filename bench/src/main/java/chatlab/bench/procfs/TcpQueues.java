package chatlab.bench.procfs;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The kernel's queues of the machine's TCP sockets ({@code /proc/net/tcp} and {@code tcp6}): for
 * each socket its ports, the bytes in its send queue (written by its process, not yet acknowledged
 * by the other end) and in its receive queue (arrived, not yet read by its process). On loopback
 * both ends of a connection are on this machine, so the bytes the kernel holds between a server
 * and a client that stopped reading are the server socket's send queue plus the client socket's
 * receive queue.
 */
public final class TcpQueues {

    /** One socket; addresses are left out (the harness connects over loopback, and ports tell its sockets apart). */
    public record Socket(int localPort, int remotePort, long sendQueue, long receiveQueue) {}

    private static final List<Path> FILES = List.of(Path.of("/proc/net/tcp"), Path.of("/proc/net/tcp6"));

    private TcpQueues() {}

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
                    Long.parseLong(f[4].substring(queues + 1), 16)));
        }
        return sockets;
    }

    private static int port(String address) {
        return Integer.parseInt(address.substring(address.lastIndexOf(':') + 1), 16);
    }
}
