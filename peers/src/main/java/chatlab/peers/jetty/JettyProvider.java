package chatlab.peers.jetty;

import chatlab.protocol.server.ChatServer;
import chatlab.protocol.server.ChatServerProvider;
import chatlab.protocol.server.ServerConfig;
import java.util.List;

/** The {@code jetty} reference peer. */
public final class JettyProvider implements ChatServerProvider {

    @Override
    public List<String> models() {
        return List.of(JettyChatServer.MODEL);
    }

    @Override
    public ChatServer create(String model, ServerConfig config) {
        if (!JettyChatServer.MODEL.equals(model)) throw new IllegalArgumentException("not the jetty peer: " + model);
        return new JettyChatServer(config);
    }
}
