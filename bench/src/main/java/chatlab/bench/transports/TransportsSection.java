package chatlab.bench.transports;

import chatlab.bench.Format;
import chatlab.bench.load.Transport;
import chatlab.bench.results.Charts;
import chatlab.bench.results.Figures;
import chatlab.bench.results.Impls;
import chatlab.bench.results.LoadReading;
import chatlab.bench.results.Report;
import chatlab.bench.results.ReportSection;
import chatlab.bench.results.ResultRow;
import chatlab.bench.results.RunData;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.function.ToDoubleFunction;

/**
 * The transports' section: the four transports against each model at the largest N all of them
 * were measured at (latency, requests, bytes, server CPU, threads and what the server held), the
 * latency at every N, the published anchor next to this run's bytes for five updates, charts, and a
 * reading against the lecture's pros and cons. Every sentence that states an effect is a method
 * here that returns null when the run does not show it.
 */
final class TransportsSection implements ReportSection {

    private static final String NAME = TransportsSuite.NAME;

    /**
     * The published anchor: bytes for five updates over HTTP/1.1, one subscriber, updates a second
     * apart, short polling every 250 ms (Alexis Abril, "A comparison between WebSockets, server-sent
     * events, and polling", DailyJS, September 2017; Chrome 60 against Node 8.4), in its KB.
     */
    static final Map<Transport, Double> PUBLISHED_KB = Map.of(Transport.SHORT_POLL, 3.5, Transport.LONG_POLL, 1.9,
            Transport.SSE, 1.0, Transport.WEBSOCKET, 0.63);
    /** The article does not say which KB it means; the ratios take 1,000 bytes (1,024 moves them by 2.4%). */
    static final double KB = 1000;
    static final String ANCHOR = "Alexis Abril, \"A comparison between WebSockets, server-sent events, and polling\", DailyJS, 25 September 2017";

    /** Short polling's median is "about half the interval" when it lies within this share of the interval around the half. */
    static final double HALF_BAND = 0.15;
    /** One transport costs "more" than another only when the smallest of its figures over the models is this many times the other's largest. */
    static final double CLEARLY = 1.5;

    @Override
    public String title() { return "Transports: short polling, long polling, SSE and WebSocket"; }

    @Override
    public String summaryHeading() { return "transports: p50 short | long | sse | ws"; }

    @Override
    public String summary(RunData run, String impl) {
        List<String> cells = new ArrayList<>();
        boolean any = false;
        for (Transport t : TransportsSuite.TRANSPORTS) {
            Optional<ResultRow> last = run.rows(TransportsSuite.suite(t), impl).stream().filter(ResultRow::measured).reduce((a, b) -> b);
            any |= last.isPresent();
            cells.add(last.map(r -> Format.micros(r.p50Us()) + (r.errors() > 0 ? " [" + r.errors() + " err]" : "")).orElse("-"));
        }
        return any ? String.join(" | ", cells) : null;
    }

    @Override
    public void write(Report report, RunData run) throws IOException {
        JsonNode s = run.settings(NAME);
        List<TransportRow> rows = TransportRow.read(run.dir());
        List<Transport> transports = transports(run);
        List<String> models = models(run, transports);
        report.paragraph(method(s));
        long n = commonClients(run, transports, models);
        if (n == 0) {
            report.paragraph("No N was measured for every transport and model; the steps below show what was.");
        } else {
            report.paragraph("At " + Format.count(n) + " clients, the largest N every transport was measured at in every model. "
                    + "*Lost, duplicated* counts the deliveries of the whole load that never came (by the end of the drain) or came "
                    + "twice. *Requests* and *bytes* are per delivered message, counted by the clients in the window; *up* is what the "
                    + "clients wrote, *down* what they read. *Server CPU* and *switches* are per delivered message over the whole load "
                    + "(warm-up, window, drain), *GC* the stop-the-world pauses of that load. *Threads* is the server's kernel threads "
                    + "after the load, *for connections* the threads it ran for single connections (virtual ones included), "
                    + "*held* the long polls it held and the streams it kept open, with every client waiting for its next message.");
            mainTable(report, run, rows, transports, models, n);
        }
        report.paragraph("Median and p99 delivery latency (from the intended send time) at each N, with the arrivals' share of the "
                + "offered load where it fell below " + Format.percent(Figures.KEPT_UP) + " and errors in brackets:");
        latencyMatrix(report, run, transports, models);
        if (n > 0) {
            charts(report, run, rows, transports, models, n);
            anchorTable(report, rows, transports, models, n);
        }
        report.h3("Reading");
        if (n > 0) {
            report.paragraph(shortPollWait(run, rows, models, n));
            report.paragraph(requestsPerDelivery(rows, transports, models, n));
            report.paragraph(bytesPerDelivery(rows, transports, models, n));
            report.paragraph(threadsHeld(run, rows, models, n));
            report.paragraph(oneWay(rows, models, n, s.path("roomSize").asInt(0)));
            report.paragraph(notTiedToOneServer(rows, models, n));
            report.paragraph(serverCpu(run, transports, models, n));
            report.paragraph(anchorReading(rows, transports, models, n));
            report.paragraph(anchorWhy(rows, models, n, s));
        }
        for (Transport t : transports) report.paragraph(prefixed(t, LoadReading.fellBehind(run, TransportsSuite.suite(t))));
        report.paragraph(busiestGenerators(run, transports));
        report.paragraph("`" + TransportRow.FILE + "` (columns `" + String.join(",", TransportRow.COLUMNS) + "`) holds each step's traffic "
                + "in the window by part (*receive*: polls and their answers, the stream, the server's frames; *send*: `POST /send` and "
                + "its `204`, or the client's frames), the setup of the step's new clients, and the server's levels after the load; "
                + "its rows sit beside the `data.csv` rows of suite `transports.TRANSPORT`.");
    }

