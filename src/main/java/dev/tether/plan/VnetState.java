package dev.tether.plan;

import java.util.List;
import java.util.Optional;

/** A virtual network: its location, address space and subnets. */
public record VnetState(String id, String name, String location, List<String> addressPrefixes, List<SubnetState> subnets) {
    public VnetState {
        addressPrefixes = addressPrefixes == null ? List.of() : List.copyOf(addressPrefixes);
        subnets = subnets == null ? List.of() : List.copyOf(subnets);
    }

    public Optional<SubnetState> subnetNamed(String subnetName) {
        return subnets.stream().filter(s -> s.name().equalsIgnoreCase(subnetName)).findFirst();
    }

    public Optional<SubnetState> subnetWithId(String subnetId) {
        return subnets.stream().filter(s -> ResourceId.same(s.id(), subnetId)).findFirst();
    }
}
