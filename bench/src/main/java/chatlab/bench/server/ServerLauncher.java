package chatlab.bench.server;

import java.io.IOException;
import java.util.List;

/** Starts a fresh server of a model for one suite run. */
@FunctionalInterface
public interface ServerLauncher {
    ServerHandle start(String model) throws IOException;

    /**
     * The same, with more {@code serve} options (for example {@code --broker URL}). A launcher
     * that cannot pass options (a test's, in-process) refuses them.
     */
    default ServerHandle start(String model, List<String> serveOptions) throws IOException {
        if (serveOptions.isEmpty()) return start(model);
        throw new IOException("this launcher cannot start " + model + " with " + serveOptions);
    }
}