    // ---- what was run ----

    private static String method(JsonNode s) {
        String room = s.path("roomSize").asText("?");
        String rate = s.path("roomMessagesPerSecond").asText("?");
        return "The same chat over each transport: N clients in rooms of " + room + ", each room receiving " + rate + " message(s) a "
                + "second (every member says a " + s.path("payloadBytes").asText("?") + "-character text in its turn), so every client "
                + "receives " + rate + " a second, the update rate of the published comparison below. Each transport runs against a fresh "
                + "server of each of chatlab's models; the reference servers serve `/ws` only and are left out (the broadcast suite "
                + "compares their WebSocket). The clients are chatlab's generator doing what a browser's page does: create a session "
                + "(`POST /session`), join the room (`POST /send`), then receive, passing on the number of the last message they have, "
                + "and say things with `POST /send`. *short-poll* asks `GET /poll?wait=0` every " + s.path("shortPollIntervalMillis").asText("?")
                + " ms (at a fixed rate from a random phase) on the connection that also carries its sends; *long-poll* holds `GET /poll?wait="
                + s.path("longPollWaitSeconds").asText("?") + "` on a second connection and asks again as soon as it is answered; *sse* "
                + "reads `GET /events` on a second connection (resuming with `Last-Event-ID`) and sends with `POST /send`; *websocket* "
                + "does both on `/ws`. A client's HTTP/1.1 requests carry the request line, `Host`, and for a body its `Content-Type` and "
                + "`Content-Length`: no cookies, no user agent, no compression, no TLS. Warm-up " + s.path("warmupMillis").asText("?")
                + " ms (" + s.path("firstWarmupMillis").asText("?") + " ms at a server's first step), measured window "
                + s.path("durationMillis").asText("?") + " ms.";
    }

    private static void mainTable(Report report, RunData run, List<TransportRow> rows, List<Transport> transports, List<String> models,
                                  long n) {
        report.table(List.of("transport", "impl", "p50", "p99", "delivered / offered", "lost, duplicated", "requests", "bytes up", "bytes down",
                "server CPU", "switches", "GC", "threads", "for connections", "held", "RSS"));
        for (Transport t : transports) {
            for (String impl : models) {
                Optional<ResultRow> r = result(run, t, impl, n);
                Optional<TransportRow> tr = row(rows, t, impl, n);
                if (r.isEmpty()) continue;
                ResultRow x = r.get();
                report.row(t.id(), impl, Format.micros(x.p50Us()), Format.micros(x.p99Us()),
                        Format.count(x.deliveredPerS()) + " / " + Format.count(x.offeredPerS()),
                        tr.map(v -> v.lost() + ", " + v.duplicated() + (v.otherErrors() > 0 ? " (" + v.otherErrors() + " other errors)" : ""))
                                .orElse(x.errors() > 0 ? x.errors() + " errors" : ""),
                        tr.map(v -> Format.decimal(v.requestsPerDelivery())).orElse(""),
                        tr.map(v -> Format.count(v.upPerDelivery()) + " B").orElse(""),
                        tr.map(v -> Format.count(v.downPerDelivery()) + " B").orElse(""),
                        Format.decimal(Figures.cpuMicrosPerDelivery(x)) + " us", Format.decimal(Figures.switchesPerDelivery(x)),
                        x.gcPauseMs() >= 0 ? Format.count(x.gcPauseMs()) + " ms" : "n/a", Format.count(x.threads()),
                        tr.map(v -> Format.count(v.connectionThreads())).orElse(""),
                        tr.map(v -> held(v)).orElse(""), Format.bytes(x.rssBytes()));
            }
        }
        report.blank();
    }

