package chatlab.bench.results;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * A Markdown report being written: headings, lines, tables, images, warnings, and links relative to
 * where the file goes. The report kit of the harness: the bench's README files and any other
 * results page (a lab's) are written with it.
 */
public final class Report {

    private final Path target;
    private final StringBuilder md = new StringBuilder();

    public Report(Path target) {
        this.target = target;
    }

    public Path target() { return target; }

    public void h1(String s) { md.append("# ").append(s).append("\n\n"); }
    public void h2(String s) { md.append("\n## ").append(s).append("\n\n"); }
    public void h3(String s) { md.append("\n### ").append(s).append("\n\n"); }
    public void line(String s) { md.append(s).append("\n"); }
    public void blank() { md.append("\n"); }
    public void bullet(String s) { md.append("- ").append(s).append("\n"); }

    /** A line of the "Targets" list: {@code status} is met, MISSED, shown or not measured; {@code figure} the data it rests on. */
    public void target(String status, String what, String figure) {
        bullet("**" + status + "**: " + what + ". " + figure + ".");
    }

    /** A paragraph, with a blank line after it; nothing for null (a claim the data did not support). */
    public void paragraph(String s) {
        if (s == null || s.isEmpty()) return;
        md.append(s).append("\n\n");
    }

    /** A warning a reader must not miss, in bold. */
    public void warning(String s) { md.append("**Warning: ").append(s).append("**\n\n"); }

    public void table(List<String> header) {
        md.append("| ").append(String.join(" | ", header)).append(" |\n");
        md.append("|").append("---|".repeat(header.size())).append("\n");
    }

    public void row(String... cells) {
        md.append("| ").append(String.join(" | ", Arrays.stream(cells).map(c -> c == null ? "" : c.replace("|", "\\|")).toList()))
                .append(" |\n");
    }

    public void image(String title, Path png) {
        md.append("![").append(title).append("](").append(rel(png)).append(")\n");
    }

    /** {@code path} relative to the report's directory, with forward slashes. */
    public String rel(Path path) {
        String relative = target.toAbsolutePath().getParent().normalize().relativize(path.toAbsolutePath().normalize())
                .toString().replace('\\', '/');
        return relative.isEmpty() ? "." : relative;
    }

    public String text() { return md.toString(); }

    /** What another report (written for the same file) holds, appended here. */
    public void append(Report other) { md.append(other.md); }

    public void write() throws IOException {
        Files.createDirectories(target.toAbsolutePath().getParent());
        Files.writeString(target, md.toString(), StandardCharsets.UTF_8);
    }
}
