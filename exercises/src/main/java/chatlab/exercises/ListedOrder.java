package chatlab.exercises;

import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.MethodOrdererContext;
import org.junit.jupiter.api.MethodDescriptor;

/**
 * Runs a test class's methods in the order an exercise lists them (simple cases first), which
 * JUnit's default order does not promise. The order comes in the configuration parameter
 * {@value #ORDER}: {@code Class#method} entries, comma separated; methods not listed go last.
 */
public final class ListedOrder implements MethodOrderer {

    static final String ORDER = "chatlab.exercise.order";

    @Override
    public void orderMethods(MethodOrdererContext context) {
        List<String> listed = context.getConfigurationParameter(ORDER).map(s -> Arrays.asList(s.split(","))).orElse(List.of());
        context.getMethodDescriptors().sort(Comparator.comparingInt((MethodDescriptor m) -> {
            int i = listed.indexOf(m.getMethod().getDeclaringClass().getName() + "#" + m.getMethod().getName());
            return i < 0 ? Integer.MAX_VALUE : i;
        }));
    }
}
