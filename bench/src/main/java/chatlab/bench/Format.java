package chatlab.bench;

import java.util.Locale;

/** Numbers for people: bytes in KiB/MiB, microseconds in ms. */
public final class Format {

    private Format() {}

    public static String bytes(double bytes) {
        if (bytes < 0) return "n/a";
        if (bytes < 1024) return String.format(Locale.ROOT, "%.0f B", bytes);
        if (bytes < 1024 * 1024) return String.format(Locale.ROOT, "%.1f KiB", bytes / 1024);
        if (bytes < 1024.0 * 1024 * 1024) return String.format(Locale.ROOT, "%.1f MiB", bytes / 1024 / 1024);
        return String.format(Locale.ROOT, "%.2f GiB", bytes / 1024 / 1024 / 1024);
    }

    public static String micros(long us) {
        if (us < 0) return "n/a";
        if (us < 1000) return us + " us";
        if (us < 1_000_000) return String.format(Locale.ROOT, "%.1f ms", us / 1000.0);
        return String.format(Locale.ROOT, "%.2f s", us / 1e6);
    }

    public static String count(double n) {
        return String.format(Locale.ROOT, "%,.0f", n);
    }
}
