package chatlab.peers.netty;

import chatlab.peers.PeerHttp;
import chatlab.protocol.http.RequestHead;
import chatlab.protocol.server.ServerConfig;
import chatlab.protocol.server.ServerContext;
import chatlab.protocol.server.ServerCounters;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.group.ChannelGroup;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The HTTP side of one {@code netty} connection: it answers plain requests (and closes), and on a
 * valid upgrade for {@code /ws} or {@code /echo} replaces itself with Netty's WebSocket handlers.
 * Handshakes are checked with PROTOCOL.md's rules first: Netty's handshaker factory would also
 * accept the hybi-07/08 drafts and, without a version header, hixie-76.
 */
final class NettyHttpRouter extends SimpleChannelInboundHandler<FullHttpRequest> {

    private final ServerContext context;
    private final ServerCounters counters;
    private final ChannelGroup webSockets;
    private ScheduledFuture<?> headTimer;

    NettyHttpRouter(ServerContext context, ChannelGroup webSockets) {
        this.context = context;
        this.counters = context.counters();
        this.webSockets = webSockets;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        headTimer = ctx.executor().schedule(() -> {
            counters.headTimeout();
            ctx.close();
        }, context.config().headTimeout().toNanos(), TimeUnit.NANOSECONDS);
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        headTimer.cancel(false);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        headTimer.cancel(false);
        ctx.fireChannelInactive();
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
        headTimer.cancel(false);
        if (request.decoderResult().isFailure()) {
            Throwable cause = request.decoderResult().cause();
            boolean tooLong = cause instanceof TooLongHttpHeaderException || cause instanceof TooLongHttpLineException;
            reply(ctx, PeerHttp.Answer.text(tooLong ? 431 : 400,
                    tooLong ? "request head over 8 KiB\n" : "malformed request\n", null, null));
            return;
        }
        counters.httpRequest();
        RequestHead head = head(request);
        PeerHttp.Endpoint endpoint = PeerHttp.endpoint(head.path());
        PeerHttp.Answer answer = endpoint == null
                ? PeerHttp.answer(head, context)
                : PeerHttp.checkUpgrade(head);
        if (answer != null) {
            reply(ctx, answer);
        } else {
            upgrade(ctx, request, endpoint, head.path());
        }
    }

    /** Puts Netty's WebSocket handlers after this one, leaves, and lets them handshake. */
    private void upgrade(ChannelHandlerContext ctx, FullHttpRequest request, PeerHttp.Endpoint endpoint, String path) {
        ServerConfig config = context.config();
        WebSocketServerProtocolConfig protocol = WebSocketServerProtocolConfig.newBuilder()
                .websocketPath(path)
                .checkStartsWith(true) // the path may carry a query
                .sendCloseFrame(null) // every close frame is written explicitly
                .decoderConfig(WebSocketDecoderConfig.newBuilder()
                        .maxFramePayloadLength(config.maxMessageBytes())
                        .allowExtensions(false)
                        .build())
                .build();
        ChannelPipeline pipeline = ctx.pipeline();
        pipeline.addFirst("idle", new IdleStateHandler(config.idleInterval().toNanos(), 0, 0, TimeUnit.NANOSECONDS));
        pipeline.addAfter(ctx.name(), "ws", new WebSocketServerProtocolHandler(protocol));
        pipeline.addAfter("ws", "ws-aggregator", new WebSocketFrameAggregator(config.maxMessageBytes()));
        pipeline.addAfter("ws-aggregator", "ws-endpoint", new NettyConnection(endpoint, context, webSockets));
        pipeline.remove(this);
        ctx.fireChannelRead(request.retain());
    }

    private void reply(ChannelHandlerContext ctx, PeerHttp.Answer answer) {
        if (answer.isReject()) counters.httpReject();
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
                HttpResponseStatus.valueOf(answer.status()), Unpooled.wrappedBuffer(answer.body()));
        if (answer.status() != 304) {
            response.headers()
                    .set(HttpHeaderNames.CONTENT_TYPE, answer.contentType())
                    .set(HttpHeaderNames.CONTENT_LENGTH, response.content().readableBytes());
        }
        answer.headers().forEach(response.headers()::set);
        response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
    }

    private static RequestHead head(FullHttpRequest request) {
        Map<String, List<String>> headers = new LinkedHashMap<>();
        for (Map.Entry<String, String> header : request.headers()) {
            headers.computeIfAbsent(header.getKey().toLowerCase(Locale.ROOT), k -> new ArrayList<>(1)).add(header.getValue());
        }
        return new RequestHead(request.method().name(), request.uri(), request.protocolVersion().text(), headers);
    }
}
