package chatlab.bench.load;

import java.io.IOException;

/**
 * One load generator: a set of client connections driven by one selector thread. Either in this
 * JVM ({@link LoadGenerator}) or in a child process ({@link GeneratorProcess}), so that clients can
 * be spread past one process's file limit. Every call returns within its plan's timeout.
 */
public interface Generator extends AutoCloseable {

    /** Opens a batch of connections; returns when each is ready or has failed. */
    ConnectResult connect(ConnectPlan plan) throws IOException;

    /** Runs an open-loop send schedule over the ready connections, then drains what is still due. */
    LoadResult load(LoadPlan plan) throws IOException;

    /** Connections currently ready. */
    int open() throws IOException;

    /** Closes every connection (the generator stays usable). */
    void closeAll() throws IOException;

    /** The generator's process, or -1 when it runs inside this JVM (its CPU time cannot be told apart). */
    long pid();

    /** Closes every connection and stops. */
    @Override
    void close();
}
