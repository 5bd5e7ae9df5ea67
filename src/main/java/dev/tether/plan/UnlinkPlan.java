package dev.tether.plan;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The dry run of an App Service (or slot) unlink, and what its steps apply: every change with its reason, in the order
 * that never breaks the app (DNS setting, its slot-setting marks, route-all, leave the subnet, delete the subnet). Pure.
 *
 * <p>The unlink undoes only what {@link OwnershipRecord} says Tether did. It refuses, with zero writes, when the state
 * is not Tether's to undo (no record, the DNS setting changed since the link, the app moved to another subnet), unless
 * the request says {@code force}; force restores the recorded values over the foreign change, and still never deletes a
 * subnet Tether did not create or that something else uses.
 *
 * @param settings     the full app settings to PUT (null: no write)
 * @param routeAllOff  turn route-all off (Tether turned it on)
 * @param leaveSubnet  the subnet the app leaves (null: not integrated, or not Tether's integration)
 * @param deleteSubnet the subnet to delete once nothing uses it (null: not Tether's, or gone)
 * @param unmark       the names to remove from the site's slot settings (config/slotConfigNames): the marks Tether added,
 *                     still listed, when no other slot of the site carries Tether's DNS setting (empty: no write)
 */
public record UnlinkPlan(String siteId, Status status, String message, List<Change> changes, Map<String, String> settings,
                         boolean routeAllOff, String leaveSubnet, String deleteSubnet, String planId, String dnsAtPlan,
                         Map<String, String> previous, List<String> unmark) {

    public enum Status {
        /** Changes to make. */
        READY,
        /** Nothing of Tether's is left on the app. */
        NOTHING,
        /** Not Tether's to undo: zero writes (a request with force proceeds). */
        REFUSED,
        /** The app still carries private-link: the tag is the link's intent, an unlink does not fight it. */
        TAGGED,
        /** The app no longer exists. */
        GONE
    }

    public UnlinkPlan {
        changes = changes == null ? List.of() : List.copyOf(changes);
        settings = settings == null ? null : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(settings));
        previous = previous == null ? Map.of() : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(previous));
        unmark = unmark == null ? List.of() : List.copyOf(unmark);
    }

    public static UnlinkPlan of(String siteId, Status status, String message) {
        return new UnlinkPlan(siteId, status, message, List.of(), null, false, null, null, null, null, null, null);
    }

    /** An unlink without slot settings read (no record marks to remove): see {@link #site(String, SiteState, Map, SubnetState, SlotSettings, List, boolean)}. */
    public static UnlinkPlan site(String siteId, SiteState site, Map<String, String> current, SubnetState subnet, boolean force) {
        return site(siteId, site, current, subnet, null, List.of(), force);
    }

    /**
     * @param site     the app as read (null: gone)
     * @param current  its app settings
     * @param subnet   the subnet the app is integrated with, as read (null when not integrated or not found)
     * @param slots    the site's slot settings as read (null: not read, because the record names no mark of Tether's)
     * @param linkedSiblings the other slots (or production) of the site that carry a {@link OwnershipRecord} (Tether's DNS
     *                 setting): the slot-setting list is site-wide, so Tether's marks still protect them
     * @param force    the request's force
     */
    public static UnlinkPlan site(String siteId, SiteState site, Map<String, String> current, SubnetState subnet, SlotSettings slots,
                                  List<String> linkedSiblings, boolean force) {
        if (site == null) {
            return of(siteId, Status.GONE, siteId + " no longer exists; nothing to unlink");
        }
        Optional<String> tag;
        try {
            tag = Tags.link(site.tags());
        } catch (InvalidInputException e) {
            tag = Optional.of("(invalid)");
        }
        if (tag.isPresent()) {
            return of(siteId, Status.TAGGED, "app " + site.name() + " still carries " + Conventions.TAG_LINK + "=" + tag.get()
                    + "; the tag is the link's intent. Fix: remove the tag, then ask for the unlink again");
        }
        Optional<OwnershipRecord> record;
        try {
            record = OwnershipRecord.in(current);
        } catch (InvalidInputException e) {
            if (!force) {
                return of(siteId, Status.REFUSED, e.getMessage());
            }
            record = Optional.empty();
        }
        String dnsNow = DnsPlan.valueOf(current, Conventions.SETTING_DNS_SERVER).orElse(null);
        if (record.isEmpty()) {
            boolean anything = site.subnetId() != null || dnsNow != null;
            if (!anything) {
                return of(siteId, Status.NOTHING, "app " + site.name() + " has no integration, no DNS setting and no " + OwnershipRecord.SETTING
                        + " record: nothing to undo");
            }
            if (!force) {
                return of(siteId, Status.REFUSED, "app " + site.name() + " has no " + OwnershipRecord.SETTING + " record, so Tether cannot tell what it"
                        + " made (" + (site.subnetId() != null ? "integrated with " + ResourceId.parse(site.subnetId()).name() : "")
                        + (site.subnetId() != null && dnsNow != null ? ", " : "") + (dnsNow != null ? Conventions.SETTING_DNS_SERVER + "=" + dnsNow : "")
                        + "). Fix: undo it by hand (docs/UNLINK.md), or unlink with force to remove the DNS settings and leave the subnet");
            }
        }
        OwnershipRecord r = record.orElse(new OwnershipRecord(null, null, null, false, false, Map.of()));
        List<Change> changes = new ArrayList<>();

        // 1. The DNS setting (and the record), back to what the app had before the first link.
        Map<String, String> restored = new LinkedHashMap<>();
        current.forEach((k, v) -> {
            if (!OwnershipRecord.isTetherKey(k)) {
                restored.put(k, v);
            }
        });
        restored.putAll(r.previous());
        boolean foreign = record.isPresent() && dnsNow != null && !dnsNow.equals(r.ip())
                && !dnsNow.equals(DnsPlan.valueOf(r.previous(), Conventions.SETTING_DNS_SERVER).orElse(null));
        if (foreign && !force) {
            return of(siteId, Status.REFUSED, "app " + site.name() + " now has " + Conventions.SETTING_DNS_SERVER + "=" + dnsNow + ", which is not the "
                    + r.ip() + " Tether set: someone changed it since the link. Fix: set it back to " + r.ip() + ", or unlink with force to restore "
                    + (r.previous().isEmpty() ? "no DNS server (the app had none)" : DnsPlan.describe(r.previous())));
        }
        Map<String, String> settings = restored.equals(current) ? null : restored;
        changes.add(new Change("app-settings", Conventions.SETTING_DNS_SERVER, settings == null ? Outcome.UNCHANGED
                : r.previous().isEmpty() ? Outcome.DELETED : Outcome.UPDATED, settings == null ? "the app's DNS settings are already as before the link"
                : (r.previous().isEmpty() ? "remove " + Conventions.SETTING_DNS_SERVER + (dnsNow == null ? "" : "=" + dnsNow) + ": the app had no DNS server before the link"
                : "restore " + DnsPlan.describe(r.previous()) + " (recorded before the link)")
                + (foreign ? " (force: over the foreign value " + dnsNow + ")" : "") + "; remove " + OwnershipRecord.SETTING + "; every other setting kept"));

        // 1b. The slot-setting marks Tether added, after the DNS setting: a swap in between never carries Tether's value away.
        List<String> unmark = slotMarks(changes, r, slots, linkedSiblings == null ? List.of() : linkedSiblings);

        // 2. Route-all, only if Tether turned it on.
        boolean routeAllOff = r.routeAllByTether() && site.routeAll();
        changes.add(new Change("route-all", "outboundVnetRouting.applicationTraffic", routeAllOff ? Outcome.UPDATED : Outcome.UNCHANGED,
                routeAllOff ? "turn route-all off: Tether turned it on" : site.routeAll() ? "leave route-all on: the app had it before the link"
                        : "route-all is off"));

        // 3. Leave the subnet: only Tether's integration.
        String leave = null;
        if (site.subnetId() != null) {
            String name = ResourceId.parse(site.subnetId()).name();
            if (r.subnet() != null && !r.subnet().equalsIgnoreCase(name)) {
                if (!force) {
                    return of(siteId, Status.REFUSED, "app " + site.name() + " is integrated with subnet " + name + ", not the " + r.subnet()
                            + " Tether joined it to: someone moved it since the link. Fix: move it back, or unlink with force (the integration is then kept)");
                }
                changes.add(new Change("leave-subnet", site.subnetId(), Outcome.UNCHANGED, "kept: " + name + " is not the subnet Tether joined (force)"));
            } else {
                leave = site.subnetId();
                changes.add(new Change("leave-subnet", site.subnetId(), Outcome.DELETED, "leave " + name + " (regional VNet integration Tether made)"));
            }
        } else {
            changes.add(new Change("leave-subnet", null, Outcome.UNCHANGED, "the app is not integrated with a subnet"));
        }

        // 4. Delete the subnet only if Tether created it and nothing else uses it.
        String delete = null;
        if (leave != null && r.subnetCreated() && subnet != null) {
            List<String> otherPlans = subnet.linkedPlans().stream().filter(p -> !ResourceId.same(p, site.serverFarmId())).toList();
            if (subnet.ipConfigurations() > 0 || !otherPlans.isEmpty()) {
                changes.add(new Change("delete-subnet", subnet.id(), Outcome.UNCHANGED, "kept: Tether created " + subnet.name() + " but it is used by "
                        + describeUsers(otherPlans, subnet.ipConfigurations())));
            } else {
                delete = subnet.id();
                changes.add(new Change("delete-subnet", subnet.id(), Outcome.DELETED, "delete " + subnet.name() + ": Tether created it; deleted only if,"
                        + " once the app has left, no other app of its plan, no other plan and no IP configuration uses it (App Service removes its plan's"
                        + " service association link after the app left, with a lag: the step looks again, with durable timers, for up to 5 minutes)"));
            }
        } else if (leave != null) {
            changes.add(new Change("delete-subnet", leave, Outcome.UNCHANGED, r.subnetCreated() ? "the subnet no longer exists"
                    : "kept: Tether did not create " + ResourceId.parse(leave).name()));
        }
        boolean any = settings != null || !unmark.isEmpty() || routeAllOff || leave != null || delete != null;
        String message = any ? "unlink " + site.name() + ": " + changes.stream().filter(c -> c.action() != Outcome.UNCHANGED).map(Change::step)
                .reduce((a, b) -> a + ", " + b).orElse("") : "nothing of Tether's is left on " + site.name();
        return new UnlinkPlan(siteId, any ? Status.READY : Status.NOTHING, message, changes, settings, routeAllOff, leave, delete, site.serverFarmId(),
                dnsNow, r.previous(), unmark);
    }

    /** Adds the slot-settings change and answers the names to remove (empty: none). */
    private static List<String> slotMarks(List<Change> changes, OwnershipRecord r, SlotSettings slots, List<String> linkedSiblings) {
        String step = "slot-settings";
        String target = "config/slotConfigNames";
        List<String> ours = r.slotMarks();
        List<String> theirs = slots == null ? List.of() : slots.present(List.of(Conventions.SETTING_DNS_SERVER, Conventions.SETTING_DNS_ALT_SERVER)).stream().filter(n -> !ours.contains(n)).toList();
        String userKept = theirs.isEmpty() ? "" : "; " + String.join(", ", theirs) + " kept: the user marked " + (theirs.size() == 1 ? "it" : "them")
                + " before the link";
        if (ours.isEmpty()) {
            changes.add(new Change(step, target, Outcome.UNCHANGED, "Tether added no slot-setting mark (the record names none): a mark in the"
                    + " site's slot settings is the user's, kept"));
            return List.of();
        }
        List<String> listed = slots == null ? List.of() : slots.present(ours);
        if (listed.isEmpty()) {
            changes.add(new Change(step, target, Outcome.UNCHANGED, "Tether's marks " + String.join(", ", ours) + " are no longer in the site's slot settings"
                    + userKept));
            return List.of();
        }
        if (!linkedSiblings.isEmpty()) {
            changes.add(new Change(step, target, Outcome.UNCHANGED, "kept " + String.join(", ", listed) + " (Tether's marks): the list is site-wide and "
                    + String.join(", ", linkedSiblings) + " still " + (linkedSiblings.size() == 1 ? "carries" : "carry")
                    + " Tether's DNS setting, which the marks keep out of a swap" + userKept));
            return List.of();
        }
        changes.add(new Change(step, target, Outcome.DELETED, "remove " + String.join(", ", listed) + " from the site's slot settings, after the DNS setting:"
                + " Tether marked " + (listed.size() == 1 ? "it" : "them") + " at the link and the app's "
                + (r.previous().isEmpty() ? "DNS server (none before the link)" : "value before the link (" + DnsPlan.describe(r.previous()) + ")")
                + " was unmarked, so this restores the list as it was; every other name, connection string and storage name kept" + userKept));
        return listed;
    }

    static String describeUsers(List<String> plans, int ipConfigurations) {
        List<String> parts = new ArrayList<>();
        plans.forEach(p -> parts.add("App Service plan " + ResourceId.parse(p).name()));
        if (ipConfigurations > 0) {
            parts.add(ipConfigurations + " IP configuration(s)");
        }
        return String.join(", ", parts);
    }

    /** Whether a subnet, re-read after the app left, may be deleted: no association link, no IP configuration. */
    public static Optional<String> stillUsed(SubnetState subnet) {
        if (subnet.linkedPlans().isEmpty() && subnet.ipConfigurations() == 0) {
            return Optional.empty();
        }
        return Optional.of(describeUsers(subnet.linkedPlans(), subnet.ipConfigurations()));
    }
}
