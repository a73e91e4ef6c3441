package chatlab.bench.server;

import java.io.IOException;

/** Starts a fresh server of a model for one suite run. */
@FunctionalInterface
public interface ServerLauncher {
    ServerHandle start(String model) throws IOException;
}
