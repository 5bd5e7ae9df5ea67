package dev.tether.plan;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * What Tether made or changed on one App Service or slot, and what was there before: the app setting
 * {@value #SETTING}, written in the same app settings PUT that sets {@code WEBSITE_DNS_SERVER} (no write of its own,
 * and atomic with the value it describes). Pure. Format: {@code v1;link=shop;ip=10.0.1.4;subnet=tether-asp;
 * subnetCreated=true;routeAll=tether;slotMark=WEBSITE_DNS_SERVER;prev.WEBSITE_DNS_SERVER=10.9.9.9}, one {@code prev.<name>}
 * per DNS setting the app had before Tether's first write (its exact key and value; none when it had none), and
 * {@code slotMark} (absent when empty) the names Tether itself added to the site's slot settings ({@code config/slotConfigNames}).
 *
 * @param link             the link name the app was linked under
 * @param ip               the DNS IP Tether wrote (tether-dns's): a value other than this one is not Tether's
 * @param subnet           the name of the integration subnet the app was joined to
 * @param subnetCreated    Tether created that subnet (an unlink may delete it once nothing uses it)
 * @param routeAllByTether Tether turned route-all on (an unlink turns it off); false when the user had it on
 * @param previous         the DNS settings (exact key, value) the app had before the first link
 * @param slotMarks        the app setting names Tether added to the site's slot settings (a name the user had marked is
 *                         never one of them): an unlink removes these marks, and only these
 */
public record OwnershipRecord(String link, String ip, String subnet, boolean subnetCreated, boolean routeAllByTether,
                              Map<String, String> previous, java.util.List<String> slotMarks) {
    public static final String SETTING = "TETHER_LINK";
    private static final String VERSION = "v1";

    public OwnershipRecord {
        previous = previous == null ? Map.of() : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(previous));
        slotMarks = slotMarks == null ? java.util.List.of() : java.util.List.copyOf(slotMarks);
    }

    public OwnershipRecord(String link, String ip, String subnet, boolean subnetCreated, boolean routeAllByTether, Map<String, String> previous) {
        this(link, ip, subnet, subnetCreated, routeAllByTether, previous, java.util.List.of());
    }

    public String format() {
        StringBuilder sb = new StringBuilder(VERSION);
        sb.append(";link=").append(nz(link)).append(";ip=").append(nz(ip)).append(";subnet=").append(nz(subnet))
                .append(";subnetCreated=").append(subnetCreated).append(";routeAll=").append(routeAllByTether ? "tether" : "user");
        if (!slotMarks.isEmpty()) {
            sb.append(";slotMark=").append(String.join(",", slotMarks));
        }
        previous.forEach((k, v) -> sb.append(";prev.").append(k).append('=').append(v));
        return sb.toString();
    }

    private static String nz(String s) {
        return s == null ? "" : s;
    }

    /** The record among the app's settings (any case of the name), or empty when there is none. */
    public static Optional<OwnershipRecord> in(Map<String, String> settings) {
        return DnsPlan.keysOf(settings, SETTING).stream().map(settings::get).findFirst().map(OwnershipRecord::parse);
    }

    /** Parses a record; one Tether cannot read is an {@link InvalidInputException} saying what to do. */
    public static OwnershipRecord parse(String text) {
        String[] parts = text == null ? new String[0] : text.trim().split(";");
        if (parts.length == 0 || !parts[0].equals(VERSION)) {
            throw new InvalidInputException("app setting " + SETTING + " is not a record Tether wrote (" + ResourceId.abbreviate(String.valueOf(text))
                    + "); restore it from the app's configuration history, or unlink with force");
        }
        Map<String, String> fields = new LinkedHashMap<>();
        Map<String, String> previous = new LinkedHashMap<>();
        for (int i = 1; i < parts.length; i++) {
            int eq = parts[i].indexOf('=');
            if (eq <= 0) {
                throw new InvalidInputException("app setting " + SETTING + " has a malformed field '" + ResourceId.abbreviate(parts[i])
                        + "'; restore it from the app's configuration history, or unlink with force");
            }
            String k = parts[i].substring(0, eq);
            String v = parts[i].substring(eq + 1);
            if (k.startsWith("prev.")) {
                previous.put(k.substring(5), v);
            } else {
                fields.put(k, v);
            }
        }
        return new OwnershipRecord(blank(fields.get("link")), blank(fields.get("ip")), blank(fields.get("subnet")),
                "true".equals(fields.get("subnetCreated")), "tether".equals(fields.get("routeAll")), previous,
                blank(fields.get("slotMark")) == null ? java.util.List.of() : java.util.List.of(fields.get("slotMark").split(",")));
    }

    private static String blank(String s) {
        return s == null || s.isEmpty() ? null : s;
    }

    /**
     * The record a link's DNS write carries. An existing record keeps what it knew first (the values before Tether,
     * a subnet, route-all or slot-setting marks Tether made in an earlier pass); the IP and link are the current ones.
     * The slot marks are the earlier ones plus {@code slotMarkedNow}, the names this pass's plan found unmarked and
     * marked (taken from the plan in the pass's history, so a crash that re-runs the mark step still records them): a
     * later pass never turns Tether's mark into the user's, and a name the user marked is never in the plan's list.
     *
     * @param current the app's settings just before the write
     */
    public static OwnershipRecord forLink(Map<String, String> current, String link, String ip, String subnet,
                                          boolean subnetCreatedNow, boolean routeAllOnNow, java.util.List<String> slotMarkedNow) {
        java.util.List<String> now = slotMarkedNow == null ? java.util.List.of() : slotMarkedNow;
        Optional<OwnershipRecord> before;
        try {
            before = in(current);
        } catch (InvalidInputException unreadable) {
            before = Optional.empty();
        }
        if (before.isPresent()) {
            OwnershipRecord b = before.get();
            boolean sameSubnet = b.subnet() != null && b.subnet().equalsIgnoreCase(subnet);
            java.util.List<String> marks = new java.util.ArrayList<>(b.slotMarks());
            now.stream().filter(n -> !marks.contains(n)).forEach(marks::add);
            return new OwnershipRecord(link, ip, subnet, (sameSubnet && b.subnetCreated()) || subnetCreatedNow,
                    b.routeAllByTether() || routeAllOnNow, b.previous(), marks);
        }
        Map<String, String> previous = new LinkedHashMap<>();
        for (String name : java.util.List.of(Conventions.SETTING_DNS_SERVER, Conventions.SETTING_DNS_ALT_SERVER)) {
            for (String k : DnsPlan.keysOf(current, name)) {
                previous.put(k, current.get(k) == null ? "" : current.get(k));
            }
        }
        return new OwnershipRecord(link, ip, subnet, subnetCreatedNow, routeAllOnNow, previous, now);
    }

    /** Whether a settings key is one of the DNS settings or the record (they are Tether's; all others are the user's). */
    public static boolean isTetherKey(String key) {
        String upper = key.toUpperCase(Locale.ROOT);
        return upper.equals(Conventions.SETTING_DNS_SERVER) || upper.equals(Conventions.SETTING_DNS_ALT_SERVER) || upper.equals(SETTING);
    }
}
