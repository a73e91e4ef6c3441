package chatlab.bench.transports;

import chatlab.bench.load.Traffic;
import chatlab.bench.results.Csv;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * One line of {@code transports.csv}: what a step of the transports suite put on the wire and what
 * the server held, beside its row of {@code data.csv} (suite {@code transports.TRANSPORT}, same
 * impl and clients). The traffic is counted by the clients at their sockets, inside the measured
 * window; the setup is what this step's new clients spent before they were ready; the levels come
 * from the server's {@code /stats} after the load, while every client still polls or holds its
 * stream. Each figure the report shows is computed here, once.
 *
 * @param deliveries        deliveries that arrived inside the window (each recipient's copy counts once)
 * @param lost              deliveries of the load owed and never received, by the end of the drain
 * @param duplicated        deliveries received more than once
 * @param otherErrors       error answers, clients failed or dropped during the load
 * @param traffic           bytes and requests inside the window
 * @param setupClients      clients opened in this step
 * @param setup             their setup: session, join, first poll or stream opening, or the WebSocket handshake and join
 * @param connectionThreads threads the server ran for single connections ({@code /stats} {@code connectionThreads}, virtual ones included)
 * @param pollsHeld         long polls the server held
 * @param sseStreams        event streams open
 * @param httpConnections   open connections that are not WebSockets
 * @param wsConnections     open WebSockets
 */
record TransportRow(String transport, String impl, long clients, int socketsPerClient, long pollIntervalMs, long windowMs,
                    long deliveries, long lost, long duplicated, long otherErrors, Traffic traffic, long setupClients, Traffic setup, long connectionThreads, long pollsHeld,
                    long sseStreams, long httpConnections, long wsConnections) {

    static final String FILE = "transports.csv";

    static final List<String> COLUMNS = List.of("transport", "impl", "clients", "sockets_per_client", "poll_interval_ms", "window_ms",
            "deliveries", "lost", "duplicated", "other_errors", "requests", "receive_requests", "send_requests", "empty_answers", "up_bytes", "down_bytes",
            "receive_up_bytes", "receive_down_bytes", "send_up_bytes", "send_down_bytes", "setup_clients", "setup_requests",
            "setup_up_bytes", "setup_down_bytes", "connection_threads", "polls_held", "sse_streams", "http_connections",
            "ws_connections");

    /** The part of the anchor's scenario: how many updates one client receives. */
    static final int UPDATES = 5;

    // ---- figures ----

    /** HTTP requests (every part) per delivered message inside the window. */
    double requestsPerDelivery() { return per(traffic.requests(), deliveries); }

    /** Bytes the clients wrote (requests, frames) per delivered message. */
    double upPerDelivery() { return per(traffic.socketUp(), deliveries); }

    /** Bytes the clients read (answers, events, frames) per delivered message. */
    double downPerDelivery() { return per(traffic.socketDown(), deliveries); }

    /** Both directions per delivered message. */
    double bytesPerDelivery() { return per(traffic.socketUp() + traffic.socketDown(), deliveries); }

    /** How a ready client received, both directions, per delivered message: polls and answers, the stream, frames. */
    double receiveBytesPerDelivery() { return per(traffic.receiveUp() + traffic.receiveDown(), deliveries); }

    /** Receiving's HTTP requests (polls, a stream's reopening) per delivered message. */
    double receiveRequestsPerDelivery() { return per(traffic.receiveRequests(), deliveries); }

    /** The share of ready clients' polls answered with nothing; NaN for a transport that does not poll. */
    double emptyShare() { return traffic.receiveRequests() == 0 ? Double.NaN : per(traffic.emptyAnswers(), traffic.receiveRequests()); }

    /** Receiving's requests per client and second: how often a client asked the server anew. */
    double receiveRequestsPerClientSecond() {
        return clients <= 0 || windowMs <= 0 ? Double.NaN : traffic.receiveRequests() * 1000.0 / clients / windowMs;
    }

    /** Bytes of one receiving request, on average (a poll's request head); NaN without any. */
    double receiveRequestBytes() { return per(traffic.receiveUp(), traffic.receiveRequests()); }

    /**
     * Sending, both directions, per message sent: a room's message reaches {@code roomSize} members,
     * so a message is {@code roomSize} deliveries.
     */
    double sendBytesPerMessage(int roomSize) { return per((traffic.sendUp() + traffic.sendDown()) * (double) roomSize, deliveries); }

    /** Setup, both directions, per client opened in this step. */
    double setupBytesPerClient() { return per(setup.setupUp() + setup.setupDown(), setupClients); }

    /** Setup requests per client opened in this step. */
    double setupRequestsPerClient() { return per(setup.setupRequests(), setupClients); }

    /** The anchor's scenario in this run's figures: one client opens its transport and receives {@value #UPDATES} updates. */
    double fiveUpdatesBytes() { return setupBytesPerClient() + UPDATES * receiveBytesPerDelivery(); }

    private static double per(double amount, double count) {
        return count <= 0 || amount < 0 ? Double.NaN : amount / count;
    }

    // ---- the file ----

    List<String> cells() {
        return List.of(transport, impl, Csv.cell(clients), Csv.cell(socketsPerClient), Csv.cell(pollIntervalMs), Csv.cell(windowMs),
                Csv.cell(deliveries), Csv.cell(lost), Csv.cell(duplicated), Csv.cell(otherErrors), Csv.cell(traffic.requests()), Csv.cell(traffic.receiveRequests()), Csv.cell(traffic.sendRequests()),
                Csv.cell(traffic.emptyAnswers()), Csv.cell(traffic.socketUp()), Csv.cell(traffic.socketDown()), Csv.cell(traffic.receiveUp()),
                Csv.cell(traffic.receiveDown()), Csv.cell(traffic.sendUp()), Csv.cell(traffic.sendDown()), Csv.cell(setupClients),
                Csv.cell(setup.setupRequests()), Csv.cell(setup.setupUp()), Csv.cell(setup.setupDown()), Csv.cell(connectionThreads),
                Csv.cell(pollsHeld), Csv.cell(sseStreams), Csv.cell(httpConnections), Csv.cell(wsConnections));
    }

    static TransportRow of(Map<String, String> r) {
        long requests = Csv.longOf(r.get("requests"));
        long receive = Csv.longOf(r.get("receive_requests"));
        long send = Csv.longOf(r.get("send_requests"));
        Traffic traffic = new Traffic(Csv.longOf(r.get("up_bytes")), Csv.longOf(r.get("down_bytes")), requests - receive - send, 0, 0,
                receive, Csv.longOf(r.get("receive_up_bytes")), Csv.longOf(r.get("receive_down_bytes")), send,
                Csv.longOf(r.get("send_up_bytes")), Csv.longOf(r.get("send_down_bytes")), Csv.longOf(r.get("empty_answers")));
        Traffic setup = new Traffic(0, 0, Csv.longOf(r.get("setup_requests")), Csv.longOf(r.get("setup_up_bytes")),
                Csv.longOf(r.get("setup_down_bytes")), 0, 0, 0, 0, 0, 0, 0);
        return new TransportRow(r.get("transport"), r.get("impl"), Csv.longOf(r.get("clients")), (int) Csv.longOf(r.get("sockets_per_client")),
                Csv.longOf(r.get("poll_interval_ms")), Csv.longOf(r.get("window_ms")), Csv.longOf(r.get("deliveries")),
                Csv.longOf(r.get("lost")), Csv.longOf(r.get("duplicated")), Csv.longOf(r.get("other_errors")), traffic,
                Csv.longOf(r.get("setup_clients")), setup, Csv.longOf(r.get("connection_threads")), Csv.longOf(r.get("polls_held")),
                Csv.longOf(r.get("sse_streams")), Csv.longOf(r.get("http_connections")), Csv.longOf(r.get("ws_connections")));
    }

    static void write(Path file, List<TransportRow> rows) throws IOException {
        Csv.write(file, COLUMNS, rows.stream().map(TransportRow::cells).toList());
    }

    /** The rows of a run directory's {@link #FILE}, or none when it has none. */
    static List<TransportRow> read(Path dir) throws IOException {
        Path file = dir.resolve(FILE);
        if (!Files.exists(file)) return List.of();
        return Csv.read(file, COLUMNS).stream().map(TransportRow::of).toList();
    }
}
