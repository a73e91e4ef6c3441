package chatlab.evented;

import chatlab.protocol.chat.ChatMember;
import chatlab.protocol.chat.LabRunner;
import chatlab.protocol.chat.Outbound;
import chatlab.protocol.server.ChatServer;
import chatlab.protocol.server.OutboundQueue;
import chatlab.protocol.server.ServerConfig;
import chatlab.protocol.server.ServerConnection;
import chatlab.protocol.server.ServerContext;
import chatlab.protocol.server.StatsSnapshot;
import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
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
import java.util.Queue;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

/**
 * Event loops: model {@code evented}. By default a single thread owns one {@link Selector} and
 * does everything, for every connection: accept, read, HTTP requests, handshake, frames, chat
 * fan-out, write, timers. With {@code --loops N} there are N such loops, the reactor's next step
 * as Doug Lea's "Scalable IO in Java" draws it and Netty runs it: loop 0 also accepts, and hands
 * each new connection to the next loop in turn, which owns it for its whole life.
 *
 * <p><b>Threads.</b> The loop threads ({@code evented-loop}, or {@code evented-loop-0} to
 * {@code -N-1}), and nothing else, unless {@code --workers N} gives them a pool for the lab's
 * blocking or CPU-heavy messages. A worker hands its answer to the asking connection the way
 * another loop does (below). With {@code --broker}, the broker client's threads hand every answer
 * and every room message to loop 0 ({@link #deliverOnLoop}), through a bounded queue and
 * {@code selector.wakeup()}, in the order the broker gave them: loop 0 sends to the broker without
 * waiting and never waits for it, so a broker that stops answering costs {@code unavailable}
 * errors, not a stalled loop. When loop 0 falls behind, the broker's thread waits for room in that
 * queue, the broker's own buffer for this server grows, and past its limit the broker cuts the
 * subscription, which the rooms recover from its history.
 *
 * <p><b>State, and who owns it.</b> Each {@link Loop} owns its selector, its connections (their
 * protocol state, {@link ServerConnection}), their timers and its read and write buffers: only its
 * thread touches them. What the loops share is locked, and only for a moment: the rooms (one lock
 * per room, in {@link chatlab.protocol.chat.ChatHub}), the HTTP sessions (each locks itself), the
 * counters, and each connection's {@link OutboundQueue} (its own monitor). A message said on one
 * loop is fanned out by that loop, under the room's lock, into every member's outbound queue,
 * whichever loop the member belongs to; for a member of another loop it then leaves a
 * <em>notice</em> ("bytes to write", "a held poll can be answered", "closing") on the connection
 * and, if the connection had none pending, queues the connection on its loop and wakes that
 * loop's selector. The owning loop takes the notices at the start of its next turn and writes,
 * answers or closes itself. So no loop ever writes to another loop's socket, reads its protocol
 * state or waits for it, and a connection is queued at most once however many messages wait for
 * it. With a single loop every notice comes from a worker or the broker, and the locks are never
 * contended. Connections share their loop's read and write buffers: a connection holds no buffer
 * of its own, and while it has nothing to send its outbound queue is a few empty fields, which is
 * where the model saves memory.
 *
 * <p><b>The loop.</b> Each turn: take posted tasks and notices, run due timers, then
 * {@code select()} until a socket is ready or the next timer is due, and handle each ready socket,
 * writable before readable. After each socket's read the loop answers the long polls that read
 * made ready and writes to every connection of its own that got bytes from it, so what one client
 * said reaches the kernel before the next client is read. A write copies the connection's waiting
 * frames into the loop's direct write buffer and hands that to the socket: several frames go out
 * in one system call, and nothing is allocated per recipient (a heap buffer given to
 * {@code SocketChannel.write} would be copied into a temporary direct buffer anyway). A connection
 * is registered for {@code OP_WRITE} only while its outbound queue holds bytes the socket did not
 * take, and drops it when the queue drains.
 *
 * <p><b>Timers.</b> Each connection has one deadline ({@link ServerConnection#deadline()}, or its
 * close grace once closing), and each loop keeps its connections in a heap ordered by it
 * ({@link Timers}): after each call into a connection its place is updated, and a tick takes from
 * the top only the connections whose time has come. No tick copies or scans the connections.
 *
 * <p><b>The HTTP transports</b> hold no thread here. A persistent connection between requests,
 * a held long poll and an event stream are each a registered socket and a deadline: the poll is
 * answered when its session tells the connection a message arrived ({@code pollReady}, which
 * schedules the answer for after the current handler, or leaves a notice when it comes from
 * another thread) or when the tick finds its deadline passed; the stream's events are queued by
 * whoever delivers them and its heartbeat is the deadline. The socket stays registered for
 * reading, so a client that vanishes during a poll or a stream is noticed at once and leaves
 * nothing behind. Requests pipelined behind a held poll wait in a bounded buffer; when it is full
 * the loop stops reading that socket until the answer.
 *
 * <p><b>Slow and hostile clients.</b> Nothing on a loop blocks: sockets are non-blocking, and a
 * client that does not read only grows its own queue, which past the bound (1 MiB by default) is
 * dropped (a WebSocket gets a 1008 close frame, an event stream just ends); the connection is
 * closed a few seconds later whatever happens. The bound holds whichever loop fans out to it,
 * since the queue checks it as bytes are offered. Bad bytes are answered (4xx or a close code) and
 * end only that connection; a request that does not arrive in time is dropped by the timer. Each
 * case is counted in {@code /stats}. The price of the model: any handler that takes long (a
 * {@code compute} without workers) delays every other connection of its loop, which is what the
 * lab's {@code compute}/{@code sleep} messages show; more loops only spread that over fewer
 * connections each.
 */
