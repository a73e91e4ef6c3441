package chatlab.peers.netty;

import chatlab.peers.PeerConnection;
import chatlab.peers.PeerHttp;
import chatlab.protocol.ws.WireBytes;
import chatlab.protocol.chat.ChatMember;
import chatlab.protocol.chat.ChatSession;
import chatlab.protocol.chat.LabRunner;
import chatlab.protocol.chat.Outbound;
import chatlab.protocol.server.ServerConnection;
import chatlab.protocol.server.ServerContext;
import chatlab.protocol.server.ServerCounters;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.group.ChannelGroup;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.netty.handler.timeout.IdleState;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.concurrent.ScheduledFuture;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One WebSocket of the {@code netty} peer, last in its pipeline: whole messages in (after
 * {@code WebSocketFrameAggregator}), and the {@link ChatMember} that the hub delivers to.
 *
 * <p>Everything runs on the channel's event loop, so the {@link ChatSession} needs no lock; only
 * {@link #deliver} is called from any loop, with a room's lock held, and it only submits a task.
 * So this handler keeps a plain {@link ChatSession} rather than a {@link PeerConnection}, whose
 * lock only Jetty and Java-WebSocket need; it also echoes the retained frame without decoding it,
 * and checks the outbound bound after a write, not before.
 */
final class NettyConnection extends SimpleChannelInboundHandler<WebSocketFrame> implements ChatMember {

    private static final byte[] IDLE_PING = "chatlab idle".getBytes(StandardCharsets.US_ASCII);

    private final PeerHttp.Endpoint endpoint;
    private final ServerContext context;
    private final ServerCounters counters;
    private final ChannelGroup webSockets;
    /** Set once the server closes the connection: nothing more is written. */
    private final AtomicBoolean closing = new AtomicBoolean();
    private volatile ChannelHandlerContext ctx;
    private boolean open;
    private ChatSession chat;

    NettyConnection(PeerHttp.Endpoint endpoint, ServerContext context, ChannelGroup webSockets) {
        this.endpoint = endpoint;
        this.context = context;
        this.counters = context.counters();
        this.webSockets = webSockets;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
        if (event instanceof WebSocketServerProtocolHandler.HandshakeComplete) {
            open = true;
            counters.connectionOpened();
            webSockets.add(ctx.channel());
            if (endpoint == PeerHttp.Endpoint.CHAT) {
                chat = new ChatSession(context, this, LabRunner.INLINE);
            }
        } else if (event instanceof IdleStateEvent idle && idle.state() == IdleState.READER_IDLE) {
            // The first event after a read: ping. The next one, a whole interval later: give up.
            if (!open || closing.get()) return;
            if (idle.isFirst()) {
                ctx.writeAndFlush(new PingWebSocketFrame(Unpooled.wrappedBuffer(IDLE_PING)));
            } else if (closing.compareAndSet(false, true)) {
                counters.idleClose();
                closeWith(WebSocketCloseStatus.ENDPOINT_UNAVAILABLE.code(), "idle", ServerConnection.CLOSE_GRACE);
            }
        } else {
            ctx.fireUserEventTriggered(event);
        }
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, WebSocketFrame frame) {
        if (!(frame instanceof TextWebSocketFrame) && !(frame instanceof BinaryWebSocketFrame)) return;
        int bytes = frame.content().readableBytes();
        counters.messageIn(bytes);
        if (endpoint == PeerHttp.Endpoint.ECHO) {
            if (closing.get()) return;
            counters.messageOut(WireBytes.serverFrame(bytes));
            ctx.writeAndFlush(frame.retain()); // the same opcode, reassembled
            checkWritable();
        } else if (frame instanceof TextWebSocketFrame text) {
            chat.onText(text.text());
        } else {
            counters.appError();
            deliver(context.json().error("bad_json", "chat messages are JSON text frames", null));
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (open) {
            open = false;
            counters.connectionClosed();
            if (chat != null) chat.onDisconnect();
            chat = null;
        }
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof CorruptedWebSocketFrameException) {
            // The decoder or the UTF-8 validator has already written its close frame (1002, 1007, 1009).
            counters.protocolClose();
            closing.set(true);
            ctx.close();
        } else if (cause instanceof TooLongFrameException) {
            // The aggregator: a fragmented message over the limit.
            counters.protocolClose();
            if (closing.compareAndSet(false, true)) {
                closeWith(WebSocketCloseStatus.MESSAGE_TOO_BIG.code(), "message too big", ServerConnection.CLOSE_GRACE);
            }
        } else {
            counters.ioError();
            closing.set(true);
            ctx.close();
        }
    }

    /**
     * The hub's messages, written by a task on this channel's loop, even when called on that loop:
     * the hub calls {@code deliver} in {@code seq} order (under the room's lock) and the loop's task
     * queue keeps that order, whereas a direct write from the channel's own loop would overtake
     * the writes other loops have already queued.
     */
    @Override
    public void deliver(Outbound message) {
        ChannelHandlerContext c = ctx;
        if (c == null || closing.get()) return;
        try {
            c.executor().execute(() -> {
                if (closing.get()) return;
                c.writeAndFlush(new TextWebSocketFrame(ByteBufUtil.writeUtf8(c.alloc(), message.json())));
                checkWritable();
            });
        } catch (RejectedExecutionException e) {
            // The loop is shutting down with the server: so is this connection.
        }
    }

    /** On the loop, after a write: past the high water mark (the outbound bound) close with 1008. */
    private void checkWritable() {
        Channel channel = ctx.channel();
        if (channel.isWritable() || !channel.isActive() || !closing.compareAndSet(false, true)) return;
        counters.slowConsumerClose();
        closeWith(WebSocketCloseStatus.POLICY_VIOLATION.code(), ServerConnection.SLOW_CONSUMER_REASON, ServerConnection.SLOW_CONSUMER_GRACE);
    }

    /** Sends a close frame, then closes the channel once it is written or after {@code grace}. */
    private void closeWith(int code, String reason, Duration grace) {
        ChannelHandlerContext c = ctx;
        ScheduledFuture<?> giveUp = c.executor().schedule(() -> c.close(), grace.toNanos(), TimeUnit.NANOSECONDS);
        c.channel().closeFuture().addListener(f -> giveUp.cancel(false));
        ChannelFuture sent = c.writeAndFlush(new CloseWebSocketFrame(code, reason));
        sent.addListener(ChannelFutureListener.CLOSE);
    }
}
