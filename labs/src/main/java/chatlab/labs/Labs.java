package chatlab.labs;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.ServiceLoader;

/** The registered {@link Lab}s ({@code META-INF/services/chatlab.labs.Lab} of every module on the class path), in their order. */
public final class Labs {

    private Labs() {}

    @SuppressWarnings("rawtypes")
    public static List<Lab<?>> all() {
        List<Lab<?>> labs = new ArrayList<>();
        for (Lab lab : ServiceLoader.load(Lab.class)) labs.add(lab);
        labs.sort(Comparator.comparingInt((Lab<?> l) -> l.order()).thenComparing(Lab::name));
        return labs;
    }

    public static List<String> names() {
        return all().stream().map(Lab::name).toList();
    }

    /**
     * @throws IllegalArgumentException for a name that is no lab, naming the valid ones
     */
    public static Lab<?> named(String name) {
        return all().stream().filter(l -> l.name().equals(name)).findFirst().orElseThrow(() ->
                new IllegalArgumentException("unknown lab '" + name + "'; valid: " + String.join(", ", names())));
    }
}
