package dev.tether.plan;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Who may share an integration subnet, and the default name of a plan's own subnet. Pure.
 *
 * <p>Multi-plan subnet join (MPSJ) lets apps of several App Service plans use one subnet, within these documented limits
 * (learn "Integrate your app with an Azure virtual network", MicrosoftDocs/azure-docs
 * articles/app-service/overview-vnet-integration.md, "Subnet requirements" and "Limitations", revision of 2026-02-25;
 * Azure/AppService blog "Announcing Multi-plan subnet join", 2023-11-14):
 * <ul>
 *   <li>prefix: "to use MPSJ a minimum size of /26 subnet is required" ("MPSJ requires a /26 block or larger");
 *       App Service answers a join below it with "Minimum subnet size allowed for joining multiple App Service Plans to
 *       same subnet is /26, the subnet attempting to be joined is /28" (Azure/GPT-RAG#226);</li>
 *   <li>subscription: "All App Service plans must be in the same subscription but the virtual network/subnet can be in a
 *       different subscription";</li>
 *   <li>region: every app must be in the VNet's region (Limitations: "The app and the virtual network must be in the same
 *       region"), which the planner checks for every app ({@code REGION_MISMATCH}); so every plan sharing a subnet is in it;</li>
 *   <li>operating system: no MPSJ rule (Windows containers only need more addresses per app);</li>
 *   <li>number of plans: "There is no limit on the number of App Service plans you can join with a single subnet, but
 *       you will be limited by the number of available IPs" (the blog).</li>
 * </ul>
 * A plan has a limited number of regional integrations: one for Linux ("Linux App Service plans support only one virtual
 * network integration per plan", overview-vnet-integration.md revision of 2023-07-21), two for Windows; App Service
 * answers one more with 409 "Adding this VNET would exceed the App Service Plan VNET limit of 1."
 * (MicrosoftDocs/azure-docs#63177, #59669).
 */
public final class SubnetSharing {
    private SubnetSharing() {
    }

    /** The largest prefix length (smallest subnet) that several plans may share. */
    public static final int MIN_SHARED_PREFIX = 26;

    /** How many regional VNet integrations (subnets) the plan may have. */
    public static int maxIntegrations(PlanState plan) {
        return plan.linux() ? 1 : 2;
    }

    /**
     * Why {@code plan} may not join {@code subnet}, which already serves {@code subnet.linkedPlans()}: empty when it may
     * (no other plan, or within the multi-plan limits).
     */
    public static List<Finding> joinFindings(SubnetState subnet, Cidr cidr, String planId) {
        List<String> others = subnet.linkedPlans().stream().filter(p -> !ResourceId.same(p, planId)).toList();
        List<Finding> out = new ArrayList<>();
        if (others.isEmpty()) {
            return out;
        }
        String sub = ResourceId.parse(planId).subscriptionId();
        List<String> elsewhere = others.stream().filter(p -> !ResourceId.parse(p).subscriptionId().equalsIgnoreCase(sub)).toList();
        if (!elsewhere.isEmpty()) {
            out.add(Finding.error("SUBNET_SHARED_ACROSS_SUBSCRIPTIONS", "subnet " + subnet.name() + " serves plan "
                            + String.join(", ", elsewhere) + " of another subscription; plans sharing a subnet (multi-plan subnet join)"
                            + " must all be in one subscription, and plan " + planId + " is in " + sub,
                    "name another subnet with tag " + Conventions.TAG_SUBNET + ", or remove the tag and let Tether create the plan's own"));
        }
        if (cidr.prefixLength() > MIN_SHARED_PREFIX) {
            out.add(Finding.error("SUBNET_SHARED_TOO_SMALL", "subnet " + subnet.name() + " (" + cidr + ") serves plan "
                            + String.join(", ", others) + "; a second plan may join a subnet (multi-plan subnet join) only when it is /"
                            + MIN_SHARED_PREFIX + " or larger",
                    "name a /" + MIN_SHARED_PREFIX + " or larger subnet with tag " + Conventions.TAG_SUBNET
                            + ", or remove the tag and let Tether create the plan's own"));
        }
        return out;
    }

    /**
     * Whether the plan's VNet connections must be read before this link: only when the app is not integrated yet and the
     * chosen subnet does not already serve its plan (the plan would gain an integration). Otherwise the plan's integration
     * is already this subnet and the read would change nothing.
     */
    public static boolean needsPlanConnections(SiteState site, PlanState plan, VnetState vnet, SubnetDecision decision) {
        if (site.subnetId() != null || plan == null || decision == null) {
            return false;
        }
        return vnet.subnetWithId(decision.subnetId()).map(s -> s.linkedPlans().stream().noneMatch(p -> ResourceId.same(p, plan.id())))
                .orElse(true);
    }

    /**
     * Refuses when the plan's regional integrations ({@code connectedSubnets}, its apps' subnets) are all taken by
     * subnets other than {@code subnetId}: joining would need one more, which App Service refuses after the subnet
     * was created.
     */
    public static Optional<Finding> planIntegrations(PlanState plan, String siteName, List<String> connectedSubnets, String subnetId) {
        List<String> others = connectedSubnets.stream().filter(s -> !ResourceId.same(s, subnetId)).distinct().toList();
        int max = maxIntegrations(plan);
        if (others.size() < max) {
            return Optional.empty();
        }
        return Optional.of(Finding.error("PLAN_INTEGRATED_ELSEWHERE", "plan " + plan.name() + " (" + (plan.linux() ? "Linux" : "Windows")
                        + ", " + max + " regional VNet integration" + (max == 1 ? "" : "s") + ") is already integrated with "
                        + String.join(", ", others) + " through its other apps, so app " + siteName + " cannot join "
                        + ResourceId.parse(subnetId).name() + " without one more",
                "tag the app " + Conventions.TAG_SUBNET + "=<that subnet's name> when it is in the cluster's VNet, move the app to another plan,"
                        + " or remove the other apps' integration"));
    }

    /**
     * Tether's name for a plan's own subnet: {@code <prefix><plan name>-<8 hex>}, the hex being the start of the SHA-256 of
     * the plan's full id in lower case. Plans named alike in two resource groups (or subscriptions) get two names; the
     * same plan always gets the same one. Subnet names are 1-80 characters of letters, digits, '_', '.', '-', starting with
     * a letter or digit and ending with a letter, digit or '_' (learn "Naming rules and restrictions for Azure resources",
     * Microsoft.Network virtualNetworks/subnets); the plan name part is cut to fit.
     */
    public static String defaultName(String prefix, String planId, String planName) {
        String hash = "-" + sha256(planId.toLowerCase(Locale.ROOT)).substring(0, 8);
        String raw = (prefix + planName).replaceAll("[^A-Za-z0-9._-]", "-");
        raw = raw.length() > 80 - hash.length() ? raw.substring(0, 80 - hash.length()) : raw;
        return raw.replaceAll("[.-]+$", "") + hash;
    }

    private static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
