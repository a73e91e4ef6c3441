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
 * everything, for every connection: accept, read, handshake, frames, chat fan-out, write, timers.
 *
 * <p><b>Threads.</b> The loop thread, and nothing else, unless {@code --workers N} gives it a pool
 * for the lab's blocking or CPU-heavy messages; a worker's answer comes back through
 * {@link #tasks} and {@code selector.wakeup()}, so the loop stays the only thread that touches a
 * connection. Other threads (the one calling {@link #close}) also only post tasks.
 *
 * <p><b>State.</b> Every connection's protocol state ({@link ServerConnection}), the timer lists
 * and the rooms are touched by the loop thread only; the hub's per-room locks are never contended
 * here. All connections share one read buffer and one write buffer: a connection holds no buffer
 * of its own, and while it has nothing to send its outbound queue is a few empty fields, which is
 * where the model saves memory.
 *
 * <p><b>The loop.</b> Each turn: run posted tasks and due timers, then {@code select()} until a
 * socket is ready or the next timer is due, and handle each ready socket, writable before
 * readable. After each socket's read the loop writes to every connection that got bytes from it,
 * so what one client said reaches the kernel before the next client is read. A write copies the
 * connection's waiting frames into the shared direct write buffer and hands that to the socket:
 * several frames go out in one system call, and nothing is allocated per recipient (a heap buffer
 * given to {@code SocketChannel.write} would be copied into a temporary direct buffer anyway).
 * A connection is registered for {@code OP_WRITE} only while its outbound queue holds bytes the
 * socket did not take, and drops it when the queue drains.
 *
 * <p><b>Timers.</b> Every connection sits in one of three lists, each ordered by when its timer
 * runs out: waiting for its request head (from its accept), open (from its last read, for the
 * idle ping), closing (until its grace ends). The lists are linked through the connections
 * themselves, a read moves its connection to the end of the open list, and a timer tick looks
 * only at the front of each list, where the expired ones are: no connection set to copy or scan.
 *
 * <p><b>Slow and hostile clients.</b> Nothing on the loop blocks: sockets are non-blocking, and a
 * client that does not read only grows its own queue, which past the bound (1 MiB by default) is
 * replaced by a 1008 close frame; the connection is closed a few seconds later whatever happens.
 * Bad bytes are answered (4xx or a close code) and end only that connection; a request head that
 * does not arrive in time is dropped by the timer. Each case is counted in {@code /stats}. The
 * price of the model: any handler that takes long (a {@code compute} without workers) delays every
 * other connection, which is what the lab's {@code compute}/{@code sleep} messages show.
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
    /** Accepted, request head not complete yet; oldest accept first. */
    private final TimerList awaitingHead = new TimerList();
    /** Past the request head, not closing; quietest first. */
    private final TimerList open = new TimerList();
    /** Closing; soonest grace end first. */
    private final TimerList closing = new TimerList();
    /** Connections accepted and not yet closed. */
    private int connectionCount;
    private final List<Connection> toFlush = new ArrayList<>();
    private final ExecutorService workers;
    private final LabRunner labRunner;
    private final long tickNanos;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private Selector selector;
    private ServerSocketChannel serverChannel;
    private SelectionKey acceptKey;
    private Thread loop;
    private final java.util.concurrent.atomic.AtomicBoolean closeRequested = new java.util.concurrent.atomic.AtomicBoolean();
    /** Set on the loop thread once the stop task ran. */
    private boolean stopping;
    private long stopDeadline;
    private long nextTick;

    public EventedServer(ServerConfig config) {
        this.config = config;
        this.context = ServerContext.create(EventedServerProvider.EVENTED, config);
        this.workers = config.workers() == 0 ? null : new ThreadPoolExecutor(config.workers(), config.workers(),
                0, TimeUnit.MILLISECONDS, new ArrayBlockingQueue<>(WORKER_QUEUE),
                Thread.ofPlatform().name("evented-worker-", 0).daemon(true).factory(),
                new ThreadPoolExecutor.CallerRunsPolicy());
        this.labRunner = workers == null ? LabRunner.INLINE : this::runOnWorker;
        long shortest = Math.min(config.idleInterval().toNanos(), config.headTimeout().toNanos());
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
        loop = Thread.ofPlatform().name("evented-loop").daemon(true).start(this::runLoop);
        return (InetSocketAddress) serverChannel.getLocalAddress();
    }

    @Override
    public StatsSnapshot stats() { return context.stats(); }

    @Override
    public void close() {
        if (loop == null || !closeRequested.compareAndSet(false, true)) return;
        post(() -> {
            stopping = true;
            stopDeadline = System.nanoTime() + ServerConnection.CLOSE_GRACE.toNanos();
            closeQuietly(serverChannel);
            acceptKey.cancel();
            for (Connection connection : allConnections()) connection.protocol.shutdown();
        });
        try {
            if (!stopped.await(ServerConnection.CLOSE_GRACE.toMillis() + 2000, TimeUnit.MILLISECONDS)) {
                loop.interrupt();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (workers != null) workers.shutdownNow();
    }

    // ---- the loop ----

    private void runLoop() {
        try {
            while (!stopping || (connectionCount > 0 && System.nanoTime() < stopDeadline)) {
                runTasks();
                long now = System.nanoTime();
                if (now >= nextTick) {
                    checkTimers(now);
                    nextTick = now + tickNanos;
                }
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
                    flushPending();
                }
            }
        } catch (IOException e) {
            context.counters().ioError();
        } finally {
            for (Connection connection : allConnections()) connection.close();
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
            try {
                Connection connection = new Connection(channel);
                connection.key = channel.register(selector, SelectionKey.OP_READ, connection);
                connectionCount++;
                awaitingHead.addLast(connection);
            } catch (IOException e) {
                context.counters().ioError();
                closeQuietly(channel);
            }
        }
    }

    private void runTasks() {
        Runnable task;
        while ((task = tasks.poll()) != null) task.run();
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
        Connection first;
        while ((first = closing.first()) != null && now - first.closeDeadline >= 0) {
            first.close();
        }
        long headNanos = config.headTimeout().toNanos();
        while ((first = awaitingHead.first()) != null && now - first.since >= headNanos) {
            first.protocol.onHeadTimeout();
            first.close();
        }
        long idleNanos = config.idleInterval().toNanos();
        while ((first = open.first()) != null && now - first.since >= idleNanos) {
            first.since = now; // a second quiet interval after the ping, and the connection is closed
            open.addLast(first);
            first.protocol.onIdle();
        }
    }

    /** Every connection, once (stopping only: this copies). */
    private List<Connection> allConnections() {
        List<Connection> all = new ArrayList<>(connectionCount);
        for (SelectionKey key : selector.keys()) {
            if (key.attachment() instanceof Connection connection) all.add(connection);
        }
        return all;
    }

    /** Hands work to the loop thread, from any thread. */
    private void post(Runnable task) {
        if (!tasks.offer(task)) {
            throw new IllegalStateException("evented loop task queue full");
        }
        selector.wakeup();
    }

    private void runOnWorker(Supplier<Outbound> work, chatlab.protocol.chat.ChatMember replyTo) {
        workers.execute(() -> {
            Outbound answer = work.get();
            if (Thread.currentThread() == loop) {
                replyTo.deliver(answer); // the pool was full and ran it here (CallerRunsPolicy)
            } else {
                post(() -> replyTo.deliver(answer));
            }
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
    private final class Connection extends TimerLink implements ServerConnection.Transport {
        final SocketChannel channel;
        final ServerConnection protocol;
        SelectionKey key;
        /** When the timer of its list started: its accept, then its last read. */
        long since = System.nanoTime();
        /** Non-zero once closing: when to give up on the client. */
        long closeDeadline;
        boolean flushScheduled;
        boolean writeInterest;
        boolean outputShut;
        boolean closed;

        Connection(SocketChannel channel) {
            this.channel = channel;
            this.protocol = new ServerConnection(context, this, labRunner);
        }

        void read() {
            int n;
            try {
                n = channel.read(readBuffer);
            } catch (IOException e) {
                if (closeDeadline == 0) context.counters().ioError();
                close();
                return;
            }
            if (n < 0) {
                close();
                return;
            }
            long now = System.nanoTime();
            readBuffer.flip();
            protocol.onRead(readBuffer);
            readBuffer.clear();
            if (closeDeadline == 0 && !closed && protocol.headComplete()) {
                since = now;
                open.addLast(this); // from the head list, or to the end of the open list: the quietest stay in front
            }
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
                    if (written < offered) {
                        // The socket's send buffer is full: wait until the kernel says it has room.
                        interestInWrite(true);
                        return;
                    }
                }
                interestInWrite(false);
                if (queue.isClosing() && !outputShut) {
                    outputShut = true;
                    channel.shutdownOutput(); // our last bytes are out; wait for the client's EOF
                }
            } catch (IOException e) {
                if (closeDeadline == 0) context.counters().ioError();
                close();
            }
        }

        @Override
        public void outboundReady() {
            if (!flushScheduled) {
                flushScheduled = true;
                toFlush.add(this);
            }
        }

        private void interestInWrite(boolean on) {
            if (writeInterest == on) return;
            writeInterest = on;
            key.interestOps(on ? SelectionKey.OP_READ | SelectionKey.OP_WRITE : SelectionKey.OP_READ);
        }

        @Override
        public void closing(Duration grace) {
            closeDeadline = System.nanoTime() + grace.toNanos();
            if (closeDeadline == 0) closeDeadline = 1;
            closing.insertByDeadline(this);
            outboundReady();
        }

        void close() {
            if (closed) return;
            closed = true;
            connectionCount--;
            unlink();
            if (key != null) key.cancel();
            closeQuietly(channel);
            protocol.onGone();
        }
    }

    /** A connection's place in one of the timer lists: the links live in the connection itself. */
    private static class TimerLink {
        TimerLink previous;
        TimerLink next;

        /** Leaves whatever list it is in. */
        final void unlink() {
            if (next == null) return;
            previous.next = next;
            next.previous = previous;
            previous = null;
            next = null;
        }
    }

    /**
     * Connections in the order their timers run out, soonest first: a doubly linked ring through
     * the connections, around a sentinel. Adding, moving and removing cost nothing but a few
     * pointer writes; a connection is in one list at a time.
     */
    private static final class TimerList {
        private final TimerLink sentinel = new TimerLink();

        TimerList() {
            sentinel.previous = sentinel;
            sentinel.next = sentinel;
        }

        /** The connection whose timer runs out first, or null. */
        Connection first() {
            return sentinel.next == sentinel ? null : (Connection) sentinel.next;
        }

        /** Moves {@code connection} to the end (from this or another list): its timer starts now. */
        void addLast(Connection connection) {
            connection.unlink();
            insertAfter(sentinel.previous, connection);
        }

        /** Inserts {@code connection} by its close deadline (graces differ, so it may not go last). */
        void insertByDeadline(Connection connection) {
            connection.unlink();
            TimerLink before = sentinel.previous;
            while (before != sentinel && ((Connection) before).closeDeadline - connection.closeDeadline > 0) {
                before = before.previous;
            }
            insertAfter(before, connection);
        }

        private static void insertAfter(TimerLink before, TimerLink link) {
            link.previous = before;
            link.next = before.next;
            before.next.previous = link;
            before.next = link;
        }
    }
}
