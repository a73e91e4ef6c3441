package chatlab.bench;

import java.util.ArrayList;
import java.util.List;

/** A suite's steps under the command line's {@code --max-connections}. */
public final class Steps {

    private Steps() {}

    /** The steps up to {@code max}; with {@code endAtMax}, {@code max} itself is the last step. Never empty. */
    public static List<Integer> capped(List<Integer> steps, int max, boolean endAtMax) {
        List<Integer> out = new ArrayList<>();
        for (int step : steps) if (step <= max) out.add(step);
        if (endAtMax && (out.isEmpty() || out.get(out.size() - 1) < max)) out.add(max);
        if (out.isEmpty()) out.add(max);
        return out;
    }
}
