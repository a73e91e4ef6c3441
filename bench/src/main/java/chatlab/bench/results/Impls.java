package chatlab.bench.results;

import chatlab.protocol.server.Implementation;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** Implementation names in the report's order: {@link Implementation}'s (models, then peers), unknown names last. */
public final class Impls {

    private Impls() {}

    public static List<String> ordered(List<String> impls) {
        List<String> order = Implementation.ids();
        List<String> sorted = new ArrayList<>(impls);
        sorted.sort(Comparator.comparingInt(i -> order.contains(i) ? order.indexOf(i) : order.size()));
        return sorted;
    }

    /** Whether {@code impl} is one of chatlab's own models. */
    public static boolean core(String impl) {
        Implementation implementation = Implementation.find(impl);
        return implementation != null && implementation.core();
    }

    /** {@code `impl`}, for prose. */
    public static String code(String impl) {
        return "`" + impl + "`";
    }
}
