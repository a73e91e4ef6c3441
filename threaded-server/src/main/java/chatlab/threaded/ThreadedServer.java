package chatlab.threaded;

import chatlab.protocol.chat.LabRunner;
import chatlab.protocol.http.HttpResponses;
import chatlab.protocol.server.ChatServer;
import chatlab.protocol.server.OutboundQueue;
import chatlab.protocol.server.ServerConfig;
import chatlab.protocol.server.ServerConnection;
import chatlab.protocol.server.ServerConnection.HeldPoll;
import chatlab.protocol.server.ServerContext;
import chatlab.protocol.server.StatsSnapshot;
import chatlab.protocol.session.SessionTable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

/**
 * Thread per connection, with blocking sockets: models {@code threaded-platform} and
 * {@code threaded-virtual}, which differ only in the {@link ThreadFactory} they are given.
 *
 * <p><b>Threads.</b> One acceptor thread calls {@code accept()} in a loop. Each connection gets a
 * <em>reader</em> thread that blocks in {@code read()} and handles what arrives, top to bottom:
 * HTTP requests one after another, handshake, frames, chat; the chat's fan-out runs on the
 * sender's reader thread. Each connection also has a <em>writer</em> thread, started when it has
 * bytes to send and ended after {@value #WRITER_LINGER_MILLIS} ms with nothing to send, which
 * blocks in {@code write()} so that no other thread ever does; while it waits for bytes it is
 * parked, and whoever queues bytes unparks it. One shared scheduler thread closes sockets whose
 * grace time ran out and ends HTTP sessions nobody used for the expiry time.
 *
 * <p><b>The HTTP transports</b> hold threads, as the lecture says they do here. A persistent
 * connection between requests is its reader blocked in {@code read()} until the keep-alive timeout.
 * A long poll is the reader thread waiting on the session's condition until a message arrives or
 * {@code wait} passes, then writing the answer, like simple synchronous code: meanwhile it reads
 * nothing, so requests pipelined behind the poll wait in the kernel, and a client that vanishes is
 * noticed only when the poll ends (at most {@code wait} seconds later). An event stream is the
 * reader thread held for the stream's life, blocked in {@code read()} to notice the client leave;
 * events reach the connection's queue from the threads that deliver them, and the writer sends
 * them. Every such thread shows in {@code /stats} {@code connectionThreads}.
 *
 * <p><b>State.</b> Rooms live in the {@link chatlab.protocol.chat.ChatHub} (one lock per room),
 * or with {@code --broker} in the broker, whose client threads deliver room messages straight
 * into the members' queues, as another connection's reader would; HTTP sessions in the
 * {@link chatlab.protocol.session.SessionTable} (each session locks itself).
 * A connection's protocol state ({@link ServerConnection}) belongs to its reader thread; other
 * threads touch only its bounded {@link OutboundQueue}, which the writer drains.
 *
 * <p><b>Slow and hostile clients.</b> A client that stops reading fills the kernel's buffers,
 * then blocks its own writer thread, then fills its queue: past the bound (1 MiB by default) the
 * queue is dropped (a WebSocket gets a 1008 close frame, an event stream just ends) and the socket
 * is closed a few seconds later whatever happens. Senders never wait for it: fan-out only appends
 * to queues. A client that sends bad bytes is answered (4xx or a close code) and, when the stream
 * can no longer be trusted, closed; a client that is slow to send a request is disconnected by the
 * read timeout. Every such case is counted in {@code /stats}.
 *
 * <p><b>Cost.</b> A busy connection holds two threads, an idle one (keep-alive, long poll, event
 * stream, WebSocket) one. With platform threads that is a kernel thread with its stack, and the
 * kernel's thread limit ({@code pid_max}, a cgroup's {@code pids.max}, a user's {@code ulimit -u})
 * caps connections; with virtual threads a blocked read, write or wait parks a heap object instead (its frames, copied into a stack chunk). A waiting
 * reader holds no buffer: it blocks in {@code read()} of one byte, and only then borrows a
 * {@value #READ_BUFFER_BYTES}-byte buffer from the server's pool for what else has arrived.
 * Anything a thread caches for itself ({@code ThreadLocal}s: Jackson's buffer recycler by default,
 * see {@code --json-recycler}; with platform threads also the JDK's temporary direct buffers for
 * socket I/O) is per-connection memory here, for as long as the connection lives.
 *
 * <p><b>At the thread limit</b> {@code Thread.start()} fails ("unable to create native thread").
 * A new connection that gets no reader is answered {@code 503 Service Unavailable} with
 * {@code Retry-After: 1} by the acceptor itself, before its request is read, and closed: the
 * client gets a definite answer at once instead of a connection that hangs. The failure also
 * tells the server how many connection threads it can run (those running at that moment), and
 * from then on it admits a connection only while every connection it holds could have both its
 * threads at once (connections at most half that number, until more threads than that run: a
 * raised limit); others get the same 503. Connections admitted before the limit was met may still find no thread for their
 * writer (it starts whenever a connection has bytes to send after a quiet second): the bytes stay
 * queued and the writer is retried every {@value #WRITER_RETRY_MILLIS} ms; while any connection
 * waits, the acceptor refuses newcomers without trying and writers end as soon as their queue is
 * empty instead of lingering, so that threads go round the connections already held, and one
 * still waiting after {@link #WRITER_WAIT} is closed (to its client, the same as a server that
 * cannot keep up). Each refusal and each wait counts in
 * {@code /stats} {@code threadStartFailures}; the first failure is logged, once. No other
 * connection is touched, and the server goes on.
 */
