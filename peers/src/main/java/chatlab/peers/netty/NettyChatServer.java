package chatlab.peers.netty;

import chatlab.protocol.http.RequestHeadParser;
import chatlab.protocol.server.ChatServer;
import chatlab.protocol.server.ServerConfig;
import chatlab.protocol.server.ServerConnection;
import chatlab.protocol.server.ServerContext;
import chatlab.protocol.server.StatsSnapshot;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The {@code netty} reference peer: Netty 4.2 with the NIO transport, one pipeline per
 * connection as Netty's WebSocket examples build it: {@link HttpServerCodec},
 * {@link HttpObjectAggregator} and {@link NettyHttpRouter}, which answers {@code /stats},
 * {@code /}, 404 and 405 itself and turns a {@code /ws} or {@code /echo} upgrade into
 * {@code WebSocketServerProtocolHandler} (handshake, ping/pong, close, UTF-8 validation),
 * {@code WebSocketFrameAggregator} and a {@link NettyConnection}.
 *
 * <p><b>Threads.</b> One boss event loop accepts; the worker group
 * ({@link MultiThreadIoEventLoopGroup} with {@link NioIoHandler}, two loops per core by default)
 * owns the connections, each connection pinned to one loop thread that does all its reading,
 * decoding, chat handling and writing. A chat message's fan-out runs on the sender's loop and
 * submits one write task per member to that member's loop (to its own loop too, so that the
 * loop's task queue keeps the room's {@code seq} order). Timers (head timeout, idle, give-up) are
 * tasks on the connection's own loop. Nothing blocks a loop except the lab's {@code sleep} and {@code compute}, which run
 * inline and stall every connection of that loop: that is what they are for.
 *
 * <p><b>Slow and hostile clients.</b> The frame decoder closes with 1002 for framing errors and
 * with 1009 for a frame over {@code maxMessageBytes}, the aggregator's limit gives 1009 for a
 * fragmented message over it, and Netty's UTF-8 validator gives 1007 as soon as a text frame goes
 * wrong. A connection's writes pile up in its {@code ChannelOutboundBuffer}, whose high
 * {@link WriteBufferWaterMark} is the outbound bound: when a write leaves the channel not
 * writable, the connection is closed with 1008 and nothing more is written to it, and cut a few seconds later if even that does
 * not go out. An {@code IdleStateHandler} pings a connection after a silent interval and the
 * connection is closed with 1001 after another. A request head is limited to 8 KiB (431) and
 * to the head timeout. Bad chat input gets an {@code error} message; nothing of this touches
 * another connection.
 *
 * <p><b>Deviations from PROTOCOL.md.</b> The 1008 close frame goes behind what the outbound buffer
 * already holds (Netty drops queued writes only by closing the channel); a client that never reads
 * sees the TCP connection close instead. Netty limits the request line and the headers separately
 * (8 KiB each), not their sum.
 */
public final class NettyChatServer implements ChatServer {

    public static final String MODEL = "netty";

    private final ServerContext context;
    /** The open WebSockets, for the 1001 at shutdown; Netty removes a channel when it closes. */
    private final ChannelGroup webSockets = new DefaultChannelGroup(MODEL, GlobalEventExecutor.INSTANCE);
    private final AtomicBoolean closed = new AtomicBoolean();
    private EventLoopGroup boss;
    private EventLoopGroup workers;
    private Channel serverChannel;

    public NettyChatServer(ServerConfig config) {
        this.context = ServerContext.create(MODEL, config);
    }

    @Override
    public String model() { return MODEL; }

    @Override
    public InetSocketAddress start(String host, int port) throws IOException {
        ServerConfig config = context.config();
        boss = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        workers = new MultiThreadIoEventLoopGroup(NioIoHandler.newFactory());
        int bound = config.outboundBoundBytes();
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(boss, workers)
                .channel(NioServerSocketChannel.class)
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(bound / 2, bound))
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel channel) {
                        HttpDecoderConfig head = new HttpDecoderConfig()
                                .setMaxInitialLineLength(RequestHeadParser.MAX_HEAD_BYTES)
                                .setMaxHeaderSize(RequestHeadParser.MAX_HEAD_BYTES);
                        channel.pipeline()
                                .addLast("http", new HttpServerCodec(head))
                                .addLast("http-aggregator", new HttpObjectAggregator(RequestHeadParser.MAX_HEAD_BYTES))
                                .addLast("router", new NettyHttpRouter(context, webSockets));
                    }
                });
        try {
            serverChannel = bootstrap.bind(host, port).sync().channel();
        } catch (Exception e) {
            close();
            if (e instanceof IOException io) throw io;
            throw new IOException("netty did not start", e);
        }
        return (InetSocketAddress) serverChannel.localAddress();
    }

    @Override
    public StatsSnapshot stats() { return context.stats(); }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) return;
        long grace = ServerConnection.CLOSE_GRACE.toMillis();
        if (serverChannel != null) serverChannel.close().awaitUninterruptibly(grace);
        webSockets.writeAndFlush(new CloseWebSocketFrame(WebSocketCloseStatus.ENDPOINT_UNAVAILABLE, "server stopping"))
                .awaitUninterruptibly(grace);
        webSockets.close().awaitUninterruptibly(grace);
        if (workers != null) workers.shutdownGracefully(0, grace, TimeUnit.MILLISECONDS).awaitUninterruptibly(2 * grace);
        if (boss != null) boss.shutdownGracefully(0, grace, TimeUnit.MILLISECONDS).awaitUninterruptibly(2 * grace);
        context.close(); // after the connections: their members have left the rooms
    }
}
