package dev.tether.plan;

/** What Tether reads of an App Service plan. */
public record PlanState(String id, String name, String location, String skuName, String skuTier) {
}