public final class ThreadedServer implements ChatServer {

    static final int READ_BUFFER_BYTES = 4096;
    static final long WRITER_LINGER_MILLIS = 1000;
    /** How often a connection whose writer could not start tries again. */
    static final long WRITER_RETRY_MILLIS = 50;
    /** How long a connection waits for a writer thread before it is closed. */
    static final Duration WRITER_WAIT = Duration.ofSeconds(10);
    /** Refused sockets kept open until their client has read the 503; past this many, closed at once. */
    static final int REFUSED_KEPT_MAX = 256;

    /** The answer to a connection this process has no thread for. */
    private static final byte[] NO_THREAD = HttpResponses.response(503, "text/plain; charset=utf-8",
            "no thread for this connection: the server is at its thread limit; try again later\n", "Retry-After: 1\r\n");
    /** Read buffers kept for lending: a few per core cover the readers handling bytes at once. */
    static final int READ_BUFFERS_KEPT = 4 * Runtime.getRuntime().availableProcessors();

    private final String model;
    private final ServerContext context;
    private final ThreadFactory threads;
    private final Set<Connection> connections = ConcurrentHashMap.newKeySet();
    private final ScheduledExecutorService closer;
    /** Connections whose writer could not start, with when they began to wait. */
    private final Map<Connection, Long> waitingForWriter = new ConcurrentHashMap<>();
    private final AtomicBoolean writerRetryScheduled = new AtomicBoolean();
    /** Refused sockets, half-closed, until the closer closes them. */
    private final Set<Socket> refused = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean threadLimitLogged = new AtomicBoolean();
    /** Connection threads that were running when a thread last failed to start; 0 before any failure. */
    private volatile long threadCapacity;
    /** Buffers lent to readers while they handle what arrived; one pool per server. */
    private final BlockingQueue<byte[]> readBuffers = new ArrayBlockingQueue<>(READ_BUFFERS_KEPT);
    private final AtomicBoolean closed = new AtomicBoolean();
    private ServerSocket serverSocket;
    private Thread acceptor;

