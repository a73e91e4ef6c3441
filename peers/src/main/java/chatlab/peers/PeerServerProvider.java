package chatlab.peers;

import chatlab.peers.javawebsocket.JavaWebSocketChatServer;
import chatlab.peers.jetty.JettyChatServer;
import chatlab.peers.netty.NettyChatServer;
import chatlab.peers.nodews.NodeWsServer;
import chatlab.protocol.server.ChatServer;
import chatlab.protocol.server.ChatServerProvider;
import chatlab.protocol.server.ServerConfig;
import java.util.List;

/**
 * The four reference peers, registered once for the whole module: each server class names its
 * own model, and this only maps the name to the constructor.
 */
public final class PeerServerProvider implements ChatServerProvider {

    @Override
    public List<String> models() {
        return List.of(NodeWsServer.MODEL, JettyChatServer.MODEL, JavaWebSocketChatServer.MODEL, NettyChatServer.MODEL);
    }

    @Override
    public ChatServer create(String model, ServerConfig config) {
        return switch (model) {
            case NodeWsServer.MODEL -> new NodeWsServer(config);
            case JettyChatServer.MODEL -> new JettyChatServer(config);
            case JavaWebSocketChatServer.MODEL -> new JavaWebSocketChatServer(config);
            case NettyChatServer.MODEL -> new NettyChatServer(config);
            default -> throw new IllegalArgumentException("not a reference peer: " + model);
        };
    }
}
