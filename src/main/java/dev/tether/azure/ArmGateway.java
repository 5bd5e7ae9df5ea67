package dev.tether.azure;

import com.azure.core.util.Context;
import com.azure.resourcemanager.appservice.fluent.WebAppsClient;
import com.azure.resourcemanager.appservice.fluent.models.SiteInner;
import com.azure.resourcemanager.appservice.fluent.models.SlotConfigNamesResourceInner;
import com.azure.resourcemanager.appservice.fluent.models.StringDictionaryInner;
import com.azure.resourcemanager.containerservice.models.Format;
import com.azure.resourcemanager.network.fluent.models.SubnetInner;
import com.azure.resourcemanager.network.models.Delegation;
import com.azure.resourcemanager.resources.fluent.models.GenericResourceExpandedInner;
import dev.tether.plan.ClusterState;
import dev.tether.plan.Conventions;
import dev.tether.plan.PlanState;
import dev.tether.plan.ResourceId;
import dev.tether.plan.SiteState;
import dev.tether.plan.SlotSettings;
import dev.tether.plan.SubnetState;
import dev.tether.plan.VnetState;
import dev.tether.errors.RejectedException;
import dev.tether.errors.TransientException;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The ARM calls Tether makes, and nothing else (each is listed in {@link ArmOperation}). Reads return Tether's own
 * records ({@link ArmRecords} maps the SDK's models to them); writes are sparse (a PATCH sends only the fields Tether sets).
 */
public final class ArmGateway {
    private final AzureClients clients;
    private final java.time.Duration lroTimeout;

    /** @param lroTimeout how long a long-running operation may stay InProgress before the step fails transiently */
    public ArmGateway(AzureClients clients, java.time.Duration lroTimeout) {
        this.clients = clients;
        this.lroTimeout = lroTimeout;
    }

    private AzureClients.Managers in(ResourceId id) {
        return clients.forSubscription(id.subscriptionId());
    }

    private WebAppsClient webApps(ResourceId id) {
        return in(id).appService().getWebApps();
    }

    // ---- sites and slots ----

    public Optional<SiteState> site(ResourceId id) {
        if (id.isType(Conventions.TYPE_SLOT)) {
            ResourceId site = id.parent();
            return ArmErrors.find(ArmOperation.GET_SLOT, id.toString(),
                    () -> webApps(id).getSlot(id.resourceGroup(), site.name(), id.name())).map(ArmRecords::toSite);
        }
        return ArmErrors.find(ArmOperation.GET_SITE, id.toString(),
                () -> webApps(id).getByResourceGroup(id.resourceGroup(), id.name())).map(ArmRecords::toSite);
    }

    /**
     * Only the tags of a site or slot (empty when it does not exist): the same GET as {@link #site}, without App Service's
     * generated client ({@link SiteTags}). The event intake's read.
     */
    public Optional<Map<String, String>> siteTags(ResourceId id) {
        AzureClients.Managers m = in(id);
        boolean slot = id.isType(Conventions.TYPE_SLOT);
        // The path as the generated client builds it: its own subscription id and the literal provider and types.
        String path = "/subscriptions/" + m.subscriptionId() + "/resourceGroups/" + id.resourceGroup() + "/providers/Microsoft.Web/sites/"
                + (slot ? id.parent().name() + "/slots/" + id.name() : id.name());
        return ArmErrors.find(slot ? ArmOperation.GET_SLOT : ArmOperation.GET_SITE, id.toString(),
                () -> SiteTags.read(m.pipeline(), m.endpoint(), path));
    }

    /**
     * One sparse PATCH: join the subnet and, when the link needs it, turn route-all on through the site property in the same write. Never the
     * swift networkConfig resource, never {@code siteConfig.vnetRouteAllEnabled} (refused by App Service; see {@link SitePatch}).
     */
    public void joinSubnet(ResourceId id, String subnetId, boolean routeAllOn) {
        ArmOperation op = id.isType(Conventions.TYPE_SLOT) ? ArmOperation.PATCH_SLOT : ArmOperation.PATCH_SITE;
        ArmErrors.call(op, id.toString(), () -> {
            SitePatch.send(in(id).appService(), id.toString(), SitePatch.joinBody(subnetId, routeAllOn));
            return null;
        });
    }

    public Map<String, String> appSettings(ResourceId id) {
        StringDictionaryInner settings = id.isType(Conventions.TYPE_SLOT)
                ? ArmErrors.call(ArmOperation.LIST_SLOT_APP_SETTINGS, id.toString(),
                        () -> webApps(id).listApplicationSettingsSlot(id.resourceGroup(), id.parent().name(), id.name()))
                : ArmErrors.call(ArmOperation.LIST_APP_SETTINGS, id.toString(),
                        () -> webApps(id).listApplicationSettings(id.resourceGroup(), id.name()));
        return settings.properties() == null ? new LinkedHashMap<>() : new LinkedHashMap<>(settings.properties());
    }

    /** PUT of the whole dictionary: App Service replaces it, so {@code all} must already hold every setting to keep. */
    public void replaceAppSettings(ResourceId id, Map<String, String> all) {
        StringDictionaryInner body = new StringDictionaryInner().withProperties(all);
        if (id.isType(Conventions.TYPE_SLOT)) {
            ArmErrors.call(ArmOperation.PUT_SLOT_APP_SETTINGS, id.toString(),
                    () -> webApps(id).updateApplicationSettingsSlot(id.resourceGroup(), id.parent().name(), id.name(), body));
        } else {
            // The site variant is declared long-running (200 or 202): wait for it, but never longer than the LRO timeout.
            ArmErrors.call(ArmOperation.PUT_APP_SETTINGS, id.toString(), () -> awaitLro(
                    webApps(id).beginUpdateApplicationSettings(id.resourceGroup(), id.name(), body),
                    "app settings PUT of " + id, "the retry lists the settings first", "the app's activity log"));
        }
    }

    /**
     * The slot settings of the site (for a slot: of its site; slots have no list of their own). One GET; a site that never
     * set any answers with null lists.
     */
    public SlotSettings slotSettings(ResourceId siteOrSlot) {
        ResourceId site = siteOf(siteOrSlot);
        SlotConfigNamesResourceInner names = ArmErrors.call(ArmOperation.GET_SLOT_CONFIG_NAMES, site + "/config/slotConfigNames",
                () -> webApps(site).listSlotConfigurationNames(site.resourceGroup(), site.name()));
        return new SlotSettings(names.appSettingNames(), names.connectionStringNames(), names.azureStorageConfigNames());
    }

    /** PUT of the site's whole slot settings: App Service replaces them, so {@code all} must hold every name to keep. */
    public void replaceSlotSettings(ResourceId siteOrSlot, SlotSettings all) {
        ResourceId site = siteOf(siteOrSlot);
        SlotConfigNamesResourceInner body = new SlotConfigNamesResourceInner().withAppSettingNames(all.appSettingNames())
                .withConnectionStringNames(all.connectionStringNames()).withAzureStorageConfigNames(all.azureStorageConfigNames());
        ArmErrors.call(ArmOperation.PUT_SLOT_CONFIG_NAMES, site + "/config/slotConfigNames",
                () -> webApps(site).updateSlotConfigurationNames(site.resourceGroup(), site.name(), body));
    }

    /**
     * The other members of the site of {@code siteOrSlot}: its production site (for a slot) and every deployment slot
     * but itself, in the order App Service lists them. One list call.
     */
    public List<ResourceId> siblings(ResourceId siteOrSlot) {
        ResourceId site = siteOf(siteOrSlot);
        List<ResourceId> out = new java.util.ArrayList<>();
        if (siteOrSlot.isType(Conventions.TYPE_SLOT)) {
            out.add(site);
        }
        List<String> slots = ArmErrors.call(ArmOperation.LIST_SLOTS, site + "/slots",
                () -> webApps(site).listSlots(site.resourceGroup(), site.name()).stream().map(SiteInner::id).toList());
        slots.stream().map(ResourceId::parse).filter(s -> !ResourceId.same(s.toString(), siteOrSlot.toString())).forEach(out::add);
        return out;
    }

    /** The production site of a slot, or the site itself. */
    public static ResourceId siteOf(ResourceId siteOrSlot) {
        return siteOrSlot.isType(Conventions.TYPE_SLOT) ? siteOrSlot.parent() : siteOrSlot;
    }

    public Optional<PlanState> plan(String planId) {
        ResourceId id = ResourceId.parse(planId);
        return ArmErrors.find(ArmOperation.GET_PLAN, planId,
                () -> in(id).appService().getAppServicePlans().getByResourceGroup(id.resourceGroup(), id.name()))
                .map(p -> new PlanState(p.id(), p.name(), p.location(),
                        p.sku() == null ? null : p.sku().name(), p.sku() == null ? null : p.sku().tier(), Boolean.TRUE.equals(p.reserved())));
    }

    /**
     * The subnets of the plan's regional VNet integrations ({@code isSwift} connections; their {@code vnetResourceId} is
     * the subnet): {@code GET .../serverfarms/{name}/virtualNetworkConnections}, App Service REST spec
     * AppServicePlans_ListVnets, an array of VnetInfoResource.
     */
    public List<String> planIntegrations(String planId) {
        ResourceId id = ResourceId.parse(planId);
        return ArmErrors.call(ArmOperation.LIST_PLAN_VNET_CONNECTIONS, planId,
                () -> in(id).appService().getAppServicePlans().listVnets(id.resourceGroup(), id.name())).stream()
                .filter(c -> Boolean.TRUE.equals(c.isSwift()) && c.vnetResourceId() != null)
                .map(c -> c.vnetResourceId()).distinct().toList();
    }

    // ---- clusters ----

    public Optional<ClusterState> cluster(ResourceId id) {
        return ArmErrors.find(ArmOperation.GET_CLUSTER, id.toString(),
                () -> in(id).containers().serviceClient().getManagedClusters().getByResourceGroup(id.resourceGroup(), id.name()))
                .map(ArmRecords::toCluster);
    }

    /** Every cluster of the subscription, with its tags and node resource group: one paged list call. */
    public List<ClusterState> clusters(String subscriptionId) {
        return ArmErrors.call(ArmOperation.LIST_CLUSTERS, "/subscriptions/" + subscriptionId, () -> {
            List<ClusterState> out = new ArrayList<>();
            clients.forSubscription(subscriptionId).containers().serviceClient().getManagedClusters().list()
                    .forEach(c -> out.add(ArmRecords.toCluster(c)));
            return out;
        });
    }

    /** The tags of a public IP (AKS tags its Service's: k8s-azure-service), or empty when it no longer exists. */
    public Optional<Map<String, String>> publicIpTags(ResourceId id) {
        return ArmErrors.find(ArmOperation.GET_PUBLIC_IP, id.toString(),
                () -> in(id).network().serviceClient().getPublicIpAddresses().getByResourceGroup(id.resourceGroup(), id.name()))
                .map(ip -> ip.tags() == null ? Map.<String, String>of() : ip.tags());
    }

    /** The cluster user kubeconfig (exec format: Entra clusters name kubelogin, which Tether replaces with its own token). */
    public String userKubeconfig(ResourceId id) {
        var result = ArmErrors.call(ArmOperation.LIST_CLUSTER_USER_CREDENTIAL, id.toString(),
                () -> in(id).containers().serviceClient().getManagedClusters()
                        .listClusterUserCredentialsWithResponse(id.resourceGroup(), id.name(), null, Format.EXEC, Context.NONE).getValue());
        if (result == null || result.kubeconfigs() == null || result.kubeconfigs().isEmpty() || result.kubeconfigs().get(0).value() == null) {
            throw new RejectedException("NO_KUBECONFIG", "cluster " + id + " returned no user kubeconfig");
        }
        return new String(result.kubeconfigs().get(0).value(), StandardCharsets.UTF_8);
    }

    // ---- discovery ----

    /** Ids of resources of the given types in the subscription whose tag {@code name} equals {@code value}: one paged list call. */
    public List<String> taggedResources(String subscriptionId, List<String> types, String name, String value) {
        String filter = "tagName eq '" + name + "' and tagValue eq '" + value.replace("'", "''") + "'";
        return ArmErrors.call(ArmOperation.LIST_RESOURCES_BY_TAG, "/subscriptions/" + subscriptionId, () -> {
            List<String> ids = new ArrayList<>();
            for (GenericResourceExpandedInner r : clients.forSubscription(subscriptionId).resources().serviceClient()
                    .getResources().list(filter, null, null, Context.NONE)) {
                if (types.stream().anyMatch(t -> t.equalsIgnoreCase(r.type()))) {
                    ids.add(r.id());
                }
            }
            return ids;
        });
    }

    /** Every tagged site, slot and cluster in the subscriptions, from Resource Graph (paged). */
    public List<dev.tether.plan.InventoryItem> inventory(List<String> subscriptionIds) {
        if (subscriptionIds.isEmpty()) {
            return List.of();
        }
        var resources = clients.forSubscription(subscriptionIds.get(0)).resources();
        return ArmErrors.call(ArmOperation.RESOURCE_GRAPH_QUERY, "Resource Graph",
                () -> ResourceGraphQuery.run(resources.serviceClient().getHttpPipeline(), resources.serviceClient().getEndpoint(), subscriptionIds));
    }

    /** Untagged sites and slots still joined to a subnet named with Tether's prefix: what Tether released. */
    public List<dev.tether.plan.InventoryItem> released(List<String> subscriptionIds, String subnetPrefix) {
        if (subscriptionIds.isEmpty()) {
            return List.of();
        }
        var resources = clients.forSubscription(subscriptionIds.get(0)).resources();
        return ArmErrors.call(ArmOperation.RESOURCE_GRAPH_QUERY, "Resource Graph", () -> ResourceGraphQuery.run(
                resources.serviceClient().getHttpPipeline(), resources.serviceClient().getEndpoint(), subscriptionIds,
                ResourceGraphQuery.releasedQuery(subnetPrefix)));
    }

    /** App settings, and ARM's x-ms-ratelimit-remaining-subscription-reads after the call (-1 when absent). */
    public record SettingsRead(Map<String, String> settings, int remainingReads) {
    }

    public SettingsRead appSettingsMetered(ResourceId id) {
        var response = id.isType(Conventions.TYPE_SLOT)
                ? ArmErrors.call(ArmOperation.LIST_SLOT_APP_SETTINGS, id.toString(),
                        () -> webApps(id).listApplicationSettingsSlotWithResponse(id.resourceGroup(), id.parent().name(), id.name(), Context.NONE))
                : ArmErrors.call(ArmOperation.LIST_APP_SETTINGS, id.toString(),
                        () -> webApps(id).listApplicationSettingsWithResponse(id.resourceGroup(), id.name(), Context.NONE));
        String remaining = response.getHeaders().getValue(com.azure.core.http.HttpHeaderName.fromString("x-ms-ratelimit-remaining-subscription-reads"));
        Map<String, String> settings = response.getValue().properties() == null ? Map.of() : response.getValue().properties();
        int r;
        try {
            r = remaining == null ? -1 : Integer.parseInt(remaining.trim());
        } catch (NumberFormatException e) {
            r = -1;
        }
        return new SettingsRead(settings, r);
    }

    // ---- network ----

    public Optional<VnetState> vnet(String vnetId) {
        ResourceId id = ResourceId.parse(vnetId);
        return ArmErrors.find(ArmOperation.GET_VNET, vnetId,
                () -> in(id).network().serviceClient().getVirtualNetworks().getByResourceGroup(id.resourceGroup(), id.name()))
                .map(ArmRecords::toVnet);
    }

    /** Creates a new subnet delegated to Microsoft.Web/serverFarms (a long-running PUT). */
    public SubnetState createDelegatedSubnet(String subnetId, String addressPrefix) {
        return putSubnet(subnetId, withWebDelegation(new SubnetInner().withAddressPrefix(addressPrefix)));
    }

    /**
     * Adds the Microsoft.Web/serverFarms delegation to an existing subnet. It is read in full and written back with
     * everything it had (NSG, route table, endpoints), since a subnet PUT replaces.
     */
    public SubnetState addWebDelegation(String subnetId) {
        ResourceId id = ResourceId.parse(subnetId);
        SubnetInner current = ArmErrors.call(ArmOperation.GET_SUBNET, subnetId,
                () -> in(id).network().serviceClient().getSubnets().get(id.resourceGroup(), id.parent().name(), id.name()));
        return putSubnet(subnetId, withWebDelegation(current));
    }

    private SubnetState putSubnet(String subnetId, SubnetInner body) {
        ResourceId id = ResourceId.parse(subnetId);
        SubnetInner written = ArmErrors.call(ArmOperation.PUT_SUBNET, subnetId, () -> awaitLro(
                in(id).network().serviceClient().getSubnets().beginCreateOrUpdate(id.resourceGroup(), id.parent().name(), id.name(), body),
                "subnet PUT of " + subnetId, "the retry re-reads the subnet first", "the VNet's activity log for the failed operation").getFinalResult());
        return ArmRecords.toSubnet(written);
    }

    // ---- unlink ----

    /** Turns route-all off through the site property (one sparse PATCH; an unlink does this only where Tether turned it on). */
    public void routeAllOff(ResourceId id) {
        ArmOperation op = id.isType(Conventions.TYPE_SLOT) ? ArmOperation.PATCH_SLOT : ArmOperation.PATCH_SITE;
        ArmErrors.call(op, id.toString(), () -> {
            SitePatch.send(in(id).appService(), id.toString(), SitePatch.routeAllOffBody());
            return null;
        });
    }

    /**
     * Leaves regional VNet integration: {@code DELETE .../networkConfig/virtualNetwork}, the call {@code az webapp
     * vnet-integration remove} and azurerm ({@code DeleteSwiftVirtualNetwork}) make. The subnet itself is untouched.
     */
    public void leaveSubnet(ResourceId id) {
        if (id.isType(Conventions.TYPE_SLOT)) {
            ResourceId site = id.parent();
            ArmErrors.call(ArmOperation.DELETE_SLOT_VNET_INTEGRATION, id.toString(), () -> {
                webApps(id).deleteSwiftVirtualNetworkSlot(id.resourceGroup(), site.name(), id.name());
                return null;
            });
            return;
        }
        ArmErrors.call(ArmOperation.DELETE_VNET_INTEGRATION, id.toString(), () -> {
            webApps(id).deleteSwiftVirtualNetwork(id.resourceGroup(), id.name());
            return null;
        });
    }

    /** Deletes a subnet (a long-running DELETE); ARM refuses it while anything is in it (InUseSubnetCannotBeDeleted). */
    public void deleteSubnet(String subnetId) {
        ResourceId id = ResourceId.parse(subnetId);
        ArmErrors.call(ArmOperation.DELETE_SUBNET, subnetId, () -> awaitLro(
                in(id).network().serviceClient().getSubnets().beginDelete(id.resourceGroup(), id.parent().name(), id.name()),
                "subnet DELETE of " + subnetId, "the retry re-reads the subnet first", "the VNet's activity log for the failed operation"));
    }

    /**
     * Waits for a long-running operation, but never longer than the LRO timeout: still running is transient (the retry
     * re-observes first), any end other than success is a refusal that says where to look. Returns the poller, whose
     * final result the caller fetches only when it needs it (that costs a GET).
     */
    private <P, T> com.azure.core.util.polling.SyncPoller<P, T> awaitLro(com.azure.core.util.polling.SyncPoller<P, T> poller, String what,
                                                                       String onRetry, String whereToLook) {
        var last = poller.waitForCompletion(lroTimeout);
        if (!last.getStatus().isComplete()) {
            throw new TransientException(what + " is still " + last.getStatus() + " after " + lroTimeout + "; it is retried, and " + onRetry, null);
        }
        if (last.getStatus() != com.azure.core.util.polling.LongRunningOperationStatus.SUCCESSFULLY_COMPLETED) {
            throw new RejectedException("LRO_" + last.getStatus(), what + " ended " + last.getStatus()
                    + ". Fix: check " + whereToLook + ", then rerun the link");
        }
        return poller;
    }

    private static SubnetInner withWebDelegation(SubnetInner subnet) {
        List<Delegation> delegations = new ArrayList<>(subnet.delegations() == null ? List.of() : subnet.delegations());
        if (delegations.stream().noneMatch(d -> Conventions.WEB_DELEGATION.equalsIgnoreCase(d.serviceName()))) {
            delegations.add(new Delegation().withName("tether-serverfarms").withServiceName(Conventions.WEB_DELEGATION));
        }
        return subnet.withDelegations(delegations);
    }
}
