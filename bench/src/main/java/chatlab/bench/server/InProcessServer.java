package chatlab.bench.server;

import chatlab.protocol.server.ChatServer;
import chatlab.protocol.server.ChatServers;
import chatlab.protocol.server.ServerConfig;
import java.io.IOException;
import java.net.InetSocketAddress;

/**
 * A server in this JVM, for the harness's own tests (and nothing that is published: its figures
 * include the generator's). {@link #launcher(ServerConfig)} gives every model the same config,
 * faults included.
 */
public final class InProcessServer implements ServerHandle {

    private final ChatServer server;
    private final InetSocketAddress address;

    public InProcessServer(String model, ServerConfig config) throws IOException {
        this.server = ChatServers.create(model, config);
        this.address = server.start("127.0.0.1", 0);
    }

    public static ServerLauncher launcher(ServerConfig config) {
        return model -> new InProcessServer(model, config);
    }

    @Override public String model() { return server.model(); }
    @Override public InetSocketAddress address() { return address; }
    @Override public long pid() { return ProcessHandle.current().pid(); }
    @Override public String deathNote() { return null; }
    @Override public void close() { server.close(); }
}
