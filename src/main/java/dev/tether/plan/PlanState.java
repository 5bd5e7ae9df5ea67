package dev.tether.plan;

/**
 * What Tether reads of an App Service plan. {@code linux} is the plan's {@code properties.reserved} (true for Linux
 * plans), which decides how many regional VNet integrations it may have ({@link SubnetSharing#maxIntegrations}).
 */
public record PlanState(String id, String name, String location, String skuName, String skuTier, boolean linux) {
    public PlanState(String id, String name, String location, String skuName, String skuTier) {
        this(id, name, location, skuName, skuTier, false);
    }
}
