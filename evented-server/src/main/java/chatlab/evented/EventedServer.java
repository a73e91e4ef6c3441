package chatlab.evented;

import chatlab.protocol.chat.LabRunner;
import chatlab.protocol.chat.Outbound;
import chatlab.protocol.server.ChatServer;
import chatlab.protocol.server.OutboundQueue;
import chatlab.protocol.server.ServerConfig;
import chatlab.protocol.server.ServerConnection;
import chatlab.protocol.server.ServerContext;
import chatlab.protocol.server.StatsSnapshot;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.CancelledKeyException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * One event loop: model {@code evented}. A single thread owns one {@link Selector} and does
 * everything, for every connection: accept, read, HTTP requests, handshake, frames, chat fan-out,
 * write, timers.
 *
 * <p><b>Threads.</b> The loop thread, and nothing else, unless {@code --workers N} gives it a pool
 * for the lab's blocking or CPU-heavy messages; a worker's answer comes back through
 * {@link #tasks} and {@code selector.wakeup()}, so the loop stays the only thread that touches a
 * connection or an HTTP session. Other threads (the one calling {@link #close}) also only post tasks.
 * With {@code --broker}, the broker client's threads hand every answer and every room message to
 * the loop the same way ({@link #deliverOnLoop}): the loop sends to the broker without waiting and
 * never waits for it, so a broker that stops answering costs {@code unavailable} errors, not a
 * stalled loop. When the loop falls behind, the broker's thread waits for room in the bounded
 * queue, the broker's own buffer for this server grows, and past its limit the broker cuts the
 * subscription, which the rooms recover from its history.
 *
 * <p><b>State.</b> Every connection's protocol state ({@link ServerConnection}), the timers, the
 * rooms and the HTTP sessions are touched by the loop thread only; the hub's per-room and the
 * sessions' locks are never contended here. All connections share one read buffer and one write
 * buffer: a connection holds no buffer of its own, and while it has nothing to send its outbound
 * queue is a few empty fields, which is where the model saves memory.
 *
 * <p><b>The loop.</b> Each turn: run posted tasks and due timers, then {@code select()} until a
 * socket is ready or the next timer is due, and handle each ready socket, writable before
 * readable. After each socket's read the loop answers the long polls that read made ready and
 * writes to every connection that got bytes from it, so what one client said reaches the kernel
 * before the next client is read. A write copies the connection's waiting frames into the shared
 * direct write buffer and hands that to the socket: several frames go out in one system call, and
 * nothing is allocated per recipient (a heap buffer given to {@code SocketChannel.write} would be
 * copied into a temporary direct buffer anyway). A connection is registered for {@code OP_WRITE}
 * only while its outbound queue holds bytes the socket did not take, and drops it when the queue
 * drains.
 *
 * <p><b>Timers.</b> Each connection has one deadline ({@link ServerConnection#deadline()}, or its
 * close grace once closing), and the connections sit in a heap ordered by it ({@link Timers}):
 * after each call into a connection its place is updated, and a tick takes from the top only the
 * connections whose time has come. No tick copies or scans the connections.
 *
 * <p><b>The HTTP transports</b> hold no thread here. A persistent connection between requests,
 * a held long poll and an event stream are each a registered socket and a deadline: the poll is
 * answered when its session tells the connection a message arrived ({@code pollReady}, which
 * schedules the answer for after the current handler) or when the tick finds its deadline passed;
 * the stream's events are queued by whoever delivers them (on this thread) and its heartbeat is
 * the deadline. The socket stays registered for reading, so a client that vanishes during a poll
 * or a stream is noticed at once and leaves nothing behind. Requests pipelined behind a held poll
 * wait in a bounded buffer; when it is full the loop stops reading that socket until the answer.
 *
 * <p><b>Slow and hostile clients.</b> Nothing on the loop blocks: sockets are non-blocking, and a
 * client that does not read only grows its own queue, which past the bound (1 MiB by default) is
 * dropped (a WebSocket gets a 1008 close frame, an event stream just ends); the connection is
 * closed a few seconds later whatever happens. Bad bytes are answered (4xx or a close code) and
 * end only that connection; a request that does not arrive in time is dropped by the timer. Each
 * case is counted in {@code /stats}. The price of the model: any handler that takes long (a
 * {@code compute} without workers) delays every other connection, which is what the lab's
 * {@code compute}/{@code sleep} messages show.
 */
public final class EventedServer implements ChatServer {

    static final int READ_BUFFER_BYTES = 64 * 1024;
    static final int WRITE_BUFFER_BYTES = 64 * 1024;
    private static final int WORKER_QUEUE = 1024;

    private final ServerContext context;
    private final ServerConfig config;
    /** Work for the loop thread from other threads; bounded by the worker pool's own bound. */
    private final BlockingQueue<Runnable> tasks = new LinkedBlockingQueue<>(WORKER_QUEUE * 2);
    private final ByteBuffer readBuffer = ByteBuffer.allocateDirect(READ_BUFFER_BYTES);
    private final ByteBuffer writeBuffer = ByteBuffer.allocateDirect(WRITE_BUFFER_BYTES);
    /** Every open connection, by deadline: also the loop's only list of its connections. */
    private final Timers timers = new Timers();
    private final List<Connection> toFlush = new ArrayList<>();
    /** Connections whose held long poll can be answered, in the order their messages came. */
    private final List<Connection> pollsReady = new ArrayList<>();
    private final ExecutorService workers;
    private final LabRunner labRunner;
    private final long tickNanos;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private Selector selector;
    private ServerSocketChannel serverChannel;
    private SelectionKey acceptKey;
    /** Volatile: the broker's threads compare themselves with it. */
    private volatile Thread loop;
    private final java.util.concurrent.atomic.AtomicBoolean closeRequested = new java.util.concurrent.atomic.AtomicBoolean();
    /** Set on the loop thread once the stop task ran. */
    private boolean stopping;
    private long stopDeadline;
    private long nextTick;

    public EventedServer(ServerConfig config) {
        this.config = config;
        this.context = ServerContext.create(EventedServerProvider.EVENTED, config, this::deliverOnLoop);
        this.workers = config.workers() == 0 ? null : new ThreadPoolExecutor(config.workers(), config.workers(),
                0, TimeUnit.MILLISECONDS, new ArrayBlockingQueue<>(WORKER_QUEUE),
                Thread.ofPlatform().name("evented-worker-", 0).daemon(true).factory(),
                new ThreadPoolExecutor.CallerRunsPolicy());
        this.labRunner = workers == null ? LabRunner.INLINE : this::runOnWorker;
        long shortest = config.shortestTimer().toNanos();
        this.tickNanos = Math.clamp(shortest / 4, TimeUnit.MILLISECONDS.toNanos(5), TimeUnit.MILLISECONDS.toNanos(250));
    }

    @Override
    public String model() { return EventedServerProvider.EVENTED; }

    @Override
    public InetSocketAddress start(String host, int port) throws IOException {
        selector = Selector.open();
        serverChannel = ServerSocketChannel.open();
        serverChannel.setOption(StandardSocketOptions.SO_REUSEADDR, true);
        serverChannel.bind(new InetSocketAddress(host, port), 4096);
        serverChannel.configureBlocking(false);
        acceptKey = serverChannel.register(selector, SelectionKey.OP_ACCEPT);
        loop = Thread.ofPlatform().name("evented-loop").daemon(true).unstarted(this::runLoop);
        loop.start();
        return (InetSocketAddress) serverChannel.getLocalAddress();
    }

    @Override
    public StatsSnapshot stats() { return context.stats(); }

    @Override
    public void close() {
        if (!closeRequested.compareAndSet(false, true)) return;
        if (loop != null) {
            post(() -> {
                stopping = true;
                stopDeadline = System.nanoTime() + ServerConnection.CLOSE_GRACE.toNanos();
                closeQuietly(serverChannel);
                acceptKey.cancel();
                for (Connection connection : timers.all()) connection.protocol.shutdown();
                context.sessions().close();
            });
            try {
                if (!stopped.await(ServerConnection.CLOSE_GRACE.toMillis() + 2000, TimeUnit.MILLISECONDS)) {
                    loop.interrupt();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (workers != null) workers.shutdownNow();
        context.close(); // after the loop: every connection has left its rooms
    }

    // ---- the loop ----

    private void runLoop() {
        try {
            while (!stopping || (timers.size() > 0 && System.nanoTime() < stopDeadline)) {
                runTasks();
                long now = System.nanoTime();
                if (now >= nextTick) {
                    checkTimers(now);
                    nextTick = now + tickNanos;
                }
                answerReadyPolls();
                flushPending();
                long waitMillis = Math.max(1, TimeUnit.NANOSECONDS.toMillis(nextTick - System.nanoTime()));
                selector.select(waitMillis);
                Iterator<SelectionKey> ready = selector.selectedKeys().iterator();
                while (ready.hasNext()) {
                    SelectionKey key = ready.next();
                    ready.remove();
                    handle(key);
                    // Write what this one read produced before reading the next socket: a turn
                    // over many busy sockets would otherwise queue everyone's fan-out for every
                    // member first, and readers that keep up would pass the bound all the same.
                    answerReadyPolls();
                    flushPending();
                }
            }
        } catch (IOException e) {
            context.counters().ioError();
        } finally {
            for (Connection connection : timers.all()) connection.close();
            closeQuietly(serverChannel);
            closeQuietly(selector);
            stopped.countDown();
        }
    }

    private void handle(SelectionKey key) {
        try {
            if (key.isAcceptable()) {
                acceptAll();
                return;
            }
            Connection connection = (Connection) key.attachment();
            if (key.isWritable()) connection.flush();
            if (key.isValid() && key.isReadable()) connection.read();
        } catch (CancelledKeyException e) {
            // The connection was closed earlier in this turn.
        }
    }

    private void acceptAll() {
        while (true) {
            SocketChannel channel;
            try {
                channel = serverChannel.accept();
                if (channel == null) return;
                channel.configureBlocking(false);
                channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
            } catch (IOException e) {
                // Out of file descriptors, most likely: stop asking until the next timer tick, so
                // the loop does not spin on a listening socket it cannot serve.
                context.counters().ioError();
                acceptKey.interestOps(0);
                return;
            }
            Connection connection = new Connection(channel);
            try {
                connection.key = channel.register(selector, SelectionKey.OP_READ, connection);
                connection.rearm();
            } catch (IOException e) {
                context.counters().ioError();
                closeQuietly(channel);
                connection.protocol.onGone();
            }
        }
    }

    private void runTasks() {
        Runnable task;
        while ((task = tasks.poll()) != null) task.run();
    }

    /** Long polling, evented: answer the polls whose sessions got a message, outside the fan-out that told them. */
    private void answerReadyPolls() {
        for (int i = 0; i < pollsReady.size(); i++) { // answering may make more polls ready
            Connection connection = pollsReady.get(i);
            connection.pollReadyScheduled = false;
            if (!connection.closed) {
                connection.protocol.answerHeldPoll();
                connection.rearm();
            }
        }
        pollsReady.clear();
    }

    private void flushPending() {
        for (int i = 0; i < toFlush.size(); i++) {
            Connection connection = toFlush.get(i);
            connection.flushScheduled = false;
            connection.flush();
        }
        toFlush.clear();
    }

    private void checkTimers(long now) {
        if (!stopping && acceptKey.isValid() && acceptKey.interestOps() == 0) {
            acceptKey.interestOps(SelectionKey.OP_ACCEPT);
        }
        Connection due;
        while ((due = timers.first()) != null && due.timerAt <= now) {
            if (due.closeDeadline != 0 || due.protocol.onDeadline(now)) {
                due.close();
                continue;
            }
            due.rearm();
            // A deadline that did not move (it should always move) is tried again at the next tick.
            if (due.timerAt <= now) timers.update(due, now + tickNanos);
        }
        context.sessions().expireDue(now);
    }

    /** Hands work to the loop thread, from any thread. */
    private void post(Runnable task) {
        if (!tasks.offer(task)) {
            throw new IllegalStateException("evented loop task queue full");
        }
        selector.wakeup();
    }

    /**
     * Runs an answer from another thread (a lab worker's, or a broker's) on the loop: at once when
     * already there, else through the bounded task queue, waiting for room (the other thread
     * waits, never the loop). Once the loop has stopped there is no one left to deliver to, and
     * the task is dropped.
     */
    private void deliverOnLoop(Runnable task) {
        if (Thread.currentThread() == loop) {
            task.run();
            return;
        }
        try {
            while (!tasks.offer(task, 100, TimeUnit.MILLISECONDS)) {
                if (stopped.getCount() == 0) return;
            }
            selector.wakeup();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void runOnWorker(Supplier<Outbound> work, chatlab.protocol.chat.ChatMember replyTo) {
        workers.execute(() -> {
            Outbound answer = work.get();
            // On the loop already when the pool was full and ran it there (CallerRunsPolicy).
            deliverOnLoop(() -> replyTo.deliver(answer));
        });
    }

    private static void closeQuietly(java.io.Closeable closeable) {
        try {
            if (closeable != null) closeable.close();
        } catch (IOException e) {
            // Closing is best effort; there is nothing left to tell the client.
        }
    }

    /** One client, as the loop sees it. Touched by the loop thread only. */
    private final class Connection implements ServerConnection.Transport {
        final SocketChannel channel;
        final ServerConnection protocol;
        SelectionKey key;
        /** Non-zero once closing: when to give up on the client. */
        long closeDeadline;
        /** When its timer runs out: its place in {@link #timers}. */
        long timerAt;
        /** Its index in the timer heap, -1 when not in it. */
        int timerIndex = -1;
        boolean flushScheduled;
        boolean pollReadyScheduled;
        boolean outputShut;
        boolean closed;

        Connection(SocketChannel channel) {
            this.channel = channel;
            this.protocol = new ServerConnection(context, this, labRunner);
        }

        void read() {
            int room = protocol.inputRoom();
            if (room == 0) { // behind a held poll, its pipelined bytes fill their buffer: wait for the answer
                updateInterest();
                return;
            }
            readBuffer.limit(Math.min(readBuffer.capacity(), room));
            int n;
            try {
                n = channel.read(readBuffer);
            } catch (IOException e) {
                readBuffer.clear();
                if (closeDeadline == 0) context.counters().ioError();
                close();
                return;
            }
            if (n < 0) {
                readBuffer.clear();
                close();
                return;
            }
            readBuffer.flip();
            protocol.onRead(readBuffer);
            readBuffer.clear();
            rearm();
        }

        /** Puts the connection where its deadline now is in the timer heap. */
        void rearm() {
            if (!closed) timers.update(this, closeDeadline != 0 ? closeDeadline : protocol.deadline());
        }

        /** Writes what the socket takes; asks for OP_WRITE only while something is left. */
        void flush() {
            if (closed) return;
            OutboundQueue queue = protocol.outbound();
            try {
                while (true) {
                    writeBuffer.clear();
                    if (queue.copyTo(writeBuffer) == 0) break;
                    writeBuffer.flip();
                    int offered = writeBuffer.remaining();
                    int written = channel.write(writeBuffer);
                    queue.written(written);
                    if (written < offered) break; // the socket's buffer is full: OP_WRITE says when it has room
                }
                updateInterest();
                if (queue.isDrainedAndClosing() && !outputShut) { // not before: a partial write leaves the close frame waiting
                    outputShut = true;
                    channel.shutdownOutput(); // our last bytes are out; wait for the client's EOF
                }
            } catch (IOException e) {
                if (closeDeadline == 0) context.counters().ioError();
                close();
            }
        }

        /** OP_WRITE while bytes wait for the socket; OP_READ unless a held poll's pipelined bytes filled their buffer. */
        void updateInterest() {
            int ops = (protocol.inputRoom() > 0 ? SelectionKey.OP_READ : 0)
                    | (protocol.outbound().isEmpty() ? 0 : SelectionKey.OP_WRITE);
            if (key.interestOps() != ops) key.interestOps(ops);
        }

        @Override
        public void pollReady() {
            if (!pollReadyScheduled) {
                pollReadyScheduled = true;
                pollsReady.add(this);
            }
        }

        @Override
        public void outboundReady() {
            if (!flushScheduled) {
                flushScheduled = true;
                toFlush.add(this);
            }
        }

        @Override
        public void closing(Duration grace) {
            closeDeadline = System.nanoTime() + grace.toNanos();
            if (closeDeadline == 0) closeDeadline = 1;
            rearm();
            outboundReady();
        }

        void close() {
            if (closed) return;
            closed = true;
            timers.remove(this);
            if (key != null) key.cancel();
            closeQuietly(channel);
            protocol.onGone();
        }
    }

    /**
     * The connections as a binary min-heap by {@link Connection#timerAt}: the one whose timer runs
     * out first is at the top. Each connection keeps its own index in the heap, so moving it when
     * its deadline changes costs a few swaps (log n), and the tick looks only at the top. Times are
     * {@link System#nanoTime()} values compared as plain numbers (Linux counts them from boot, so
     * they are positive and never wrap), {@link Long#MAX_VALUE} for no deadline.
     */
    private static final class Timers {
        private Connection[] heap = new Connection[64];
        private int size;

        int size() { return size; }

        /** The connection whose timer runs out first, or null. */
        Connection first() { return size == 0 ? null : heap[0]; }

        /** Adds {@code connection} at {@code at}, or moves it there. */
        void update(Connection connection, long at) {
            connection.timerAt = at;
            int i = connection.timerIndex;
            if (i < 0) {
                if (size == heap.length) heap = Arrays.copyOf(heap, size * 2);
                i = size++;
                place(connection, i);
            }
            siftDown(siftUp(i));
        }

        void remove(Connection connection) {
            int i = connection.timerIndex;
            if (i < 0) return;
            connection.timerIndex = -1;
            Connection last = heap[--size];
            heap[size] = null;
            if (i == size) return;
            place(last, i);
            siftDown(siftUp(i));
        }

        /** A copy of every connection, in no order (stopping only). */
        List<Connection> all() {
            return new ArrayList<>(Arrays.asList(heap).subList(0, size));
        }

        private int siftUp(int i) {
            Connection moving = heap[i];
            while (i > 0) {
                int parent = (i - 1) >>> 1;
                if (heap[parent].timerAt <= moving.timerAt) break;
                place(heap[parent], i);
                i = parent;
            }
            place(moving, i);
            return i;
        }

        private void siftDown(int i) {
            Connection moving = heap[i];
            while (true) {
                int child = 2 * i + 1;
                if (child >= size) break;
                if (child + 1 < size && heap[child + 1].timerAt < heap[child].timerAt) child++;
                if (moving.timerAt <= heap[child].timerAt) break;
                place(heap[child], i);
                i = child;
            }
            place(moving, i);
        }

        private void place(Connection connection, int i) {
            heap[i] = connection;
            connection.timerIndex = i;
        }
    }
}
