package dev.tether.plan;

/**
 * The integration subnet a site will use. {@code action} is CREATED when Tether must create it, UPDATED when it must add
 * the Microsoft.Web/serverFarms delegation, UNCHANGED when it is ready. {@code planId} is the site's App Service plan,
 * for which the subnet step re-checks, at write time, who else the subnet serves.
 */
public record SubnetDecision(String vnetId, String subnetId, String name, String addressPrefix, Outcome action, String reason, String planId) {
    public SubnetDecision(String vnetId, String subnetId, String name, String addressPrefix, Outcome action, String reason) {
        this(vnetId, subnetId, name, addressPrefix, action, reason, null);
    }
}
