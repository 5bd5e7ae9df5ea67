package dev.tether.azure;

import com.azure.core.credential.TokenCredential;
import com.azure.core.http.HttpClient;
import com.azure.identity.AzureCliCredentialBuilder;
import com.azure.identity.ChainedTokenCredentialBuilder;
import com.azure.identity.EnvironmentCredentialBuilder;
import com.azure.identity.ManagedIdentityCredentialBuilder;

import java.util.List;
import java.util.Map;

/**
 * The credential Tether authenticates to ARM (and to Entra ID clusters) with, chosen from the environment, not a
 * DefaultAzureCredential: Microsoft recommends a specific credential in production, DefaultAzureCredential being a
 * development convenience whose chain probes credentials in turn
 * (https://learn.microsoft.com/azure/developer/java/sdk/authentication/credential-chains).
 * <ul>
 *   <li>In Azure, where the platform sets {@code IDENTITY_ENDPOINT} (App Service and Functions, with a managed identity)
 *   or {@code MSI_ENDPOINT} (older hosts): the managed identity alone, the user-assigned one of {@code AZURE_CLIENT_ID}
 *   when that is set, the system-assigned one otherwise.</li>
 *   <li>Elsewhere ({@code func start} on a developer's machine): the service principal of {@code AZURE_TENANT_ID},
 *   {@code AZURE_CLIENT_ID} and {@code AZURE_CLIENT_SECRET} (or certificate) when set, then the Azure CLI's login
 *   ({@code az login}).</li>
 * </ul>
 * DefaultAzureCredential also built the shared token cache, IntelliJ, Azure PowerShell, Azure Developer CLI and
 * workload identity credentials; the shared token cache needed msal4j-persistence-extension and JNA (3.2 MB of the
 * package, docs/PACKAGE.md), which the package no longer ships.
 */
public final class AzureCredentials {
    private AzureCredentials() {
    }

    /** Whether the platform runs a managed identity endpoint for this process. */
    static boolean inAzure(Map<String, String> env) {
        return present(env, "IDENTITY_ENDPOINT") || present(env, "MSI_ENDPOINT");
    }

    /** The credentials {@link #create} chains for this environment, in order (their simple class names). */
    public static List<String> chain(Map<String, String> env) {
        return inAzure(env) ? List.of("ManagedIdentityCredential") : List.of("EnvironmentCredential", "AzureCliCredential");
    }

    /** The credential for this environment; its token requests go through {@code transport} (the Azure CLI's run a process). */
    public static TokenCredential create(Map<String, String> env, HttpClient transport) {
        if (inAzure(env)) {
            ManagedIdentityCredentialBuilder managedIdentity = new ManagedIdentityCredentialBuilder().httpClient(transport);
            if (present(env, "AZURE_CLIENT_ID")) {
                managedIdentity.clientId(env.get("AZURE_CLIENT_ID"));
            }
            return managedIdentity.build();
        }
        return new ChainedTokenCredentialBuilder()
                .addLast(new EnvironmentCredentialBuilder().httpClient(transport).build())
                .addLast(new AzureCliCredentialBuilder().build())
                .build();
    }

    private static boolean present(Map<String, String> env, String name) {
        String value = env.get(name);
        return value != null && !value.isBlank();
    }
}
