package chatlab.labs;

import chatlab.protocol.server.Implementation;
import java.util.ArrayList;
import java.util.List;

/**
 * A server a lab runs: a model (or peer) with JVM flags and {@code chatlab serve} options of its
 * own, on top of {@code server-jvm.options} and serve's defaults, named in the lab's tables and
 * charts by its label ({@code threaded-platform -Xss256k}).
 *
 * @param label        its name in the results: the model, then its own flags and options
 * @param model        the model or peer ({@link Implementation#id()})
 * @param jvmFlags     flags after {@code server-jvm.options}'s (so they win: {@code -Xss256k})
 * @param serveOptions options of {@code chatlab serve} ({@code --outbound-bound-bytes 262144})
 */
public record Variant(String label, String model, List<String> jvmFlags, List<String> serveOptions) {

    public Variant {
        Implementation.of(model); // a typo is an error now, not a server that fails to start later
        jvmFlags = List.copyOf(jvmFlags);
        serveOptions = List.copyOf(serveOptions);
    }

    /** The model as a user starts it. */
    public static Variant of(String model) {
        return new Variant(model, model, List.of(), List.of());
    }

    /** Every model and peer as a user starts it, in the report's order. */
    public static List<Variant> of(List<String> models) {
        return models.stream().map(Variant::of).toList();
    }

    /** The same model with JVM flags of its own, added to its label. */
    public Variant withJvmFlags(String... flags) {
        return new Variant(label(List.of(flags)), model, concat(jvmFlags, flags), serveOptions);
    }

    /** The same model with serve options of its own, added to its label. */
    public Variant withServeOptions(String... options) {
        return new Variant(label(List.of(options)), model, jvmFlags, concat(serveOptions, options));
    }

    public Implementation implementation() { return Implementation.of(model); }

    private String label(List<String> added) {
        return label + " " + String.join(" ", added);
    }

    private static List<String> concat(List<String> a, String... b) {
        List<String> all = new ArrayList<>(a);
        all.addAll(List.of(b));
        return all;
    }
}