    private static String held(TransportRow t) {
        if (t.pollsHeld() < 0 && t.sseStreams() < 0) return "n/a";
        List<String> parts = new ArrayList<>();
        if (t.pollsHeld() > 0) parts.add(Format.count(t.pollsHeld()) + " polls");
        if (t.sseStreams() > 0) parts.add(Format.count(t.sseStreams()) + " streams");
        return parts.isEmpty() ? "0" : String.join(", ", parts);
    }

    private static void latencyMatrix(Report report, RunData run, List<Transport> transports, List<String> models) {
        TreeSet<Long> ns = new TreeSet<>();
        for (Transport t : transports) for (ResultRow r : run.rows(TransportsSuite.suite(t))) ns.add(r.clients());
        List<String> header = new ArrayList<>(List.of("transport", "impl"));
        for (long n : ns) header.add(Format.count(n) + " clients");
        report.table(header);
        for (Transport t : transports) {
            for (String impl : models) {
                List<String> cells = new ArrayList<>(List.of(t.id(), impl));
                for (long n : ns) {
                    cells.add(run.rows(TransportsSuite.suite(t), impl).stream().filter(r -> r.clients() == n).findFirst()
                            .map(r -> !r.measured() ? "failed [" + r.errors() + "]" : Format.micros(r.p50Us()) + " / " + Format.micros(r.p99Us())
                                    + (Figures.keptUp(r) ? "" : ", " + Format.percent(Figures.deliveredShare(r)) + " delivered")
                                    + (r.errors() > 0 ? " [" + r.errors() + "]" : "")).orElse(""));
                }
                report.row(cells.toArray(String[]::new));
            }
        }
        report.blank();
    }

    private static void charts(Report report, RunData run, List<TransportRow> rows, List<Transport> transports, List<String> models,
                               long n) throws IOException {
        List<String> categories = transports.stream().map(Transport::id).toList();
        String at = " at " + Format.count(n) + " clients";
        report.image("Median delivery latency", Charts.bars(run.dir().resolve("transports-latency.png"),
                "Median delivery latency" + at, "p50 (ms, log scale)", true, categories,
                perModel(models, transports, (t, impl) -> result(run, t, impl, n).map(r -> r.p50Us() / 1000.0).orElse(Double.NaN))));
        report.image("HTTP requests per delivered message", Charts.bars(run.dir().resolve("transports-requests.png"),
                "HTTP requests per delivered message" + at, "requests / delivery", false, categories,
                perModel(models, transports, (t, impl) -> figure(rows, t, impl, n, TransportRow::requestsPerDelivery))));
        report.image("Bytes on the wire per delivered message", Charts.bars(run.dir().resolve("transports-bytes.png"),
                "Bytes on the wire per delivered message, both directions" + at, "bytes / delivery", false, categories,
                perModel(models, transports, (t, impl) -> figure(rows, t, impl, n, TransportRow::bytesPerDelivery))));
        report.image("Server CPU per delivered message", Charts.bars(run.dir().resolve("transports-cpu.png"),
                "Server CPU time per delivered message" + at, "CPU (us) / delivery", false, categories,
                perModel(models, transports, (t, impl) -> result(run, t, impl, n).map(Figures::cpuMicrosPerDelivery).orElse(Double.NaN))));
        report.image("Threads the server ran for connections", Charts.bars(run.dir().resolve("transports-threads.png"),
                "Threads the server ran for single connections (virtual included)" + at, "threads", false, categories,
                perModel(models, transports, (t, impl) -> row(rows, t, impl, n).map(r -> r.connectionThreads() < 0 ? Double.NaN
                        : (double) r.connectionThreads()).orElse(Double.NaN))));
    }

    private interface Cell {
        double of(Transport t, String impl);
    }

    private static Map<String, List<Double>> perModel(List<String> models, List<Transport> transports, Cell cell) {
        Map<String, List<Double>> series = new LinkedHashMap<>();
        for (String impl : models) series.put(impl, transports.stream().map(t -> cell.of(t, impl)).toList());
        return series;
    }

