package chatlab.peers.nodews;

import chatlab.protocol.server.ChatServer;
import chatlab.protocol.server.ChatServerProvider;
import chatlab.protocol.server.ServerConfig;
import java.util.List;

/** Makes {@code node-ws} servers: Node.js with the {@code ws} package as a child process ({@link NodeWsServer}). */
public final class NodeWsProvider implements ChatServerProvider {

    @Override
    public List<String> models() {
        return List.of(NodeWsServer.MODEL);
    }

    @Override
    public ChatServer create(String model, ServerConfig config) {
        if (!NodeWsServer.MODEL.equals(model)) throw new IllegalArgumentException("not a node-ws model: " + model);
        return new NodeWsServer(config);
    }
}
