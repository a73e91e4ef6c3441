package chatlab.labs;

import chatlab.bench.Recorder;
import chatlab.bench.SuiteContext;
import chatlab.bench.results.Failure;
import chatlab.bench.server.ServerHandle;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * What a lab runs with: the bench's {@link SuiteContext} (generators, connecting within the
 * server's file limit, measuring load plans, recording steps and memory parts), a way to start
 * each of its servers, and its directory for files of its own.
 *
 * @param harness the bench's context; its launcher is unused (a lab starts {@link Variant}s through {@code servers})
 * @param servers starts a variant: in its own process for a real run, in this JVM in tests
 * @param dir     the lab's directory ({@code results/labs/NAME}), or null in tests that keep records in memory
 */
public record LabContext(SuiteContext harness, VariantLauncher servers, Path dir) {

    /** Starts a fresh server of one variant. */
    @FunctionalInterface
    public interface VariantLauncher {
        ServerHandle start(Variant variant) throws IOException;
    }

    /** One variant's part of a lab. */
    @FunctionalInterface
    public interface PerVariant {
        void run(Variant variant) throws IOException;
    }

    public Recorder recorder() { return harness.recorder(); }

    public ServerHandle start(Variant variant) throws IOException {
        return servers.start(variant);
    }

    /**
     * Runs {@code body} for each variant; one that throws is recorded as a failure of {@code lab}
     * (it could not be measured) and the next one runs.
     */
    public void forEach(String lab, List<Variant> variants, PerVariant body) {
        for (Variant variant : variants) {
            try {
                body.run(variant);
            } catch (IOException | RuntimeException e) {
                recorder().fail(new Failure(lab, variant.label(), -1, "could not run: " + e.getMessage()));
            }
        }
    }

    /** A file of the lab's own in its directory, or null when records are kept in memory only. */
    public Path file(String name) {
        return dir == null ? null : dir.resolve(name);
    }
}