    private static void anchorTable(Report report, List<TransportRow> rows, List<Transport> transports, List<String> models, long n) {
        report.paragraph("Bytes for five updates, this run against the published anchor (" + ANCHOR + ": five updates a second "
                + "apart to one subscriber over HTTP/1.1, short polling every 250 ms, measured from Chrome 60 against Node 8.4; the "
                + "figures below are the article's, as published). chatlab's *five updates* is a client's setup (session, join, "
                + "first poll or stream, or the WebSocket handshake and join, both directions) plus five times what receiving cost "
                + "per delivered message at " + Format.count(n) + " clients (polls and answers, the stream, frames; sending is left "
                + "out, as the anchor's subscriber sent nothing). Ranges run over the three models; the ratios take the article's KB "
                + "as 1,000 bytes:");
        report.table(List.of("transport", "setup / client", "receiving / update", "five updates (chatlab)", "five updates (published)",
                "chatlab / published"));
        for (Transport t : transports) {
            List<TransportRow> at = rowsAt(rows, t, models, n);
            if (at.isEmpty()) continue;
            Double published = PUBLISHED_KB.get(t);
            report.row(t.id(), range(at, TransportRow::setupRequestsPerClient, Format::decimal) + " requests, "
                            + range(at, TransportRow::setupBytesPerClient, Format::count) + " B",
                    range(at, TransportRow::receiveBytesPerDelivery, Format::count) + " B",
                    range(at, TransportRow::fiveUpdatesBytes, Format::count) + " B",
                    published == null ? "" : published + " KB",
                    published == null ? "" : range(at, r -> r.fiveUpdatesBytes() / (published * KB), v -> String.format(Locale.ROOT, "%.2f", v)));
        }
        report.blank();
    }

    // ---- the reading: each a sentence computed from the run, or null ----

    /**
     * Short polling's median against half its interval, in every model: said when each lies within
     * {@link #HALF_BAND} of the interval around the half, with the push transports' medians beside it.
     */
    static String shortPollWait(RunData run, List<TransportRow> rows, List<String> models, long n) {
        List<String> items = new ArrayList<>();
        long interval = -1;
        for (String impl : models) {
            Optional<ResultRow> r = result(run, Transport.SHORT_POLL, impl, n);
            Optional<TransportRow> t = row(rows, Transport.SHORT_POLL, impl, n);
            if (r.isEmpty() || t.isEmpty() || t.get().pollIntervalMs() <= 0) return null;
            interval = t.get().pollIntervalMs();
            double share = r.get().p50Us() / 1000.0 / interval;
            if (Math.abs(share - 0.5) > HALF_BAND) return null;
            items.add(Impls.code(impl) + " " + Format.micros(r.get().p50Us()));
        }
        if (items.isEmpty()) return null;
        long pushMedian = -1;
        for (Transport t : List.of(Transport.LONG_POLL, Transport.SSE, Transport.WEBSOCKET)) {
            for (String impl : models) pushMedian = Math.max(pushMedian, result(run, t, impl, n).map(ResultRow::p50Us).orElse(-1L));
        }
        return "Latency: short polling every " + interval + " ms delivered in a median of " + String.join(", ", items) + ", about half "
                + "the interval: a message waits on the server for its recipient's next poll, on average half an interval. "
                + (pushMedian >= 0 ? "The transports that push (long polling, SSE, WebSocket) had medians of at most "
                + Format.micros(pushMedian) + " at the same N." : "");
    }

    /** Requests per delivered message by transport; which asked most and which none, said only where every model agrees. */
    static String requestsPerDelivery(List<TransportRow> rows, List<Transport> transports, List<String> models, long n) {
        List<String> items = new ArrayList<>();
        for (Transport t : transports) {
            List<TransportRow> at = rowsAt(rows, t, models, n);
            if (!at.isEmpty()) items.add(code(t) + " " + range(at, TransportRow::requestsPerDelivery, Format::decimal));
        }
        if (items.isEmpty()) return null;
        StringBuilder out = new StringBuilder("Load: HTTP requests per delivered message, " + String.join(", ", items) + ".");
        Optional<Transport> most = clearlyMost(rows, transports, models, n, TransportRow::requestsPerDelivery);
        if (most.isPresent()) {
            out.append(" ").append(code(most.get())).append(" asked most in every model");
            if (most.get() == Transport.SHORT_POLL) {
                List<TransportRow> at = rowsAt(rows, Transport.SHORT_POLL, models, n);
                out.append(": a poll goes out whether or not anything is new, and ")
                        .append(range(at, r -> r.emptyShare() * 100, Format::count)).append("% of its polls came back empty");
            }
            out.append(".");
        }
        List<TransportRow> ws = rowsAt(rows, Transport.WEBSOCKET, models, n);
        if (!ws.isEmpty() && ws.stream().allMatch(r -> r.traffic().requests() == 0)) {
            out.append(" A WebSocket made none once open: its messages are frames on the connection its handshake upgraded.");
        }
        return out.toString();
    }

