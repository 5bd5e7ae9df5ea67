package dev.tether.plan;

import java.util.Locale;

/** Azure regions: a display name ("East US") and its canonical name ("eastus") are the same region. */
public final class Regions {
    private Regions() {
    }

    public static String canonical(String location) {
        return location == null ? "" : location.replace(" ", "").toLowerCase(Locale.ROOT);
    }

    public static boolean same(String a, String b) {
        return canonical(a).equals(canonical(b));
    }
}
