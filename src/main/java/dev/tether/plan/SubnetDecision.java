package dev.tether.plan;

/**
 * The integration subnet a site will use. {@code action} is CREATED when Tether must create it, UPDATED when it must add
 * the Microsoft.Web/serverFarms delegation, UNCHANGED when it is ready.
 */
public record SubnetDecision(String vnetId, String subnetId, String name, String addressPrefix, Outcome action, String reason) {
}
