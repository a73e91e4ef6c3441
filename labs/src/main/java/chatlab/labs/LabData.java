package chatlab.labs;

import chatlab.bench.results.Charts;
import chatlab.bench.results.Csv;
import chatlab.bench.results.RunData;
import com.fasterxml.jackson.databind.JsonNode;
import java.awt.Color;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** What a lab's page reads from its recorded run besides the recorder's rows: its servers, their colors, its own CSV files. */
public final class LabData {

    private LabData() {}

    /** The servers the run recorded in {@code environment.json}, in order. */
    public static List<Variant> variants(RunData run) {
        List<Variant> variants = new ArrayList<>();
        for (JsonNode v : run.environment().path("settings").path("variants")) {
            variants.add(new Variant(v.path("label").asText(), v.path("model").asText(), strings(v.path("jvmFlags")),
                    strings(v.path("serveOptions"))));
        }
        return variants;
    }

    /** The labels of the servers that have rows in the run, in the run's order. */
    public static List<String> labels(RunData run) {
        List<String> labels = new ArrayList<>();
        for (Variant v : variants(run)) if (!run.rows(run.name(), v.label()).isEmpty()) labels.add(v.label());
        return labels;
    }

    /** The variant called {@code label}, or null. */
    public static Variant variant(RunData run, String label) {
        return variants(run).stream().filter(v -> v.label().equals(label)).findFirst().orElse(null);
    }

    /**
     * A server's color in every chart of the lab: its model's color, shaded lighter and darker for
     * the model's second and later variants, so that variants of one model look related.
     */
    public static Color color(RunData run, String label) {
        List<Variant> variants = variants(run);
        Variant variant = variants.stream().filter(v -> v.label().equals(label)).findFirst().orElse(null);
        if (variant == null) return Charts.color(label);
        int k = 0;
        for (Variant v : variants) {
            if (v == variant) break;
            if (v.model().equals(variant.model())) k++;
        }
        return shade(Charts.color(variant.model()), k);
    }

    static Color shade(Color base, int k) {
        if (k == 0) return base;
        double t = Math.min(0.7, 0.35 * ((k + 1) / 2));
        Color towards = k % 2 == 1 ? Color.WHITE : Color.BLACK;
        return new Color(mix(base.getRed(), towards.getRed(), t), mix(base.getGreen(), towards.getGreen(), t),
                mix(base.getBlue(), towards.getBlue(), t));
    }

    private static int mix(int a, int b, double t) {
        return (int) Math.round(a + (b - a) * t);
    }

    /** A CSV file of the lab's own in the run's directory, record by record; none when it is missing. */
    public static List<Map<String, String>> csv(RunData run, String file, List<String> columns) throws IOException {
        Path path = run.dir().resolve(file);
        return Files.exists(path) ? Csv.read(path, columns) : List.of();
    }

    /** The lab's settings as the run recorded them ({@code settings.labSettings}). */
    public static JsonNode settings(RunData run) {
        return run.environment().path("settings").path("labSettings");
    }

    private static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        for (JsonNode n : array) out.add(n.asText());
        return out;
    }
}
