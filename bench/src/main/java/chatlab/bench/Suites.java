package chatlab.bench;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.ServiceLoader;

/**
 * The registered {@link Suite}s ({@code META-INF/services/chatlab.bench.Suite} of every module on
 * the class path), in their order, and what a word on the command line selects: a suite's name,
 * {@code all} (every suite that is part of it, full size) or {@code quick} (the quick suites, quick size).
 */
public final class Suites {

    public static final String QUICK = "quick";
    public static final String ALL = "all";

    private Suites() {}

    /** Every registered suite, ordered by {@link Suite#order()} then name. */
    @SuppressWarnings("rawtypes")
    public static List<Suite<?>> all() {
        List<Suite<?>> suites = new ArrayList<>();
        for (Suite suite : ServiceLoader.load(Suite.class)) suites.add(suite);
        suites.sort(Comparator.comparingInt((Suite<?> s) -> s.order()).thenComparing(Suite::name));
        return suites;
    }

    /** The words {@code ./chatlab bench} accepts: {@code quick}, {@code all}, then every suite's name. */
    public static List<String> words() {
        List<String> words = new ArrayList<>(List.of(QUICK, ALL));
        for (Suite<?> suite : all()) words.add(suite.name());
        return words;
    }

    /** The suite called {@code name}, or null. */
    public static Suite<?> named(String name) {
        return all().stream().filter(s -> s.name().equals(name)).findFirst().orElse(null);
    }

    /** What one command asks for: the suites, in order, and at which size. */
    public record Selection(String word, Profile profile, List<Suite<?>> suites) {}

    /**
     * @param word {@code quick}, {@code all} or a suite's name
     * @param quick the quick size for a named suite or {@code all}, rather than the full one
     * @throws IllegalArgumentException for another word, naming the valid ones
     */
    public static Selection select(String word, boolean quick) {
        return switch (word) {
            case QUICK -> new Selection(word, Profile.QUICK, all().stream().filter(Suite::inQuick).toList());
            case ALL -> new Selection(word, quick ? Profile.QUICK : Profile.FULL, all().stream().filter(Suite::inAll).toList());
            default -> {
                Suite<?> suite = named(word);
                if (suite == null) {
                    throw new IllegalArgumentException("unknown suite '" + word + "'; valid: " + String.join(", ", words()));
                }
                yield new Selection(word, quick ? Profile.QUICK : Profile.FULL, List.of(suite));
            }
        };
    }
}