    /** Bytes per delivered message by transport, both directions; the most and the fewest said only where every model agrees. */
    static String bytesPerDelivery(List<TransportRow> rows, List<Transport> transports, List<String> models, long n) {
        List<String> items = new ArrayList<>();
        for (Transport t : transports) {
            List<TransportRow> at = rowsAt(rows, t, models, n);
            if (!at.isEmpty()) items.add(code(t) + " " + range(at, TransportRow::bytesPerDelivery, Format::count) + " B ("
                    + range(at, TransportRow::upPerDelivery, Format::count) + " up, " + range(at, TransportRow::downPerDelivery, Format::count)
                    + " down)");
        }
        if (items.isEmpty()) return null;
        StringBuilder out = new StringBuilder("Bytes on the wire per delivered message, headers included: " + String.join("; ", items) + ".");
        Optional<Transport> most = clearlyMost(rows, transports, models, n, TransportRow::bytesPerDelivery);
        Optional<Transport> fewest = clearlyFewest(rows, transports, models, n, TransportRow::bytesPerDelivery);
        if (most.isPresent()) out.append(" ").append(code(most.get())).append(" put the most on the wire in every model");
        if (fewest.isPresent()) out.append(most.isPresent() ? ", " : " ").append(code(fewest.get())).append(" the fewest");
        if (most.isPresent() || fewest.isPresent()) out.append(" (at least ").append(CLEARLY).append("x apart).");
        return out.toString();
    }

    /**
     * What long polls and streams hold on the server, by model: a thread each under thread per
     * connection, none under the event loop. Said for a transport only when both threaded models ran
     * at least as many connection threads as polls or streams were held, and evented ran none.
     */
    static String threadsHeld(RunData run, List<TransportRow> rows, List<String> models, long n) {
        List<String> sentences = new ArrayList<>();
        for (Transport t : List.of(Transport.LONG_POLL, Transport.SSE)) {
            Optional<TransportRow> platform = row(rows, t, "threaded-platform", n);
            Optional<TransportRow> virtual = row(rows, t, "threaded-virtual", n);
            Optional<TransportRow> evented = row(rows, t, "evented", n);
            if (platform.isEmpty() || virtual.isEmpty() || evented.isEmpty()) continue;
            long heldP = held(platform.get(), t);
            long heldV = held(virtual.get(), t);
            long heldE = held(evented.get(), t);
            if (heldP <= 0 || heldV <= 0 || heldE <= 0) continue;
            if (platform.get().connectionThreads() < heldP || virtual.get().connectionThreads() < heldV || evented.get().connectionThreads() != 0) {
                continue;
            }
            String what = t == Transport.LONG_POLL ? "held long poll" : "open event stream";
            long threadsP = result(run, t, "threaded-platform", n).map(ResultRow::threads).orElse(-1L);
            long threadsV = result(run, t, "threaded-virtual", n).map(ResultRow::threads).orElse(-1L);
            long threadsE = result(run, t, "evented", n).map(ResultRow::threads).orElse(-1L);
            sentences.add(String.format(Locale.ROOT, "With %s clients on %s (%d connections each), every %s kept a thread in the "
                            + "thread-per-connection models: `threaded-platform` held %s and ran %s threads for its %s open connections "
                            + "(%s kernel threads in all), `threaded-virtual` held %s on %s virtual threads (%s kernel threads in all); "
                            + "`evented` held %s as registrations on its one loop, with no thread per connection (%s kernel threads in all).",
                    Format.count(n), code(t), t.socketsPerClient(), what, Format.count(heldP), Format.count(platform.get().connectionThreads()),
                    Format.count(platform.get().httpConnections() + Math.max(0, platform.get().wsConnections())), Format.count(threadsP),
                    Format.count(heldV), Format.count(virtual.get().connectionThreads()), Format.count(threadsV), Format.count(heldE),
                    Format.count(threadsE)));
        }
        if (sentences.isEmpty()) return null;
        return "Connections held: " + String.join(" ", sentences) + " A threaded connection has a reader thread for its life and a "
                + "writer thread while it has bytes to send (the writer lingers a second after its last write); the open connections "
                + "include the harness's own `/stats` request.";
    }

    private static long held(TransportRow r, Transport t) {
        return t == Transport.LONG_POLL ? r.pollsHeld() : r.sseStreams();
    }

    /**
     * One-way against two-way: what sending one message cost beside SSE's stream (a {@code POST
     * /send} and its answer) against a WebSocket frame, said when SSE's cost per message is clearly
     * above the WebSocket's in every model.
     */
    static String oneWay(List<TransportRow> rows, List<String> models, long n, int roomSize) {
        if (roomSize <= 0) return null;
        List<TransportRow> sse = rowsAt(rows, Transport.SSE, models, n);
        List<TransportRow> ws = rowsAt(rows, Transport.WEBSOCKET, models, n);
        if (sse.isEmpty() || ws.isEmpty()) return null;
        double sseLeast = min(sse, r -> r.sendBytesPerMessage(roomSize));
        double wsMost = max(ws, r -> r.sendBytesPerMessage(roomSize));
        if (Double.isNaN(sseLeast) || Double.isNaN(wsMost) || sseLeast < CLEARLY * wsMost) return null;
        return "One way or two: an event stream only carries the server's messages, so each message an SSE client said took a "
                + "`POST /send` of its own and its `204`, " + range(sse, r -> r.sendBytesPerMessage(roomSize), Format::count)
                + " B both ways, where a WebSocket client sent a frame of " + range(ws, r -> r.sendBytesPerMessage(roomSize), Format::count)
                + " B on the connection it already had (per message said: the sending part of the traffic per delivery, times the "
                + roomSize + " members a message reaches).";
    }

