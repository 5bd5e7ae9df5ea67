package dev.tether.plan;

import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Which App Service plan tiers support Regional VNet Integration (learn "Integrate your app with an Azure virtual network":
 * Basic, Standard, Premium v2/v3/v4 and Elastic Premium; Logic Apps Standard runs on WorkflowStandard plans (WS1-WS3),
 * whose apps integrate the same way). Windows plans allow two regional integrations, Linux plans one; Tether manages
 * exactly one, the app's {@code virtualNetworkSubnetId} (docs/APP-SERVICE-ESTATES.md).
 */
public final class PlanSkus {
    private static final Set<String> SUPPORTED = Set.of("basic", "standard", "premium", "premiumv2", "premiumv3",
            "premiumv4", "premium0v3", "premiummv3", "elasticpremium", "workflowstandard");

    private PlanSkus() {
    }

    /** Empty when the tier supports regional VNet integration, else the reason it doesn't. */
    public static Optional<String> unsupportedReason(PlanState plan) {
        String tier = plan.skuTier() == null ? "" : plan.skuTier().replace(" ", "").toLowerCase(Locale.ROOT);
        if (SUPPORTED.contains(tier)) {
            return Optional.empty();
        }
        return Optional.of(switch (tier) {
            case "free", "shared" -> "plan " + plan.name() + " is on the " + plan.skuTier() + " tier (" + plan.skuName()
                    + "), which cannot use VNet integration";
            case "dynamic" -> "plan " + plan.name() + " is a Consumption (Dynamic) plan, which cannot use regional VNet integration";
            case "isolated", "isolatedv2" -> "plan " + plan.name() + " runs in an App Service Environment, which is already inside a VNet";
            case "flexconsumption" -> "plan " + plan.name() + " is Flex Consumption, whose VNet integration needs a subnet delegated to"
                    + " Microsoft.App/environments; Tether only manages Microsoft.Web/serverFarms integration";
            default -> "plan " + plan.name() + " has tier '" + plan.skuTier() + "', which Tether does not know to support VNet integration";
        });
    }
}
