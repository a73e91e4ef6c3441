package chatlab.bench;

import java.util.Locale;

/** Numbers for people: bytes in KiB/MiB, microseconds in ms, ratios; "n/a" for a figure that was not measured. */
public final class Format {

    private Format() {}

    public static String bytes(double bytes) {
        if (Double.isNaN(bytes)) return "n/a";
        if (bytes < 0) return "-" + bytes(-bytes);
        if (bytes < 1024) return String.format(Locale.ROOT, "%.0f B", bytes);
        if (bytes < 1024 * 1024) return String.format(Locale.ROOT, "%.1f KiB", bytes / 1024);
        if (bytes < 1024.0 * 1024 * 1024) return String.format(Locale.ROOT, "%.1f MiB", bytes / 1024 / 1024);
        return String.format(Locale.ROOT, "%.2f GiB", bytes / 1024 / 1024 / 1024);
    }

    /** A level or size that is -1 when not measured. */
    public static String bytes(long bytes) {
        return bytes < 0 ? "n/a" : bytes((double) bytes);
    }

    public static String micros(long us) {
        if (us < 0) return "n/a";
        if (us < 1000) return us + " us";
        if (us < 1_000_000) return String.format(Locale.ROOT, "%.1f ms", us / 1000.0);
        return String.format(Locale.ROOT, "%.2f s", us / 1e6);
    }

    public static String count(double n) {
        return Double.isNaN(n) || n < 0 ? "n/a" : String.format(Locale.ROOT, "%,.0f", n);
    }

    /** A small quantity with two significant decimals (switches per message). */
    public static String decimal(double n) {
        if (Double.isNaN(n)) return "n/a";
        return n >= 100 ? String.format(Locale.ROOT, "%,.0f", n) : n >= 10 ? String.format(Locale.ROOT, "%.1f", n)
                : String.format(Locale.ROOT, "%.2f", n);
    }

    /** {@code a / b} as {@code 2.3x}. */
    public static String ratio(double a, double b) {
        return b == 0 || Double.isNaN(a) || Double.isNaN(b) ? "n/a" : String.format(Locale.ROOT, "%.1fx", a / b);
    }

    public static String percent(double share) {
        return Double.isNaN(share) ? "n/a" : String.format(Locale.ROOT, "%.0f%%", share * 100);
    }
}