    /**
     * "The user is not tied to a single server": how often a client asked the server anew to
     * receive. Said when the polling transports made requests and SSE and WebSocket made none in
     * the window, in every model.
     */
    static String notTiedToOneServer(List<TransportRow> rows, List<String> models, long n) {
        List<TransportRow> shortPoll = rowsAt(rows, Transport.SHORT_POLL, models, n);
        List<TransportRow> longPoll = rowsAt(rows, Transport.LONG_POLL, models, n);
        List<TransportRow> streams = new ArrayList<>(rowsAt(rows, Transport.SSE, models, n));
        streams.addAll(rowsAt(rows, Transport.WEBSOCKET, models, n));
        if (shortPoll.isEmpty() || longPoll.isEmpty() || streams.isEmpty()) return null;
        if (shortPoll.stream().anyMatch(r -> r.traffic().receiveRequests() == 0) || longPoll.stream().anyMatch(r -> r.traffic().receiveRequests() == 0)
                || streams.stream().anyMatch(r -> r.traffic().receiveRequests() != 0)) {
            return null;
        }
        return "Tied to a server or not: to receive, a short-polling client asked anew " + range(shortPoll,
                TransportRow::receiveRequestsPerClientSecond, Format::decimal) + " times a second and a long-polling one "
                + range(longPoll, TransportRow::receiveRequestsPerClientSecond, Format::decimal) + " times; each request stands alone "
                + "(the session's id and the last number it has), so another server that can read the session could answer the next one. "
                + "An SSE or WebSocket client asked nothing anew in the window: its stream or socket stays with the server that accepted it "
                + "until it breaks.";
    }

    /** Server CPU per delivered message by transport; the dearest said only where every model agrees. */
    static String serverCpu(RunData run, List<Transport> transports, List<String> models, long n) {
        List<String> items = new ArrayList<>();
        Map<Transport, double[]> spread = new LinkedHashMap<>();
        for (Transport t : transports) {
            List<ResultRow> at = new ArrayList<>();
            for (String impl : models) result(run, t, impl, n).ifPresent(at::add);
            double lo = at.stream().mapToDouble(Figures::cpuMicrosPerDelivery).filter(v -> !Double.isNaN(v)).min().orElse(Double.NaN);
            double hi = at.stream().mapToDouble(Figures::cpuMicrosPerDelivery).filter(v -> !Double.isNaN(v)).max().orElse(Double.NaN);
            if (Double.isNaN(lo) || at.size() < models.size()) continue;
            spread.put(t, new double[] {lo, hi});
            items.add(code(t) + " " + (Format.decimal(lo).equals(Format.decimal(hi)) ? Format.decimal(lo) : Format.decimal(lo) + "-" + Format.decimal(hi)) + " us");
        }
        if (items.isEmpty()) return null;
        StringBuilder out = new StringBuilder("Server CPU time per delivered message over the load, over the three models: "
                + String.join(", ", items) + ".");
        for (Map.Entry<Transport, double[]> e : spread.entrySet()) {
            boolean dearest = spread.entrySet().stream().filter(o -> o.getKey() != e.getKey()).allMatch(o -> e.getValue()[0] >= CLEARLY * o.getValue()[1]);
            if (dearest && spread.size() > 1) {
                out.append(" ").append(code(e.getKey())).append(" cost the server the most in every model (at least ").append(CLEARLY)
                        .append("x any other transport's figure)");
                if (e.getKey() == Transport.SHORT_POLL) out.append(": it answers every poll, most of them with nothing");
                out.append(".");
            }
        }
        return out.toString();
    }

