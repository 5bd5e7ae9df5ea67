package dev.tether.plan;

import java.util.List;
import java.util.Optional;

/**
 * DNS zones of Azure's own services that a {@code private-link-domain} must never be, or be under. CoreDNS's
 * {@code k8s_external} answers every name under its zone, so a zone like {@code vault.azure.net} would make every pod
 * in the cluster resolve real Key Vault names through Tether's DNS and lose them. The Public Suffix List (Guava's
 * {@code InternetDomainName}) catches public suffixes and whole registrable domains; these are subdomains of
 * registrable domains Microsoft owns, which the list cannot know. docs/ZONES.md gives each entry its reason, and a test
 * keeps the two identical. Sources: "Azure Private Endpoint private DNS zone values"
 * (learn.microsoft.com/azure/private-link/private-endpoint-dns) and "Azure services DNS zone configuration".
 */
public final class AzureServiceDomains {
    private AzureServiceDomains() {
    }

    /** A domain and why Tether refuses zones equal to it or under it. */
    public record Entry(String domain, String reason) {
    }

    public static final List<Entry> ENTRIES = List.of(
            new Entry("azure.net", "Key Vault (vault.azure.net, vaultcore.azure.net), Managed HSM, Azure Monitor and other services"),
            new Entry("azure.com", "Cosmos DB (documents.azure.com), cloudapp.azure.com public IP names, Application Insights, Azure Monitor"),
            new Entry("windows.net", "Storage (core.windows.net), SQL Database (database.windows.net), Service Bus and Event Hubs (servicebus.windows.net), Entra ID (login.windows.net)"),
            new Entry("azmk8s.io", "AKS API servers, including private clusters' privatelink.<region>.azmk8s.io"),
            new Entry("azurecr.io", "Container Registry: the nodes pull images from it"),
            new Entry("azurewebsites.net", "App Service, including Tether itself and the apps it links"),
            new Entry("azure-api.net", "API Management"),
            new Entry("azurefd.net", "Front Door"),
            new Entry("azureedge.net", "Azure CDN"),
            new Entry("azconfig.io", "App Configuration"),
            new Entry("azure-devices.net", "IoT Hub"),
            new Entry("azuredatabricks.net", "Azure Databricks"),
            new Entry("azurecontainerapps.io", "Container Apps"),
            new Entry("azurestaticapps.net", "Static Web Apps"),
            new Entry("cloudapp.net", "Cloud Services and classic public IP names"),
            new Entry("trafficmanager.net", "Traffic Manager"),
            new Entry("microsoftonline.com", "Entra ID sign-in (login.microsoftonline.com): workload identity and managed identity tokens"),
            new Entry("microsoft.com", "Microsoft endpoints, including packages.microsoft.com and the MCR image registry's mcr.microsoft.com"),
            new Entry("usgovcloudapi.net", "Azure Government service endpoints"),
            new Entry("chinacloudapi.cn", "Azure operated by 21Vianet service endpoints"),
            new Entry("azure.us", "Azure Government service endpoints"),
            new Entry("azure.cn", "Azure operated by 21Vianet service endpoints"));

    /** A label that marks an Azure Private Endpoint zone (privatelink.blob.core.windows.net and so on) at any depth. */
    public static final String PRIVATELINK_LABEL = "privatelink";

    /** The entry the zone equals or lies under, if any. {@code zone} is lower-case without a trailing dot. */
    public static Optional<Entry> covering(String zone) {
        return ENTRIES.stream().filter(e -> zone.equals(e.domain()) || zone.endsWith("." + e.domain())).findFirst();
    }
}
