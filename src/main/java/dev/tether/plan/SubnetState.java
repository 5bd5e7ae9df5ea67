package dev.tether.plan;

import java.util.List;

/**
 * A subnet as Tether sees it. {@code delegations} are service names (e.g. Microsoft.Web/serverFarms);
 * {@code linkedPlans} are the App Service plans its service association links point at;
 * {@code ipConfigurations} counts NICs and load balancer frontends in it.
 */
public record SubnetState(String id, String name, List<String> addressPrefixes, List<String> delegations,
                          List<String> linkedPlans, int ipConfigurations, String provisioningState) {
    public SubnetState {
        addressPrefixes = addressPrefixes == null ? List.of() : List.copyOf(addressPrefixes);
        delegations = delegations == null ? List.of() : List.copyOf(delegations);
        linkedPlans = linkedPlans == null ? List.of() : List.copyOf(linkedPlans);
    }

    /** True unless ARM reports the subnet as still being written (Updating) or failed. */
    public boolean settled() {
        return provisioningState == null || provisioningState.equalsIgnoreCase("Succeeded");
    }

    public boolean delegatedTo(String service) {
        return delegations.stream().anyMatch(service::equalsIgnoreCase);
    }
}