    /**
     * This run's five updates against the published figures: the ratio per transport, and whether
     * the two rank the transports alike (said only when both rank them strictly in the same order).
     */
    static String anchorReading(List<TransportRow> rows, List<Transport> transports, List<String> models, long n) {
        List<Transport> ranked = new ArrayList<>();
        Map<Transport, Double> ours = new LinkedHashMap<>();
        for (Transport t : transports) {
            List<TransportRow> at = rowsAt(rows, t, models, n);
            if (at.isEmpty() || !PUBLISHED_KB.containsKey(t)) continue;
            double lo = min(at, TransportRow::fiveUpdatesBytes);
            double hi = max(at, TransportRow::fiveUpdatesBytes);
            if (Double.isNaN(lo)) continue;
            ours.put(t, (lo + hi) / 2);
            ranked.add(t);
        }
        if (ranked.size() < 2) return null;
        List<String> ratios = new ArrayList<>();
        for (Transport t : ranked) {
            ratios.add(code(t) + " " + range(rowsAt(rows, t, models, n), r -> r.fiveUpdatesBytes() / (PUBLISHED_KB.get(t) * KB),
                    v -> String.format(Locale.ROOT, "%.2f", v)) + "x");
        }
        StringBuilder out = new StringBuilder("Against the published anchor (its figures, not measured here), this run's five updates "
                + "came to " + String.join(", ", ratios) + " of the article's.");
        List<Transport> byOurs = new ArrayList<>(ranked);
        byOurs.sort((a, b) -> Double.compare(ours.get(b), ours.get(a)));
        List<Transport> byPublished = new ArrayList<>(ranked);
        byPublished.sort((a, b) -> Double.compare(PUBLISHED_KB.get(b), PUBLISHED_KB.get(a)));
        boolean strictlyOrdered = true;
        for (int i = 1; i < byOurs.size(); i++) {
            Transport above = byOurs.get(i - 1);
            Transport below = byOurs.get(i);
            if (min(rowsAt(rows, above, models, n), TransportRow::fiveUpdatesBytes) <= max(rowsAt(rows, below, models, n), TransportRow::fiveUpdatesBytes)) {
                strictlyOrdered = false;
            }
        }
        if (strictlyOrdered && byOurs.equals(byPublished)) {
            out.append(" Both rank the transports the same way, from ").append(code(byOurs.get(0))).append(" down to ")
                    .append(code(byOurs.get(byOurs.size() - 1))).append(".");
        } else if (strictlyOrdered) {
            out.append(" The order differs: here ").append(String.join(" > ", byOurs.stream().map(TransportsSection::code).toList()))
                    .append(", there ").append(String.join(" > ", byPublished.stream().map(TransportsSection::code).toList())).append(".");
        }
        return out.toString();
    }

    /**
     * Why chatlab's bytes differ from the article's, from this run's own figures: the size of its
     * poll requests, of a message as the server sends it, and how many polls one update took.
     */
    static String anchorWhy(List<TransportRow> rows, List<String> models, long n, JsonNode settings) {
        List<TransportRow> longPoll = rowsAt(rows, Transport.LONG_POLL, models, n);
        List<TransportRow> ws = rowsAt(rows, Transport.WEBSOCKET, models, n);
        List<TransportRow> shortPoll = rowsAt(rows, Transport.SHORT_POLL, models, n);
        List<String> parts = new ArrayList<>();
        if (!longPoll.isEmpty() && !Double.isNaN(min(longPoll, TransportRow::receiveRequestBytes))) {
            parts.add("a poll's request is " + range(longPoll, TransportRow::receiveRequestBytes, Format::count)
                    + " B here (request line and `Host` only, where a browser adds its own headers)");
        }
        if (!ws.isEmpty() && !Double.isNaN(min(ws, TransportRow::receiveBytesPerDelivery))) {
            parts.add("a chat message reaches a WebSocket client as " + range(ws, TransportRow::receiveBytesPerDelivery, Format::count)
                    + " B (its JSON carries room, sender, text, id, seq and time: a " + settings.path("payloadBytes").asText("?")
                    + "-character text with its envelope)");
        }
        if (!shortPoll.isEmpty() && !Double.isNaN(min(shortPoll, TransportRow::receiveRequestsPerDelivery))) {
            long interval = shortPoll.get(0).pollIntervalMs();
            parts.add("one update took " + range(shortPoll, TransportRow::receiveRequestsPerDelivery, Format::decimal)
                    + " short polls at " + interval + " ms" + (interval == 250 ? ", as in the article" : ", where the article polled every 250 ms"));
        }
        if (parts.isEmpty()) return null;
        return "Where the figures come from: " + String.join("; ", parts) + ". chatlab's setup also creates a session and joins a "
                + "room, which the article's one-way feed did not.";
    }

    /** The generators' busiest step over every transport: near a full core, they set the pace. */
    static String busiestGenerators(RunData run, List<Transport> transports) {
        String busiest = null;
        double worst = -1;
        for (Transport t : transports) {
            for (var d : run.details()) {
                if (!d.suite().equals(TransportsSuite.suite(t))) continue;
                double share = Figures.generatorCoreShare(d);
                if (!Double.isNaN(share) && share > worst) {
                    worst = share;
                    busiest = LoadReading.generatorLoad(run, d.suite());
                }
            }
        }
        return busiest;
    }

    // ---- lookups ----

    private static String prefixed(Transport t, String sentence) {
        return sentence == null ? null : code(t) + ": " + sentence;
    }