public final class EventedServer implements ChatServer {

    static final int READ_BUFFER_BYTES = 64 * 1024;
    static final int WRITE_BUFFER_BYTES = 64 * 1024;
    private static final int WORKER_QUEUE = 1024;

    /** What another thread asks of a connection: bits of {@link Loop.Connection#notices}. */
    private static final int NOTICE_OUTBOUND = 1;
    private static final int NOTICE_POLL = 2;
    private static final int NOTICE_CLOSING = 4;
    private static final VarHandle NOTICES;

    static {
        try {
            NOTICES = MethodHandles.lookup().findVarHandle(Loop.Connection.class, "notices", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final ServerContext context;
    private final ServerConfig config;
    private final Loop[] loops;
    private final ExecutorService workers;
    private final LabRunner labRunner;
    private final long tickNanos;
    /** Opened by {@link #start}; only loop 0 accepts from it. */
    private ServerSocketChannel serverChannel;
    /** Set once {@link #start} has started the loops; a start that failed (a port in use) leaves it false. */
    private volatile boolean running;
    private final AtomicBoolean closeRequested = new AtomicBoolean();

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
        this.loops = new Loop[config.loops()];
        for (int i = 0; i < loops.length; i++) {
            loops[i] = new Loop(i, loops.length == 1 ? "evented-loop" : "evented-loop-" + i);
        }
        context.counters().eventLoops(this::connectionsPerLoop);
    }

    @Override
    public String model() { return EventedServerProvider.EVENTED; }

    @Override
    public InetSocketAddress start(String host, int port) throws IOException {
        serverChannel = ServerSocketChannel.open();
        serverChannel.setOption(StandardSocketOptions.SO_REUSEADDR, true);
        serverChannel.bind(new InetSocketAddress(host, port), 4096);
        serverChannel.configureBlocking(false);
        for (Loop loop : loops) loop.open();
        loops[0].acceptKey = serverChannel.register(loops[0].selector, SelectionKey.OP_ACCEPT);
        for (Loop loop : loops) loop.thread.start();
        running = true;
        return (InetSocketAddress) serverChannel.getLocalAddress();
    }

    @Override
    public StatsSnapshot stats() { return context.stats(); }

    /** Open connections per loop, for {@code /stats}: each loop's own count, read without stopping it. */
    private int[] connectionsPerLoop() {
        int[] open = new int[loops.length];
        for (int i = 0; i < loops.length; i++) open[i] = loops[i].open;
        return open;
    }

    @Override
    public void close() {
        if (!closeRequested.compareAndSet(false, true)) return;
        if (!running) { // never started, or failed to: nothing runs, only what start() opened is left
            closeQuietly(serverChannel);
            for (Loop loop : loops) closeQuietly(loop.selector);
        } else {
            for (Loop loop : loops) loop.control(loop::beginStop);
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(ServerConnection.CLOSE_GRACE.toMillis() + 2000);
            for (Loop loop : loops) {
                try {
                    if (!loop.stopped.await(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                        loop.thread.interrupt();
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
        if (workers != null) workers.shutdownNow();
        context.close(); // after the loops: every connection has left its rooms
    }

    /**
     * Runs an answer from the broker's threads on loop 0: at once when already there, else through
     * its bounded task queue, waiting for room (the broker's thread waits, never a loop), in the
     * order given. Whatever the answer does to a connection of another loop goes there as a
     * notice. Once the loop has stopped there is no one left to deliver to, and the task is dropped.
     */
    private void deliverOnLoop(Runnable task) {
        Loop first = loops[0];
        if (Thread.currentThread() == first.thread) {
            task.run();
            return;
        }
        try {
            while (!first.tasks.offer(task, 100, TimeUnit.MILLISECONDS)) {
                if (first.stopped.getCount() == 0) return;
            }
            first.selector.wakeup();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * A lab message on a worker: the answer goes into the asker's outbound queue from the worker's
     * thread, and its loop is left a notice (on the loop itself when the pool was full and ran it
     * there: {@code CallerRunsPolicy}).
     */
    private void runOnWorker(Supplier<Outbound> work, ChatMember replyTo) {
        workers.execute(() -> replyTo.deliver(work.get()));
    }

    private static void closeQuietly(java.io.Closeable closeable) {
        try {
            if (closeable != null) closeable.close();
        } catch (IOException e) {
            // Closing is best effort; there is nothing left to tell the client.
        }
    }

    /**
     * One selector loop and everything it owns: its thread, its connections and their timers,
     * its buffers. Other threads reach it only through {@link #control}, {@link #tasks} (the
     * broker's, loop 0 only) and the connections' notices.
     */
    private final class Loop implements Runnable {
        final int index;
        final Thread thread;
        Selector selector;
        /** Loop 0 only: the listening socket's registration. */
        SelectionKey acceptKey;
        /** Loop 0 only: the loop the next accepted connection goes to. */
        int nextLoop;
        /** The broker's answers (loop 0); bounded, so that a loop that falls behind slows the broker's thread, not the heap. */
        final BlockingQueue<Runnable> tasks = new LinkedBlockingQueue<>(WORKER_QUEUE * 2);
        /** New connections from the acceptor and the stop, from other threads; a handful at a time, never refused. */
        final Queue<Runnable> control = new ConcurrentLinkedQueue<>();
        /** Connections with notices from other threads; each at most once (see {@link Connection#notice}). */
        final Queue<Connection> noticed = new ConcurrentLinkedQueue<>();
        final ByteBuffer readBuffer = ByteBuffer.allocateDirect(READ_BUFFER_BYTES);
        final ByteBuffer writeBuffer = ByteBuffer.allocateDirect(WRITE_BUFFER_BYTES);
        /** Every open connection of this loop, by deadline: also its only list of them. */
        final Timers timers = new Timers();
        final List<Connection> toFlush = new ArrayList<>();
        /** Connections whose held long poll can be answered, in the order their messages came. */
        final List<Connection> pollsReady = new ArrayList<>();
        final CountDownLatch stopped = new CountDownLatch(1);
        /** Open connections; written by this loop only, read by {@code /stats} on any thread. */
        volatile int open;
        /** Set on the loop thread once the stop task ran. */
        boolean stopping;
        long stopDeadline;
        long nextTick;

        Loop(int index, String name) {
            this.index = index;
            this.thread = Thread.ofPlatform().name(name).daemon(true).unstarted(this);
        }

        void open() throws IOException {
            selector = Selector.open();
        }

        boolean onLoop() {
            return Thread.currentThread() == thread;
        }

        /** Hands work to this loop, from any thread; never refused, never waits. */
        void control(Runnable task) {
            control.add(task);
            selector.wakeup();
        }

        @Override
        public void run() {
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
                stopping = true;
                for (Connection connection : timers.all()) connection.close();
                Runnable late;
                while ((late = control.poll()) != null) late.run(); // a connection handed over as we stopped: closed by register()
                if (index == 0) closeQuietly(serverChannel);
                closeQuietly(selector);
                stopped.countDown();
            }
        }

        /** The server is stopping: no more accepting, every connection told (1001), the sessions ended. */
        void beginStop() {
            stopping = true;
            stopDeadline = System.nanoTime() + ServerConnection.CLOSE_GRACE.toNanos();
            if (index == 0) {
                closeQuietly(serverChannel);
                acceptKey.cancel();
            }
            for (Connection connection : timers.all()) connection.protocol.shutdown();
            if (index == 0) context.sessions().close(); // the server's, not a loop's: once, by loop 0
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

        /** Loop 0: accepts what is waiting and deals the connections out to the loops in turn. */
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
                Loop owner = loops[nextLoop];
                nextLoop = (nextLoop + 1) % loops.length;
                if (owner == this) register(channel);
                else owner.control(() -> owner.register(channel));
            }
        }

        /** On this loop: the connection is this loop's from now on. */
        void register(SocketChannel channel) {
            if (stopping) {
                closeQuietly(channel);
                return;
            }
            Connection connection = new Connection(channel);
            try {
                connection.key = channel.register(selector, SelectionKey.OP_READ, connection);
                connection.rearm();
                open++;
            } catch (IOException e) {
                context.counters().ioError();
                closeQuietly(channel);
                connection.protocol.onGone();
            }
        }

        private void runTasks() {
            Runnable task;
            while ((task = control.poll()) != null) task.run();
            while ((task = tasks.poll()) != null) task.run();
            Connection connection;
            while ((connection = noticed.poll()) != null) connection.takeNotices();
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
            if (index == 0 && !stopping && acceptKey.isValid() && acceptKey.interestOps() == 0) {
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
            if (index == 0) context.sessions().expireDue(now); // the sessions are the server's, not a loop's
        }

        /**
         * One client, as its loop sees it. Touched by its loop's thread only, except
         * {@link #notices} (and {@link #closingGrace} before it), which other threads set through
         * the {@link ServerConnection.Transport} calls they make while delivering to it.
         */
        final class Connection implements ServerConnection.Transport {
            final SocketChannel channel;
            final ServerConnection protocol;
            SelectionKey key;
            /** Non-zero once closing: when to give up on the client. */
            long closeDeadline;
            /** When its timer runs out: its place in {@link #timers}. */
            long timerAt;
            /** Its index in the timer heap, -1 when not in it. */
            int timerIndex = -1;
            /** Bits of {@code NOTICE_*} set by other threads and not yet taken by the loop; through {@link #NOTICES}. */
            @SuppressWarnings("unused") private int notices;
            /** The grace of a {@code closing} asked from another thread; written before its notice bit. */
            private Duration closingGrace;
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
                if (!onLoop()) {
                    notice(NOTICE_POLL);
                } else if (!pollReadyScheduled) {
                    pollReadyScheduled = true;
                    pollsReady.add(this);
                }
            }

            @Override
            public void outboundReady() {
                if (!onLoop()) {
                    notice(NOTICE_OUTBOUND);
                } else if (!flushScheduled) {
                    flushScheduled = true;
                    toFlush.add(this);
                }
            }

            @Override
            public void closing(Duration grace) {
                if (!onLoop()) {
                    closingGrace = grace;
                    notice(NOTICE_CLOSING);
                    return;
                }
                closeDeadline = System.nanoTime() + grace.toNanos();
                if (closeDeadline == 0) closeDeadline = 1;
                rearm();
                outboundReady();
            }

            /**
             * From another thread: sets the bit, and queues the connection on its loop (with a
             * wakeup) only when no notice was pending, so that a connection waits in
             * {@link #noticed} at most once, whatever is delivered to it meanwhile.
             */
            private void notice(int bit) {
                if (((int) NOTICES.getAndBitwiseOr(this, bit)) == 0) {
                    noticed.add(this);
                    selector.wakeup();
                }
            }

            /** On the loop: does what other threads asked since the last time. */
            void takeNotices() {
                int bits = (int) NOTICES.getAndSet(this, 0);
                if (closed) return;
                if ((bits & NOTICE_CLOSING) != 0) closing(closingGrace);
                if ((bits & NOTICE_OUTBOUND) != 0) outboundReady();
                if ((bits & NOTICE_POLL) != 0) pollReady();
            }

            void close() {
                if (closed) return;
                closed = true;
                open--;
                timers.remove(this);
                if (key != null) key.cancel();
                closeQuietly(channel);
                protocol.onGone();
            }
        }
    }

    /**
     * The connections as a binary min-heap by {@link Loop.Connection#timerAt}: the one whose timer runs
     * out first is at the top. Each connection keeps its own index in the heap, so moving it when
     * its deadline changes costs a few swaps (log n), and the tick looks only at the top. Times are
     * {@link System#nanoTime()} values compared as plain numbers (Linux counts them from boot, so
     * they are positive and never wrap), {@link Long#MAX_VALUE} for no deadline.
     */
    private static final class Timers {
        private Loop.Connection[] heap = new Loop.Connection[64];
        private int size;

        int size() { return size; }

        /** The connection whose timer runs out first, or null. */
        Loop.Connection first() { return size == 0 ? null : heap[0]; }

        /** Adds {@code connection} at {@code at}, or moves it there. */
        void update(Loop.Connection connection, long at) {
            connection.timerAt = at;
            int i = connection.timerIndex;
            if (i < 0) {
                if (size == heap.length) heap = Arrays.copyOf(heap, size * 2);
                i = size++;
                place(connection, i);
            }
            siftDown(siftUp(i));
        }

        void remove(Loop.Connection connection) {
            int i = connection.timerIndex;
            if (i < 0) return;
            connection.timerIndex = -1;
            Loop.Connection last = heap[--size];
            heap[size] = null;
            if (i == size) return;
            place(last, i);
            siftDown(siftUp(i));
        }

        /** A copy of every connection, in no order (stopping only). */
        List<Loop.Connection> all() {
            return new ArrayList<>(Arrays.asList(heap).subList(0, size));
        }

        private int siftUp(int i) {
            Loop.Connection moving = heap[i];
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
            Loop.Connection moving = heap[i];
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

        private void place(Loop.Connection connection, int i) {
            heap[i] = connection;
            connection.timerIndex = i;
        }
    }
}
