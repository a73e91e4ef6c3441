package chatlab.peers.netty;

import chatlab.protocol.server.ChatServer;
import chatlab.protocol.server.ChatServerProvider;
import chatlab.protocol.server.ServerConfig;
import java.util.List;

/** The {@code netty} reference peer. */
public final class NettyProvider implements ChatServerProvider {

    @Override
    public List<String> models() {
        return List.of(NettyChatServer.MODEL);
    }

    @Override
    public ChatServer create(String model, ServerConfig config) {
        if (!NettyChatServer.MODEL.equals(model)) throw new IllegalArgumentException("not the netty peer: " + model);
        return new NettyChatServer(config);
    }
}