    /** A transport's name in prose: {@code `short-poll`}. */
    static String code(Transport t) {
        return "`" + t.id() + "`";
    }

    /** The transports the run has rows of, in the suite's order. */
    static List<Transport> transports(RunData run) {
        return TransportsSuite.TRANSPORTS.stream().filter(t -> !run.rows(TransportsSuite.suite(t)).isEmpty()).toList();
    }

    static List<String> models(RunData run, List<Transport> transports) {
        TreeSet<String> all = new TreeSet<>();
        for (Transport t : transports) all.addAll(run.impls(TransportsSuite.suite(t)));
        return Impls.ordered(new ArrayList<>(all));
    }

    /** The largest N at which every transport was measured in every model; 0 if none. */
    static long commonClients(RunData run, List<Transport> transports, List<String> models) {
        TreeSet<Long> common = null;
        for (Transport t : transports) {
            for (String impl : models) {
                TreeSet<Long> ns = new TreeSet<>();
                for (ResultRow r : run.rows(TransportsSuite.suite(t), impl)) if (r.measured()) ns.add(r.clients());
                if (common == null) common = ns;
                else common.retainAll(ns);
            }
        }
        return common == null || common.isEmpty() ? 0 : common.last();
    }

    static Optional<ResultRow> result(RunData run, Transport t, String impl, long n) {
        return run.rows(TransportsSuite.suite(t), impl).stream().filter(r -> r.clients() == n && r.measured()).findFirst();
    }

    static Optional<TransportRow> row(List<TransportRow> rows, Transport t, String impl, long n) {
        return rows.stream().filter(r -> r.transport().equals(t.id()) && r.impl().equals(impl) && r.clients() == n).reduce((a, b) -> b);
    }

    private static List<TransportRow> rowsAt(List<TransportRow> rows, Transport t, List<String> models, long n) {
        List<TransportRow> at = new ArrayList<>();
        for (String impl : models) row(rows, t, impl, n).ifPresent(at::add);
        return at;
    }

    private static double figure(List<TransportRow> rows, Transport t, String impl, long n, ToDoubleFunction<TransportRow> f) {
        return row(rows, t, impl, n).map(f::applyAsDouble).orElse(Double.NaN);
    }

    /** {@code t}, when its smallest figure over the models is at least {@link #CLEARLY} times every other transport's largest. */
    private static Optional<Transport> clearlyMost(List<TransportRow> rows, List<Transport> transports, List<String> models, long n,
                                                   ToDoubleFunction<TransportRow> f) {
        return clearlyApart(rows, transports, models, n, f, true);
    }

    /** {@code t}, when its largest figure over the models is at most every other transport's smallest over {@link #CLEARLY}. */
    private static Optional<Transport> clearlyFewest(List<TransportRow> rows, List<Transport> transports, List<String> models, long n,
                                                     ToDoubleFunction<TransportRow> f) {
        return clearlyApart(rows, transports, models, n, f, false);
    }

    private static Optional<Transport> clearlyApart(List<TransportRow> rows, List<Transport> transports, List<String> models, long n,
                                                    ToDoubleFunction<TransportRow> f, boolean most) {
        for (Transport t : transports) {
            List<TransportRow> own = rowsAt(rows, t, models, n);
            double edge = most ? min(own, f) : max(own, f);
            if (Double.isNaN(edge) || (most && edge <= 0)) continue;
            boolean apart = true;
            int others = 0;
            for (Transport o : transports) {
                if (o == t) continue;
                List<TransportRow> theirs = rowsAt(rows, o, models, n);
                double other = most ? max(theirs, f) : min(theirs, f);
                if (Double.isNaN(other)) continue;
                others++;
                if (most ? edge < CLEARLY * other : other < CLEARLY * edge) apart = false;
            }
            if (apart && others > 0) return Optional.of(t);
        }
        return Optional.empty();
    }

    private static double min(List<TransportRow> rows, ToDoubleFunction<TransportRow> f) {
        return rows.stream().mapToDouble(f).filter(v -> !Double.isNaN(v)).min().orElse(Double.NaN);
    }

    private static double max(List<TransportRow> rows, ToDoubleFunction<TransportRow> f) {
        return rows.stream().mapToDouble(f).filter(v -> !Double.isNaN(v)).max().orElse(Double.NaN);
    }

    /** {@code lo-hi} of a figure over rows (one number when they agree as printed); "n/a" when none is known. */
    static String range(List<TransportRow> rows, ToDoubleFunction<TransportRow> f, java.util.function.DoubleFunction<String> format) {
        double lo = min(rows, f);
        double hi = max(rows, f);
        if (Double.isNaN(lo)) return "n/a";
        String a = format.apply(lo);
        String b = format.apply(hi);
        return a.equals(b) ? a : a + "-" + b;
    }
}
