package dev.tether.plan;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The site's slot settings ({@code Microsoft.Web/sites/config/slotConfigNames}): the names of the app settings,
 * connection strings and mounted storage accounts that stay with their slot in a swap. One list for the whole site, its
 * production slot and every deployment slot; slots have no list of their own. A null list is one the site never set,
 * and is written back as null, so a PUT keeps what it did not change byte for byte.
 *
 * <p>Why Tether marks its DNS settings: in a swap, app settings move with the content unless listed here, while virtual
 * network integration stays with the slot (learn "Set up staging environments in Azure App Service", "Which settings are
 * swapped?"). An unmarked {@code WEBSITE_DNS_SERVER} would leave with the content and arrive in a slot whose integration
 * cannot reach that server, or that is linked to another cluster.
 */
public record SlotSettings(List<String> appSettingNames, List<String> connectionStringNames, List<String> azureStorageConfigNames) {

    public SlotSettings {
        appSettingNames = appSettingNames == null ? null : List.copyOf(appSettingNames);
        connectionStringNames = connectionStringNames == null ? null : List.copyOf(connectionStringNames);
        azureStorageConfigNames = azureStorageConfigNames == null ? null : List.copyOf(azureStorageConfigNames);
    }

    /**
     * The names Tether writes and therefore marks: {@code WEBSITE_DNS_SERVER}, and {@code WEBSITE_DNS_ALT_SERVER} when
     * an alternate server is configured (Tether writes it only then).
     */
    public static List<String> tetherNames(String altDnsServer) {
        return altDnsServer == null || altDnsServer.isBlank() ? List.of(Conventions.SETTING_DNS_SERVER)
                : List.of(Conventions.SETTING_DNS_SERVER, Conventions.SETTING_DNS_ALT_SERVER);
    }

    /** The lower-case id of the site of a site or slot id (the part before {@code /slots/}). */
    public static String siteKey(String siteOrSlotId) {
        String k = siteOrSlotId.toLowerCase(java.util.Locale.ROOT);
        int i = k.indexOf("/slots/");
        return i < 0 ? k : k.substring(0, i);
    }

    /** The sites (as {@link #siteKey}) of which {@code ids} hold a slot: the sites where a swap can happen today. */
    public static java.util.Set<String> sitesWithSlots(List<String> ids) {
        java.util.Set<String> out = new java.util.TreeSet<>();
        ids.stream().filter(id -> id.toLowerCase(java.util.Locale.ROOT).contains("/slots/")).map(SlotSettings::siteKey).forEach(out::add);
        return out;
    }

    /**
     * The names of {@code wanted} not in {@code appSettingNames}, matched exactly. The docs do not say whether App Service
     * matches slot setting names ignoring case; Tether writes the canonical spelling and marks that same spelling, which
     * holds under either reading (another spelling already listed stays, untouched).
     */
    public List<String> missing(List<String> wanted) {
        List<String> have = appSettingNames == null ? List.of() : appSettingNames;
        return wanted.stream().filter(n -> !have.contains(n)).toList();
    }

    /** The settings to PUT, or empty when every wanted name is already marked: the same lists with the missing names appended. */
    public Optional<SlotSettings> merge(List<String> wanted) {
        List<String> add = missing(wanted);
        if (add.isEmpty()) {
            return Optional.empty();
        }
        List<String> names = new ArrayList<>(appSettingNames == null ? List.of() : appSettingNames);
        names.addAll(add);
        return Optional.of(new SlotSettings(names, connectionStringNames, azureStorageConfigNames));
    }

    /** The names of {@code names} the list holds (matched exactly, as {@link #missing} matches). */
    public List<String> present(List<String> names) {
        List<String> have = appSettingNames == null ? List.of() : appSettingNames;
        return names.stream().filter(have::contains).toList();
    }

    /**
     * The settings to PUT without {@code names}, or empty when none of them is listed: every other app setting name, in
     * its order, and the connection string and storage lists as read. A list left empty is written as null, the state
     * of a site that never set one (App Service answers a new site's slotConfigNames with null lists), so an unlink of
     * the names Tether added returns the list to what it was before the link.
     */
    public Optional<SlotSettings> without(List<String> names) {
        if (present(names).isEmpty()) {
            return Optional.empty();
        }
        List<String> kept = appSettingNames.stream().filter(n -> !names.contains(n)).toList();
        return Optional.of(new SlotSettings(kept.isEmpty() ? null : kept, connectionStringNames, azureStorageConfigNames));
    }
}
