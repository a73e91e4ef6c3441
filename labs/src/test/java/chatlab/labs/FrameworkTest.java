package chatlab.labs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chatlab.bench.results.Charts;
import chatlab.bench.results.RunData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A lab's servers, options and registry: what every lab relies on. */
class FrameworkTest {

    @Test
    void aVariantIsItsModelWithItsOwnFlagsInItsLabel() {
        Variant small = Variant.of("threaded-platform").withJvmFlags("-Xss256k");
        assertEquals("threaded-platform -Xss256k", small.label());
        assertEquals(List.of("-Xss256k"), small.jvmFlags());
        Variant both = small.withServeOptions("--outbound-bound-bytes", "262144");
        assertEquals("threaded-platform -Xss256k --outbound-bound-bytes 262144", both.label());
        assertEquals(List.of("--outbound-bound-bytes", "262144"), both.serveOptions());
        assertEquals("threaded-platform", both.model());
        assertThrows(IllegalArgumentException.class, () -> Variant.of("threaded-platfrom"), "a typo fails before any server starts");
    }

    @Test
    void optionsKeepTheModelsAskedForAndCapTheSteps() {
        LabOptions options = new LabOptions(List.of("evented"), 1500, Duration.ofSeconds(3));
        List<Variant> all = List.of(Variant.of("evented"), Variant.of("netty"), Variant.of("evented").withServeOptions("--workers", "2"));
        assertEquals(List.of("evented", "evented --workers 2"), options.keep(all).stream().map(Variant::label).toList());
        assertEquals(List.of(500, 1000), options.cap(List.of(500, 1000, 2000)));
        assertEquals(List.of(1500), new LabOptions(null, 1500, null).cap(List.of(2000, 5000)), "never no step");
        assertEquals(3000, options.millis(10_000));
        assertEquals(10_000, LabOptions.NONE.millis(10_000));
        assertEquals(all, LabOptions.NONE.keep(all));
    }

    @Test
    void variantsOfOneModelShareItsColorInShadesAndAreReadBackFromTheRun() {
        List<Variant> variants = List.of(Variant.of("threaded-platform"), Variant.of("threaded-platform").withJvmFlags("-Xss256k"),
                Variant.of("threaded-platform").withJvmFlags("-Xss8m"), Variant.of("evented"));
        RunData run = LabTestRuns.run("x", variants, List.of(), List.of(), List.of());
        assertEquals(variants, LabData.variants(run));
        assertEquals(Charts.color("threaded-platform"), LabData.color(run, "threaded-platform"));
        assertEquals(Charts.color("evented"), LabData.color(run, "evented"));
        assertNotEquals(LabData.color(run, "threaded-platform"), LabData.color(run, "threaded-platform -Xss256k"));
        assertNotEquals(LabData.color(run, "threaded-platform -Xss256k"), LabData.color(run, "threaded-platform -Xss8m"));
    }

    @Test
    void everyLabIsRegisteredOnceWithAGuide() {
        List<String> names = Labs.names();
        assertTrue(names.containsAll(List.of("memory-per-connection", "context-switches", "slow-consumers", "idle-connections")), names::toString);
        assertEquals(names.size(), names.stream().distinct().count());
        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class, () -> Labs.named("no-such-lab"));
        assertTrue(unknown.getMessage().contains("valid: " + String.join(", ", names)), unknown.getMessage());
        for (Lab<?> lab : Labs.all()) {
            assertTrue(Files.isRegularFile(Path.of("..", "docs", "labs", lab.name() + ".md")),
                    "docs/labs/" + lab.name() + ".md");
            assertFalse(lab.settings(Size.DEFAULT, LabOptions.NONE).variants().isEmpty(), lab.name());
        }
    }
}
