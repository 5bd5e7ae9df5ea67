package dev.tether.activities;

import dev.tether.azure.ArmGateway;
import dev.tether.config.TetherConfig;
import dev.tether.durable.Json;
import dev.tether.errors.RejectedException;
import dev.tether.errors.TransientException;
import dev.tether.orchestration.Messages;
import dev.tether.orchestration.StepResult;
import dev.tether.plan.Cidr;
import dev.tether.plan.Conventions;
import dev.tether.plan.DnsPlan;
import dev.tether.plan.Finding;
import dev.tether.plan.Outcome;
import dev.tether.plan.OwnershipRecord;
import dev.tether.plan.ResourceId;
import dev.tether.plan.SiteState;
import dev.tether.plan.SubnetAllocator;
import dev.tether.plan.SubnetDecision;
import dev.tether.plan.SubnetSharing;
import dev.tether.plan.SubnetState;
import dev.tether.plan.VnetState;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The App Service side of a link, one small method per step: the delegated subnet, the app's regional VNet
 * integration, and its DNS setting. Each observes, asks plan/ what differs, and writes only that. Input and output are
 * JSON text.
 */
public final class SiteLinkActivities {
    private final ArmGateway arm;
    private final TetherConfig config;

    public SiteLinkActivities(ArmGateway arm, TetherConfig config) {
        this.arm = arm;
        this.config = config;
    }

    public String ensureSubnet(String input) {
        Messages.EnsureSubnet request = Json.read(input, Messages.EnsureSubnet.class);
        return ActivityStep.run("subnet", () -> {
            SubnetDecision d = request.decision();
            // The VNet, not just the subnet: a range planned earlier may have been taken since by another plan's subnet.
            VnetState vnet = arm.vnet(d.vnetId()).orElseThrow(() -> new RejectedException("GONE", "VNet " + d.vnetId() + " no longer exists"));
            Optional<SubnetState> current = vnet.subnetWithId(d.subnetId());
            if (current.isEmpty()) {
                List<String> used = vnet.subnets().stream().flatMap(sn -> sn.addressPrefixes().stream()).toList();
                Cidr prefix = SubnetAllocator.plannedOrNextFree(d.addressPrefix(), vnet.addressPrefixes(), used).orElseThrow(() -> new RejectedException(
                        "NO_FREE_RANGE", "VNet " + vnet.name() + " has no free range for " + d.name() + " any more (" + d.addressPrefix()
                        + " was planned and has been taken since). Fix: add an address range to the VNet, then rerun the link"));
                String moved = prefix.toString().equals(d.addressPrefix()) ? "" : " (" + d.addressPrefix() + " was taken after the plan)";
                arm.createDelegatedSubnet(d.subnetId(), prefix.toString());
                return StepResult.done("subnet", Outcome.CREATED, "created " + d.name() + " " + prefix + " delegated to " + Conventions.WEB_DELEGATION + moved);
            }
            if (!current.get().settled()) {
                if ("Failed".equalsIgnoreCase(current.get().provisioningState())) {
                    return StepResult.refused("subnet", "subnet " + d.name() + " is in provisioning state Failed."
                            + " Fix: check the VNet's activity log, repair or delete the subnet, then rerun the link");
                }
                throw new TransientException("subnet " + d.name() + " is still " + current.get().provisioningState()
                        + " from an earlier PUT; the step is retried", null);
            }
            // Who the subnet serves now, not only its range: another plan may have joined since the plan was made.
            List<String> v4 = SubnetAllocator.ipv4(current.get().addressPrefixes());
            List<Finding> sharing = d.planId() == null || v4.isEmpty() ? List.of()
                    : SubnetSharing.joinFindings(current.get(), Cidr.parse(v4.get(0)), d.planId());
            if (!sharing.isEmpty()) {
                return StepResult.refused("subnet", sharing.get(0).describe());
            }
            if (current.get().delegatedTo(Conventions.WEB_DELEGATION)) {
                return StepResult.done("subnet", Outcome.UNCHANGED, d.name() + " is delegated to " + Conventions.WEB_DELEGATION);
            }
            if (current.get().ipConfigurations() > 0 || !current.get().delegations().isEmpty()) {
                return StepResult.refused("subnet", "subnet " + d.name() + " is in use or delegated to "
                        + current.get().delegations() + " and cannot be delegated to " + Conventions.WEB_DELEGATION);
            }
            arm.addWebDelegation(d.subnetId());
            return StepResult.done("subnet", Outcome.UPDATED, "delegated " + d.name() + " to " + Conventions.WEB_DELEGATION);
        });
    }

