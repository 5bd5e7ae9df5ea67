package dev.tether.activities;

import dev.tether.azure.ArmGateway;
import dev.tether.durable.Json;
import dev.tether.errors.RejectedException;
import dev.tether.errors.TransientException;
import dev.tether.orchestration.LinkRequest;
import dev.tether.orchestration.StepResult;
import dev.tether.plan.Conventions;
import dev.tether.plan.DnsPlan;
import dev.tether.plan.InvalidInputException;
import dev.tether.plan.Outcome;
import dev.tether.plan.OwnershipRecord;
import dev.tether.plan.ResourceId;
import dev.tether.plan.SiteState;
import dev.tether.plan.SlotSettings;
import dev.tether.plan.SubnetState;
import dev.tether.plan.UnlinkPlan;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The App Service unlink, one small method per step, each re-observing before it writes so that a crash, a retry or a
 * second unlink writes nothing more. The order (docs/UNLINK.md) never breaks the app: the DNS setting first (the app
 * resolves as before while still joined), route-all, leaving the subnet, then the subnet.
 */
public final class UnlinkActivities {
    private final ArmGateway arm;

    public UnlinkActivities(ArmGateway arm) {
        this.arm = arm;
    }

    /** Inputs of the single steps. */
    public record Restore(String siteId, String dnsAtPlan, Map<String, String> previous, boolean force) {
        public Restore {
            previous = previous == null ? Map.of() : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(previous));
        }
    }

    public record SiteStep(String siteId, String subnetId) {
    }

    /** The slot-setting names to remove from the site of {@code siteId} (the marks Tether added). */
    public record Unmark(String siteId, List<String> names) {
        public Unmark {
            names = names == null ? List.of() : List.copyOf(names);
        }
    }

    public String planSiteUnlink(String input) {
        LinkRequest request = Json.read(input, LinkRequest.class);
        try {
            return Json.write(observe(request.resourceId(), request.forced()));
        } catch (RejectedException | InvalidInputException e) {
            return Json.write(UnlinkPlan.of(request.resourceId(), UnlinkPlan.Status.REFUSED, e.getMessage()));
        }
    }

    /**
     * Observes the app (site, settings, its subnet) and plans the unlink. Reads only; used by the unlink and the dry run.
     * When the record names slot-setting marks of Tether's, also the site's slot settings, and, when one of those marks is
     * still listed, the site's other slots (one list call, then each one's settings): a mark still protects a sibling that
     * carries Tether's DNS setting.
     */
    public UnlinkPlan observe(String resourceId, boolean force) {
        ResourceId id = ResourceId.parse(resourceId);
        Optional<SiteState> site = arm.site(id);
        if (site.isEmpty()) {
            return UnlinkPlan.site(resourceId, null, Map.of(), null, force);
        }
        Map<String, String> settings = arm.appSettings(id);
        SubnetState subnet = null;
        if (site.get().subnetId() != null && OwnershipRecord.in(quiet(settings)).map(OwnershipRecord::subnetCreated).orElse(false)) {
            ResourceId sid = ResourceId.parse(site.get().subnetId());
            subnet = arm.vnet(sid.parent().toString()).flatMap(v -> v.subnetWithId(sid.toString())).orElse(null);
        }
        List<String> marks = OwnershipRecord.in(quiet(settings)).map(OwnershipRecord::slotMarks).orElse(List.of());
        SlotSettings slots = null;
        List<String> linkedSiblings = new ArrayList<>();
        if (!marks.isEmpty()) {
            slots = arm.slotSettings(id);
            if (!slots.present(marks).isEmpty()) {
                for (ResourceId sibling : arm.siblings(id)) {
                    if (OwnershipRecord.in(quiet(arm.appSettings(sibling))).isPresent()) {
                        linkedSiblings.add(sibling.isType(Conventions.TYPE_SLOT) ? "slot " + sibling.name() : "production " + sibling.name());
                    }
                }
            }
        }
        return UnlinkPlan.site(resourceId, site.get(), settings, subnet, slots, linkedSiblings, force);
    }

    /** The settings with an unreadable record left out (the plan reports it). */
    private static Map<String, String> quiet(Map<String, String> settings) {
        try {
            OwnershipRecord.in(settings);
            return settings;
        } catch (InvalidInputException e) {
            return Map.of();
        }
    }

    /** Step 1: the DNS settings back to what they were before the link, the record removed, every other setting kept. */
    public String restoreDnsSetting(String input) {
        Restore r = Json.read(input, Restore.class);
        return ActivityStep.run("app-settings", () -> {
            ResourceId id = ResourceId.parse(r.siteId());
            Map<String, String> current = arm.appSettings(id);
            Map<String, String> restored = new LinkedHashMap<>();
            current.forEach((k, v) -> {
                if (!OwnershipRecord.isTetherKey(k)) {
                    restored.put(k, v);
                }
            });
            restored.putAll(r.previous());
            if (restored.equals(current)) {
                return StepResult.done("app-settings", Outcome.UNCHANGED, "the DNS settings are as before the link");
            }
            // Re-checked at write time: a value changed since the plan is not Tether's to overwrite.
            String now = current.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(Conventions.SETTING_DNS_SERVER))
                    .map(Map.Entry::getValue).findFirst().orElse(null);
            if (!r.force() && now != null && !now.equals(r.dnsAtPlan())) {
                return StepResult.refused("app-settings", "app " + id.name() + " now has " + Conventions.SETTING_DNS_SERVER + "=" + now
                        + ", set since the unlink was planned. Fix: check who changed it, then ask for the unlink again (with force to restore anyway)");
            }
            arm.replaceAppSettings(id, restored);
            return StepResult.done("app-settings", r.previous().isEmpty() ? Outcome.DELETED : Outcome.UPDATED,
                    (r.previous().isEmpty() ? "removed " + Conventions.SETTING_DNS_SERVER : "restored " + DnsPlan.describe(r.previous()))
                            + " and " + OwnershipRecord.SETTING + "; kept " + (restored.size() - r.previous().size()) + " other settings");
        });
    }

    /**
     * Step 1b, after the DNS setting: the slot-setting marks Tether added removed from the site's list, re-read right
     * before the PUT. Only those names go; every other app setting name (in its order), connection string name and
     * storage name is written back as read.
     */
    public String unmarkSlotSettings(String input) {
        Unmark r = Json.read(input, Unmark.class);
        return ActivityStep.run(SlotSettingsStep.STEP, () -> {
            ResourceId site = ArmGateway.siteOf(ResourceId.parse(r.siteId()));
            SlotSettings current = arm.slotSettings(site);
            Optional<SlotSettings> without = current.without(r.names());
            if (without.isEmpty()) {
                return StepResult.done(SlotSettingsStep.STEP, Outcome.UNCHANGED, String.join(", ", r.names()) + " not in the slot settings of " + site.name());
            }
            List<String> removed = current.present(r.names());
            arm.replaceSlotSettings(site, without.get());
            int kept = without.get().appSettingNames() == null ? 0 : without.get().appSettingNames().size();
            return StepResult.done(SlotSettingsStep.STEP, Outcome.DELETED, "removed Tether's " + (removed.size() == 1 ? "mark " : "marks ")
                    + String.join(", ", removed) + " from the slot settings of " + site.name() + "; kept " + kept + " other app setting "
                    + (kept == 1 ? "name" : "names"));
        });
    }

    /** Step 2: route-all off (planned only where Tether turned it on). */
    public String routeAllOff(String input) {
        SiteStep r = Json.read(input, SiteStep.class);
        return ActivityStep.run("route-all", () -> {
            ResourceId id = ResourceId.parse(r.siteId());
            SiteState site = arm.site(id).orElseThrow(() -> new RejectedException("GONE", r.siteId() + " no longer exists"));
            if (!site.routeAll()) {
                return StepResult.done("route-all", Outcome.UNCHANGED, "route-all is off");
            }
            arm.routeAllOff(id);
            return StepResult.done("route-all", Outcome.UPDATED, "turned route-all off (outboundVnetRouting.applicationTraffic=false): Tether had turned it on");
        });
    }

    /** Step 3: leave the subnet Tether joined. */
    public String leaveSubnet(String input) {
        SiteStep r = Json.read(input, SiteStep.class);
        return ActivityStep.run("leave-subnet", () -> {
            ResourceId id = ResourceId.parse(r.siteId());
            SiteState site = arm.site(id).orElseThrow(() -> new RejectedException("GONE", r.siteId() + " no longer exists"));
            if (site.subnetId() == null) {
                return StepResult.done("leave-subnet", Outcome.UNCHANGED, "the app is not integrated with a subnet");
            }
            if (!ResourceId.same(site.subnetId(), r.subnetId())) {
                return StepResult.refused("leave-subnet", "app " + id.name() + " was integrated with " + site.subnetId()
                        + " meanwhile; Tether will not remove an integration it did not make");
            }
            arm.leaveSubnet(id);
            return StepResult.done("leave-subnet", Outcome.DELETED, "left " + ResourceId.parse(r.subnetId()).name() + " (regional VNet integration removed)");
        });
    }

    /**
     * Step 4's input: the subnet Tether created, the app's plan (whose service association link App Service removes after
     * the app left, with a lag), how long the orchestrator has waited for that so far and whether this is its last look.
     */
    public record SubnetRelease(String siteId, String subnetId, String planId, long waitedSeconds, boolean last) {
    }

    /**
     * Step 4's answer. {@code lingering}: the subnet is kept only because the app's own plan still holds its service
     * association link (App Service removes it asynchronously once the plan's last app left); another look later may delete it.
     */
    public record SubnetCheck(StepResult result, boolean lingering) {
    }

    /** Step 4: delete the subnet Tether created, only when nothing uses it any more (re-read after the app left). */
    public String deleteSubnetIfUnused(String input) {
        SubnetRelease r = Json.read(input, SubnetRelease.class);
        boolean[] lingering = {false};
        StepResult done = ActivityStep.result("delete-subnet", () -> {
            ResourceId sid = ResourceId.parse(r.subnetId());
            Optional<SubnetState> subnet = arm.vnet(sid.parent().toString()).flatMap(v -> v.subnetWithId(sid.toString()));
            if (subnet.isEmpty()) {
                return StepResult.done("delete-subnet", Outcome.UNCHANGED, sid.name() + " no longer exists");
            }
            if (!subnet.get().settled()) {
                throw new TransientException("subnet " + sid.name() + " is " + subnet.get().provisioningState() + "; the step is retried", null);
            }
            Optional<String> used = UnlinkPlan.stillUsed(subnet.get());
            if (used.isEmpty()) {
                arm.deleteSubnet(sid.toString());
                return StepResult.done("delete-subnet", Outcome.DELETED, "deleted " + sid.name() + " (Tether created it; nothing uses it)"
                        + (r.waitedSeconds() > 0 ? " after waiting " + r.waitedSeconds() + "s for App Service to remove its plan's service association link" : ""));
            }
            List<String> plans = subnet.get().linkedPlans();
            if (r.planId() != null && subnet.get().ipConfigurations() == 0 && plans.size() == 1 && ResourceId.same(plans.get(0), r.planId())) {
                lingering[0] = true;
                String plan = ResourceId.parse(r.planId()).name();
                if (!r.last()) {
                    return StepResult.done("delete-subnet", Outcome.UNCHANGED, "waiting for App Service to remove the service association link of plan "
                            + plan + " from " + sid.name() + " (it goes after the plan's last app left, with a lag)");
                }
                return StepResult.done("delete-subnet", Outcome.UNCHANGED, "kept " + sid.name() + " after waiting " + r.waitedSeconds() + "s: App Service plan "
                        + plan + " still holds its service association link (App Service had not removed it yet, or another app of the plan is still"
                        + " integrated with the subnet). Tether created the subnet, but its record went with the unlink, so Tether will not delete it"
                        + " later. Fix: once `az network vnet subnet show --ids " + sid + " --query serviceAssociationLinks` is empty, delete it with"
                        + " `az network vnet subnet delete --ids " + sid + "`");
            }
            return StepResult.done("delete-subnet", Outcome.UNCHANGED, "kept " + sid.name() + ": still used by " + used.get());
        });
        return Json.write(new SubnetCheck(done, lingering[0] && done.error() == null));
    }
}
