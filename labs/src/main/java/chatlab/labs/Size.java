package chatlab.labs;

import java.util.Locale;

/** How big a lab run is: {@code default} (a few minutes on two cores) or {@code full} ({@code --full}: more steps, longer windows). */
public enum Size {
    DEFAULT,
    FULL;

    @Override
    public String toString() { return name().toLowerCase(Locale.ROOT); }
}