    public ThreadedServer(String model, ServerConfig config, ThreadFactory threads) {
        this.model = model;
        this.context = ServerContext.create(model, config);
        this.threads = threads;
        this.closer = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().name(model + "-closer").daemon(true).factory());
    }

    @Override
    public String model() { return model; }

    @Override
    public InetSocketAddress start(String host, int port) throws IOException {
        serverSocket = new ServerSocket();
        serverSocket.setReuseAddress(true);
        serverSocket.bind(new InetSocketAddress(host, port), 4096);
        long sweep = SessionTable.sweepInterval(context.config()).toMillis();
        closer.scheduleAtFixedRate(() -> context.sessions().expireDue(System.nanoTime()), sweep, sweep, TimeUnit.MILLISECONDS);
        acceptor = Thread.ofPlatform().name(model + "-acceptor").daemon(true).start(this::acceptLoop);
        return (InetSocketAddress) serverSocket.getLocalSocketAddress();
    }

    @Override
    public StatsSnapshot stats() { return context.stats(); }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) return;
        try {
            if (serverSocket != null) serverSocket.close();
        } catch (IOException e) {
            context.counters().ioError();
        }
        for (Connection connection : connections) {
            connection.protocol.shutdown();
        }
        context.sessions().close(); // wakes the readers that hold long polls
        long deadline = System.nanoTime() + ServerConnection.CLOSE_GRACE.toNanos() + TimeUnit.SECONDS.toNanos(1);
        for (Connection connection : connections) {
            connection.awaitEnd(deadline);
        }
        closer.shutdownNow();
        for (Socket socket : refused) closeQuietly(socket);
        context.close(); // after the connections: their members have left the rooms
    }

    private void acceptLoop() {
        while (!serverSocket.isClosed()) {
            Socket socket;
            try {
                socket = serverSocket.accept();
            } catch (IOException e) {
                if (serverSocket.isClosed()) return;
                // Out of file descriptors, most likely: count it, let connections close, try again.
                context.counters().ioError();
                pauseAccepting();
                continue;
            }
            if (!waitingForWriter.isEmpty() || !roomForBothThreadsOfOneMore()) {
                // At the thread limit: threads go to the connections already held.
                context.counters().threadStartFailure();
                refuse(socket);
                continue;
            }
            Connection connection = new Connection(socket);
            connections.add(connection);
            connection.reader = threads.newThread(connection::readLoop);
            if (!tryStart(connection.reader)) {
                context.counters().threadStartFailure();
                connections.remove(connection);
                connection.protocol.onGone();
                refuse(socket);
            }
        }
    }

    /**
     * Whether one more connection fits beside the ones held, each with a reader and a writer,
     * in the connection threads this process could run when a thread last failed to start.
     */
    private boolean roomForBothThreadsOfOneMore() {
        long capacity = threadCapacity;
        return capacity == 0 || 2L * (connections.size() + 1) <= capacity;
    }

    /**
     * Starts a connection's thread; false when the process cannot start another (the kernel's
     * thread limit), which also says how many connection threads it can run. The first failure is
     * logged; callers count theirs.
     */
    private boolean tryStart(Thread thread) {
        try {
            long running = context.counters().connectionThreads();
            thread.start();
            if (threadCapacity > 0 && running >= threadCapacity) threadCapacity = 0; // more than that runs now: the limit moved
            return true;
        } catch (OutOfMemoryError | RuntimeException e) {
            threadCapacity = Math.max(1, context.counters().connectionThreads());
            if (threadLimitLogged.compareAndSet(false, true)) {
                System.err.println(model + ": cannot start a thread (" + e.getMessage() + "): the process is at its thread limit"
                        + " with " + threadCapacity + " connection threads; it now holds at most " + threadCapacity / 2
                        + " connections (a reader and a writer each) and answers others 503."
                        + " Counted in /stats threadStartFailures; logged once.");
            }
            return false;
        }
    }

    /**
     * Answers a new connection that gets no thread: 503, written by the acceptor itself (a fresh
     * socket's send buffer takes these few bytes at once, so the write does not block), then a
     * half-close. The closer closes the socket after the close grace, when the client has read the
     * answer: closed at once, with its request unread, it would be reset, which can destroy the
     * answer before the client reads it.
     */
    private void refuse(Socket socket) {
        context.counters().httpReject();
        try {
            socket.getOutputStream().write(NO_THREAD);
            socket.shutdownOutput();
        } catch (IOException e) {
            context.counters().ioError();
            closeQuietly(socket);
            return;
        }
        if (refused.size() >= REFUSED_KEPT_MAX || !refused.add(socket)) {
            closeQuietly(socket);
            return;
        }
        try {
            closer.schedule(() -> {
                refused.remove(socket);
                closeQuietly(socket);
            }, ServerConnection.CLOSE_GRACE.toMillis(), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            refused.remove(socket);
            closeQuietly(socket); // the server is stopping
        }
    }

    /** Tries again to start the writers of the connections that wait for one; closes those that waited too long. */
    private void retryWriters() {
        writerRetryScheduled.set(false);
        long now = System.nanoTime();
        for (Map.Entry<Connection, Long> waiting : waitingForWriter.entrySet()) {
            Connection connection = waiting.getKey();
            if (connection.socket.isClosed() || connection.startWriter()) {
                waitingForWriter.remove(connection);
            } else if (now - waiting.getValue() > WRITER_WAIT.toNanos()) {
                waitingForWriter.remove(connection);
                connection.closingScheduled.set(true); // our own close, not an I/O error
                connection.forceClose(); // nothing can be written to it, not even a close frame
            }
        }
        if (!waitingForWriter.isEmpty()) scheduleWriterRetry();
    }

    private void scheduleWriterRetry() {
        if (!writerRetryScheduled.compareAndSet(false, true)) return;
        try {
            closer.schedule(this::retryWriters, WRITER_RETRY_MILLIS, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            writerRetryScheduled.set(false); // the server is stopping; its close ends every connection
        }
    }

    private void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException e) {
            context.counters().ioError();
        }
    }

    /** A read timeout for {@code nanos} from now: at least 1 ms (0 would mean forever), forever when there is no deadline. */
    static int readTimeoutMillis(long nanos) {
        long millis = TimeUnit.NANOSECONDS.toMillis(nanos) + 1;
        return millis > Integer.MAX_VALUE ? 0 : (int) millis;
    }

    /** A read buffer from the pool, or a new one when every kept buffer is lent out. */
    private byte[] borrowReadBuffer() {
        byte[] buffer = readBuffers.poll();
        return buffer != null ? buffer : new byte[READ_BUFFER_BYTES];
    }

    private static void pauseAccepting() {
        try {
            Thread.sleep(50); // back off instead of spinning on a resource limit
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** One client: its socket, its protocol state, and its reader and writer threads. */
    private final class Connection implements ServerConnection.Transport {
        final Socket socket;
        final ServerConnection protocol;
        final AtomicBoolean closingScheduled = new AtomicBoolean();
        volatile Thread reader;
        /**
         * The writer thread while there is one, to unpark when bytes arrive; null otherwise, so a
         * connection keeps no finished thread.
         */
        final AtomicReference<Thread> writer = new AtomicReference<>();

        Connection(Socket socket) {
            this.socket = socket;
            this.protocol = new ServerConnection(context, this, LabRunner.INLINE);
        }

        /** The reader thread: blocking reads, handled in order, until the client or the server ends it. */
        void readLoop() {
            context.counters().connectionThreadStarted();
            try (socket) {
                socket.setTcpNoDelay(true);
                InputStream in = socket.getInputStream();
                while (true) {
                    long now = System.nanoTime();
                    long untilDeadline = protocol.deadline() - now;
                    if (untilDeadline <= 0) {
                        if (protocol.onDeadline(now)) return; // a request that never arrived whole: drop it
                        continue;
                    }
                    socket.setSoTimeout(readTimeoutMillis(untilDeadline));
                    int first;
                    try {
                        first = in.read(); // wait for the client holding no buffer
                    } catch (SocketTimeoutException e) {
                        continue; // the loop's top finds the deadline passed
                    }
                    if (first < 0) return;
                    byte[] buffer = borrowReadBuffer();
                    try {
                        buffer[0] = (byte) first;
                        int n = 1;
                        int waiting = Math.min(in.available(), buffer.length - 1);
                        if (waiting > 0) n += Math.max(0, in.read(buffer, 1, waiting)); // there: does not block
                        protocol.onRead(ByteBuffer.wrap(buffer, 0, n));
                    } finally {
                        readBuffers.offer(buffer); // dropped if the pool is full
                    }
                    waitForHeldPolls();
                    // Virtual threads are not time-sliced: a reader that always finds data waiting
                    // would keep its carrier and starve the writer threads its fan-out just woke,
                    // whose queues would then pass the bound although their clients read.
                    Thread.yield();
                }
            } catch (IOException e) {
                if (!closingScheduled.get()) context.counters().ioError();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt(); // only the server's own shutdown interrupts
            } finally {
                protocol.onGone();
                connections.remove(this);
                waitingForWriter.remove(this);
                context.counters().connectionThreadEnded();
            }
        }

        /**
         * Long polling, thread per connection: this thread waits on the session until a message
         * arrives or the poll's time is up, then answers (and reads what was pipelined behind it,
         * which may hold the next poll).
         */
        private void waitForHeldPolls() throws InterruptedException {
            for (HeldPoll poll = protocol.heldPoll(); poll != null; poll = protocol.heldPoll()) {
                poll.session().awaitMessagesAfter(poll.after(), poll.deadlineNanos());
                protocol.answerHeldPoll();
            }
        }

        /** The writer thread: takes from the queue and blocks in write(), so no one else has to. */
        void writeLoop() {
            context.counters().connectionThreadStarted();
            OutboundQueue queue = protocol.outbound();
            long lingerNanos = TimeUnit.MILLISECONDS.toNanos(WRITER_LINGER_MILLIS);
            try {
                OutputStream out = socket.getOutputStream();
                long idleSince = System.nanoTime();
                while (true) {
                    byte[] next = queue.poll();
                    if (next != null) {
                        out.write(next);
                        idleSince = System.nanoTime();
                        continue;
                    }
                    if (queue.isDrainedAndClosing()) {
                        // Our last bytes are out: half-close, and the reader waits for the client's EOF.
                        socket.shutdownOutput();
                        return;
                    }
                    // While connections wait for a writer thread, this one does not linger: it hands its thread on.
                    long linger = waitingForWriter.isEmpty() ? lingerNanos : 0;
                    long lingerLeft = linger - (System.nanoTime() - idleSince);
                    if (lingerLeft > 0) {
                        // Whoever queues bytes unparks us; a wake-up that came before this park is not lost.
                        LockSupport.parkNanos(this, lingerLeft);
                        continue;
                    }
                    Thread self = Thread.currentThread();
                    writer.compareAndSet(self, null);
                    // Bytes may have arrived between the last poll() and letting go; a producer
                    // that saw us still here only unparked us, so we take them, unless a new
                    // writer has started meanwhile.
                    if (queue.isEmpty() && !queue.isClosing()) return;
                    if (!writer.compareAndSet(null, self)) return;
                }
            } catch (IOException e) {
                if (!closingScheduled.get()) context.counters().ioError();
                forceClose();
            } finally {
                writer.compareAndSet(Thread.currentThread(), null);
                context.counters().connectionThreadEnded();
            }
        }

        @Override
        public void outboundReady() {
            if (!startWriter() && waitingForWriter.putIfAbsent(this, System.nanoTime()) == null) {
                // At the thread limit: the bytes stay queued, and the closer retries (retryWriters).
                context.counters().threadStartFailure();
                scheduleWriterRetry();
            }
        }

        /**
         * Wakes the writer, or starts one; false when no thread could be started for it (the
         * process is at its thread limit: the caller waits for a thread, the bytes stay queued).
         */
        boolean startWriter() {
            Thread running = writer.get();
            if (running != null) {
                LockSupport.unpark(running);
                return true;
            }
            Thread started;
            try {
                started = threads.newThread(this::writeLoop);
            } catch (OutOfMemoryError | RuntimeException e) {
                context.counters().ioError();
                forceClose();
                return true; // nothing to wait for: the connection is gone
            }
            if (!writer.compareAndSet(null, started)) {
                LockSupport.unpark(writer.get()); // another writer got there first; it polls the queue anyway
                return true;
            }
            if (tryStart(started)) return true;
            writer.compareAndSet(started, null);
            return false;
        }

        @Override
        public void pollReady() {
            // Nothing to do: this connection's reader thread waits on the session itself.
        }

        @Override
        public void closing(Duration grace) {
            if (closingScheduled.compareAndSet(false, true)) {
                outboundReady();
                try {
                    closer.schedule(this::forceClose, grace.toMillis(), TimeUnit.MILLISECONDS);
                } catch (java.util.concurrent.RejectedExecutionException e) {
                    forceClose(); // the server is already stopped
                }
            }
        }

        /** Ends both threads: their blocked read() and write() fail once the socket is closed. */
        void forceClose() {
            closeQuietly(socket);
        }

        void awaitEnd(long deadlineNanos) {
            Thread t = reader;
            if (t == null) return;
            try {
                long millis = TimeUnit.NANOSECONDS.toMillis(deadlineNanos - System.nanoTime());
                if (millis > 0) t.join(millis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (t.isAlive()) forceClose();
        }
    }
}