    public String joinSubnet(String input) {
        Messages.JoinSubnet request = Json.read(input, Messages.JoinSubnet.class);
        return ActivityStep.run("site", () -> {
            ResourceId id = ResourceId.parse(request.siteId());
            SiteState site = arm.site(id).orElseThrow(() -> new RejectedException("GONE", request.siteId() + " no longer exists"));
            if (site.subnetId() != null && !ResourceId.same(site.subnetId(), request.subnetId())) {
                return StepResult.refused("site", "app " + site.name() + " was integrated with " + site.subnetId()
                        + " meanwhile; Tether will not move it silently. Remove that integration or the " + Conventions.TAG_LINK + " tag");
            }
            if (site.subnetId() != null && (site.routeAll() || !request.routeAllOn())) {
                return StepResult.done("site", Outcome.UNCHANGED, "joined to " + request.subnetId() + " with route-all " + (site.routeAll() ? "on" : "off"));
            }
            arm.joinSubnet(id, request.subnetId(), request.routeAllOn() && !site.routeAll());
            return StepResult.done("site", Outcome.UPDATED, request.routeAllOn() && !site.routeAll()
                    ? "set virtualNetworkSubnetId and outboundVnetRouting.applicationTraffic in one PATCH" : "set virtualNetworkSubnetId (route-all not needed)");
        });
    }

    public String ensureDnsSetting(String input) {
        Messages.DnsSetting request = Json.read(input, Messages.DnsSetting.class);
        return ActivityStep.run("app-settings", () -> {
            ResourceId id = ResourceId.parse(request.siteId());
            Map<String, String> current = arm.appSettings(id);
            // Re-checked at write time: a foreign DNS server set since the plan is never replaced without the opt-in.
            Map<String, String> foreign = DnsPlan.foreign(current, request.dnsIp(), config.altDnsServer());
            if (!foreign.isEmpty() && !request.replaceForeign()) {
                return StepResult.refused("app-settings", "app " + id.name() + " now resolves through " + DnsPlan.describe(foreign)
                        + ", which Tether did not set. Fix: remove it, or tag the app " + Conventions.TAG_DNS_REPLACE + "=true, then rerun the link");
            }
            Optional<Map<String, String>> merged = DnsPlan.merge(current, request.dnsIp(), config.altDnsServer());
            if (merged.isEmpty()) {
                return StepResult.done("app-settings", Outcome.UNCHANGED, Conventions.SETTING_DNS_SERVER + " is " + request.dnsIp());
            }
            if (request.ownership() != null) {
                // The ownership record rides on this PUT (docs/UNLINK.md): atomic with the value it describes, no write of its own.
                Messages.Ownership o = request.ownership();
                OwnershipRecord record = OwnershipRecord.forLink(current, o.link(), request.dnsIp(), o.subnet(), o.subnetCreated(), o.routeAllOn(),
                        o.slotMarks());
                DnsPlan.keysOf(merged.get(), OwnershipRecord.SETTING).forEach(merged.get()::remove);
                merged.get().put(OwnershipRecord.SETTING, record.format());
            }
            arm.replaceAppSettings(id, merged.get());
            Outcome outcome = DnsPlan.keysOf(current, Conventions.SETTING_DNS_SERVER).isEmpty() ? Outcome.CREATED : Outcome.UPDATED;
            int dnsKeys = (int) merged.get().keySet().stream().filter(OwnershipRecord::isTetherKey).count();
            return StepResult.done("app-settings", outcome, Conventions.SETTING_DNS_SERVER + "=" + request.dnsIp() + "; kept "
                    + (merged.get().size() - dnsKeys) + " other settings"
                    + (foreign.isEmpty() ? "" : "; replaced " + DnsPlan.describe(foreign) + " (previous value, for an unlink to restore)"));
        });
    }
}
