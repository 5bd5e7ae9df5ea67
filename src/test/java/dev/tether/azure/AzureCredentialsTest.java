package dev.tether.azure;

import com.azure.core.credential.TokenCredential;
import com.azure.core.credential.TokenRequestContext;
import com.azure.identity.CredentialUnavailableException;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Which credentials Tether builds where. Also runs in the staged-package suite, on the package's jars, which hold
 * neither msal4j-persistence-extension nor JNA: building both chains, and the local chain failing for want of a
 * service principal and of an Azure CLI login, must not reach them (a LinkageError would not be a
 * CredentialUnavailableException). The managed identity's token request itself is exercised by every cold-start probe
 * (bench-cold), over App Service's IDENTITY_ENDPOINT protocol.
 */
class AzureCredentialsTest {

    @Test
    void inAzureTheManagedIdentityAlone() {
        assertEquals(List.of("ManagedIdentityCredential"), AzureCredentials.chain(Map.of("IDENTITY_ENDPOINT", "http://127.0.0.1:41741/msi/token",
                "IDENTITY_HEADER", "h")));
        assertEquals(List.of("ManagedIdentityCredential"), AzureCredentials.chain(Map.of("MSI_ENDPOINT", "http://127.0.0.1:41741/msi/token")));
        TokenCredential credential = AzureCredentials.create(Map.of("IDENTITY_ENDPOINT", "http://127.0.0.1:41741/msi/token",
                "AZURE_CLIENT_ID", "00000000-0000-0000-0000-0000000000c1"), AzureTransport.create());
        assertEquals("ManagedIdentityCredential", credential.getClass().getSimpleName());
    }

    @Test
    void elsewhereAServicePrincipalThenTheAzureCliLogin() {
        assertEquals(List.of("EnvironmentCredential", "AzureCliCredential"), AzureCredentials.chain(Map.of()));
        assertEquals(List.of("EnvironmentCredential", "AzureCliCredential"), AzureCredentials.chain(Map.of("IDENTITY_ENDPOINT", " ",
                "AZURE_CLIENT_ID", "00000000-0000-0000-0000-0000000000c1")));
        assertEquals("ChainedTokenCredential", AzureCredentials.create(Map.of(), AzureTransport.create()).getClass().getSimpleName());
    }

    @Test
    void theLocalChainFailsAsUnavailableNotWithALinkageError() {
        // The test process has no AZURE_CLIENT_SECRET and no Azure CLI login: both credentials are unavailable.
        TokenCredential credential = AzureCredentials.create(Map.of(), AzureTransport.create());
        CredentialUnavailableException e = assertThrows(CredentialUnavailableException.class,
                () -> credential.getTokenSync(new TokenRequestContext().addScopes("https://management.azure.com/.default")));
        assertTrue(e.getMessage().startsWith("EnvironmentCredential authentication unavailable."), e.getMessage());
    }
}
