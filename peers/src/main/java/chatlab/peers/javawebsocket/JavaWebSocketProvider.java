package chatlab.peers.javawebsocket;

import chatlab.protocol.server.ChatServer;
import chatlab.protocol.server.ChatServerProvider;
import chatlab.protocol.server.ServerConfig;
import java.util.List;

/** The {@code java-websocket} reference peer. */
public final class JavaWebSocketProvider implements ChatServerProvider {

    @Override
    public List<String> models() {
        return List.of(JavaWebSocketChatServer.MODEL);
    }

    @Override
    public ChatServer create(String model, ServerConfig config) {
        if (!JavaWebSocketChatServer.MODEL.equals(model)) {
            throw new IllegalArgumentException("not the java-websocket peer: " + model);
        }
        return new JavaWebSocketChatServer(config);
    }
}
