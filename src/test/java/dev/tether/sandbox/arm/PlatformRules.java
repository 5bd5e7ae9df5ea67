package dev.tether.sandbox.arm;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Every rule of Azure the emulator enforces, with what ARM answers and where the rule is written down. Each refusal the
 * emulator gives is made here ({@link Rule#error}), so this table is complete by construction; docs/PLATFORM-RULES.md
 * is rendered from it ({@link #markdown()}) and a test fails when the two differ.
 */
public final class PlatformRules {
    private PlatformRules() {
    }

    private static final String ARM_RPC = "https://github.com/cloud-and-ai-microsoft/resource-provider-contract/blob/master/v1.0/common-api-details.md";
    private static final String NOT_FOUND = "https://learn.microsoft.com/azure/azure-resource-manager/troubleshooting/error-not-found";
    private static final String VNET_INTEGRATION = "https://learn.microsoft.com/azure/app-service/overview-vnet-integration#subnet-requirements";
    private static final String VNET_INTEGRATION_DOC = "MicrosoftDocs/azure-docs articles/app-service/overview-vnet-integration.md, Subnet requirements and Limitations (revision of 2026-02-25)";
    private static final String MANAGE_SUBNET = "https://learn.microsoft.com/azure/virtual-network/virtual-network-manage-subnet";

    public enum Rule {
        API_VERSION_REQUIRED(400, "MissingApiVersionParameter", "every request names an api-version", ARM_RPC),
        METHOD_NOT_ALLOWED(405, "MethodNotAllowed", "a method the resource type does not support", ARM_RPC),
        INVALID_REQUEST_CONTENT(400, "InvalidRequestContent", "a body that is not JSON",
                "https://learn.microsoft.com/azure/azure-resource-manager/troubleshooting/common-deployment-errors"),
        RESOURCE_NOT_FOUND(404, "ResourceNotFound", "a top-level resource that does not exist, named by its real type ('Microsoft.Network/virtualNetworks/vnet')", NOT_FOUND),
        NETWORK_CHILD_NOT_FOUND(404, "NotFound", "a subnet that does not exist in an existing VNet: the network provider answers for child resources, 'Resource {id} not found.' with an empty `details`",
                "Azure/azure-cli#19761 (the network provider's NotFound body: details, code, message 'Resource /subscriptions/... not found.')"),
        RESOURCE_GROUP_NOT_FOUND(404, "ResourceGroupNotFound", "a resource group that does not exist", NOT_FOUND),
        RESOURCE_TYPE_NOT_FOUND(404, "InvalidResourceType", "a path no resource provider serves",
                "https://learn.microsoft.com/azure/azure-resource-manager/troubleshooting/error-invalid-resource-type"),
        READS_THROTTLED(429, "SubscriptionRequestsThrottled", "more reads than the subscription's token bucket holds (about 250, refilled at 25/s), with Retry-After",
                "https://learn.microsoft.com/azure/azure-resource-manager/management/request-limits-and-throttling"),
        AUTHORIZATION_FAILED(403, "AuthorizationFailed", "a call whose action (`{namespace}/{type}/read|write|delete|{name}/action`) the role lacks, polls of operations included; body as in Azure/ARO-RP#66",
                "https://learn.microsoft.com/azure/role-based-access-control/troubleshooting"),
        LINKED_AUTHORIZATION_FAILED(403, "LinkedAuthorizationFailed", "a write that references another resource without its `join/action` (a site joining a subnet; a subnet naming an NSG, route table or NAT gateway); body as in microsoft/planetary-computer-hub#25",
                MANAGE_SUBNET + "#permissions"),
        TAG_FILTER_INVALID(400, "InvalidFilterInQueryString", "a resource list `$filter` other than tagName/tagValue/resourceType eq, or tagValue without tagName",
                "https://learn.microsoft.com/rest/api/resources/resources/list"),
        SKIP_TOKEN_INVALID(400, "InvalidSkipToken", "a `$skiptoken` the list never handed out", "https://learn.microsoft.com/rest/api/resources/resources/list"),
        GRAPH_QUERY_INVALID(400, "BadRequest", "a Resource Graph query outside the grammar the emulator parses (exactly Tether's queries: `where location == ...`, `summarize` and any other stage); details `InvalidQuery` and `ParserFailure`. Tag keys match case-sensitively (a KQL property bag)",
                "Azure/azure-sdk-for-js#12780 (the 400 body); https://learn.microsoft.com/azure/governance/resource-graph/concepts/query-language"),
        AKS_LOCAL_ACCOUNTS_DISABLED(400, "BadRequest", "admin credentials of a cluster with `disableLocalAccounts`",
                "https://learn.microsoft.com/azure/aks/manage-local-accounts-managed-azure-ad"),
        WEB_SUBNET_MISSING(400, "BadRequest", "joining an app to a subnet that does not exist", VNET_INTEGRATION),
        WEB_SUBNET_NOT_DELEGATED(400, "BadRequest", "joining an app to a subnet not delegated to Microsoft.Web/serverFarms", VNET_INTEGRATION),
        WEB_SUBNET_OTHER_REGION(400, "BadRequest", "joining an app to a VNet in another region", VNET_INTEGRATION),
        WEB_PLAN_VNET_LIMIT(409, "Conflict", "joining an app to a subnet when its plan already has all its regional integrations elsewhere (one on Linux, two on Windows): 'Adding this VNET would exceed the App Service Plan VNET limit of 1.'",
                "MicrosoftDocs/azure-docs#63177 and #59669 (code and message); " + VNET_INTEGRATION_DOC + " (Linux one integration: revision of 2023-07-21)"),
        WEB_MPSJ_SUBNET_SIZE(400, "BadRequest", "a second App Service plan joining a subnet smaller than /26 (multi-plan subnet join); one service association link per plan, another plan's never overwritten",
                "Azure/GPT-RAG#226 (the message; status and code not shown there); " + VNET_INTEGRATION_DOC + " (\"MPSJ requires a /26 block or larger\")"),
        WEB_MPSJ_SUBSCRIPTION(400, "BadRequest", "a plan joining a subnet that serves a plan of another subscription (the wording is the emulator's: App Service's is not published)",
                VNET_INTEGRATION + " (\"All App Service plans must be in the same subscription\"; " + VNET_INTEGRATION_DOC + "); Azure/AppService blog \"Announcing Multi-plan subnet join\" (2023-11-14)"),
        WEB_SITECONFIG_ROUTE_ALL(400, "BadRequest", "changing `siteConfig.vnetRouteAllEnabled` (write `outboundVnetRouting.applicationTraffic` or `vnetRouteAllEnabled` on the site); App Service's own body (`Code`, `Message`, `Details`, `ErrorEntity`)",
                "hashicorp/terraform-provider-azurerm#24878 and #25819 (bodies kept in src/test/resources/platform)"),
        WEB_APP_SETTINGS_BODY(400, "BadRequest", "an app settings PUT without an object `properties`",
                "https://learn.microsoft.com/rest/api/appservice/web-apps/update-application-settings"),
        WEB_SLOT_CONFIG_NAMES_BODY(400, "BadRequest", "a slot settings (`config/slotConfigNames`) PUT without an object `properties`; the list exists on the site only (a slot's path is 404)",
                "https://learn.microsoft.com/rest/api/appservice/web-apps/update-slot-configuration-names"),
        WEB_SLOT_SWAP_BODY(400, "BadRequest", "a slot swap (`slotsswap`) whose body lacks `targetSlot` or `preserveVnet` (both required in CsmSlotEntity), or swaps a slot with itself; the swap itself keeps slot settings and VNet integration in their slot (learn deployment-best-practices / deploy-staging-slots \"Which settings are swapped?\")",
                "https://learn.microsoft.com/rest/api/appservice/web-apps/swap-slot; https://learn.microsoft.com/azure/app-service/deploy-staging-slots#which-settings-are-swapped"),
        SUBNET_BODY_INVALID(400, "InvalidRequestFormat", "a subnet PUT without properties or address prefix", MANAGE_SUBNET),
        SUBNET_CIDR_MISALIGNED(400, "InvalidCIDRNotation", "a prefix with host bits set (10.0.2.1/27)", MANAGE_SUBNET),
        SUBNET_PREFIX_FORMAT(400, "InvalidAddressPrefixFormat", "a prefix that is not an address/length", MANAGE_SUBNET),
        SUBNET_OUTSIDE_VNET(400, "NetcfgSubnetRangeOutsideVnet", "a subnet outside the VNet's address space", MANAGE_SUBNET),
        SUBNET_OVERLAP(400, "NetcfgSubnetRangesOverlap", "a subnet overlapping another of the VNet", MANAGE_SUBNET),
        SUBNET_DELEGATION_REQUIRED(400, "SubnetMissingRequiredDelegation", "a subnet PUT that drops the Microsoft.Web/serverFarms delegation while an App Service association link needs it",
                "MicrosoftDocs/azure-docs#48902 and #92894 (the message: 'requires any of the following delegation(s) [...] to reference service association link ...')"),
        SUBNET_IN_USE(400, "InUseSubnetCannotBeUpdated", "changing the prefix of a subnet in use (a service association link or IP configurations)",
                MANAGE_SUBNET + "#change-subnet-settings (\"you can change the address range only if the subnet has no resources\")"),
        SUBNET_IN_USE_DELETE(400, "InUseSubnetCannotBeDeleted", "deleting a subnet that still has a service association link (an App Service plan's AppServiceLink) or IP configurations",
                MANAGE_SUBNET + "#delete-a-subnet (\"You can delete a subnet only if there are no resources in the subnet\"); the status and code as in"
                        + " Azure/azure-rest-api-specs#17443 (StatusCode=400, Code=\"InUseSubnetCannotBeDeleted\"), the message as in Azure/deployment-stacks#150"
                        + " (\"Subnet ... is in use by .../serviceAssociationLinks/AppServiceLink and cannot be deleted. In order to delete the subnet, delete all the resources within the subnet. See aka.ms/deletesubnet.\")"),
        SUBNET_LINK_REMOVAL_LAG(400, "InUseSubnetCannotBeDeleted", "deleting a subnet whose App Service plan's last app has left it while App Service has not yet removed the plan's service association link: the link goes asynchronously, after a lag (the emulator's is `ArmEmulator.setServiceLinkRemovalLag`, virtual time; zero by default); until then GET lists it and DELETE answers as SUBNET_IN_USE_DELETE",
                "MicrosoftDocs/azure-docs#116634 (\"Subnet cannot be deleted because Service Association Link still exists\" after the app and plan were deleted); Azure/deployment-stacks#150 (the subnet delete refused while the AppServiceLink lingered, the link later deleted before the VNet); hashicorp/terraform-provider-azurerm#28979"),
        OPERATION_NOT_FOUND(404, "", "polling an operation id that was never handed out; the body carries only the message 'Operation {id} not found.'",
                "Azure/azure-cli#30169 (a network operation poll answered 404 'Operation ... not found.')");

        public final int status;
        public final String code;
        public final String what;
        public final String source;

        Rule(int status, String code, String what, String source) {
            this.status = status;
            this.code = code;
            this.what = what;
            this.source = source;
        }

        ArmError error(String message) {
            return new ArmError(status, code, message);
        }

        /** The network provider's own body: {@code {"error":{"code","message","details":[]}}}. */
        ArmError networkError(String message) {
            ObjectNode body = ArmWorld.M.createObjectNode();
            ObjectNode error = body.putObject("error");
            error.put("code", code).put("message", message).putArray("details");
            return new ArmError(status, code, message, body);
        }

        /**
         * App Service's own error body, as it answers outside ARM's envelope:
         * {@code {"Code","Message","Target","Details":[{"Message"},{"Code"},{"ErrorEntity":{...}}],"Innererror"}}.
         */
        ArmError appServiceError(String extendedCode, String template, String parameter) {
            String message = template.replace("{0}", parameter);
            ObjectNode body = ArmWorld.M.createObjectNode();
            body.put("Code", code).put("Message", message).putNull("Target");
            ArrayNode details = body.putArray("Details");
            details.addObject().put("Message", message);
            details.addObject().put("Code", code);
            ObjectNode entity = details.addObject().putObject("ErrorEntity");
            entity.put("ExtendedCode", extendedCode).put("MessageTemplate", template);
            entity.putArray("Parameters").add(parameter);
            entity.put("Code", code).put("Message", message);
            body.putNull("Innererror");
            return new ArmError(status, code, message, body);
        }
    }

    private static final String CLOUD_PROVIDER_AZURE = "kubernetes-sigs/cloud-provider-azure";
    private static final String ASYNC_API = "https://github.com/Azure/azure-resource-manager-rpc/blob/master/v1.0/async-api-reference.md";

    /**
     * What the local world does on its own, as Azure and AKS do, with where it is written down: not refusals, but
     * behaviour Tether's tests rely on (the second table of docs/PLATFORM-RULES.md): AKS's load balancers and public IPs
     * with ARM's events for them, and how long-running operations answer ({@link Operations}, {@link NetworkProvider}
     * and {@link WebProvider} follow those rows).
     */
    public enum Behaviour {
        AKS_PUBLIC_IP("a LoadBalancer Service given a public address", "AKS's cloud controller creates its public IP in the cluster's node resource group: name"
                + " `kubernetes-a<Service UID without dashes, cut to 32>`, tags `k8s-azure-service: <namespace>/<name>` and `k8s-azure-cluster-name: kubernetes`,"
                + " Standard SKU, static; deleted when the Service stops being public (body: Microsoft's PublicIpAddressGet example, src/test/resources/arm)",
                CLOUD_PROVIDER_AZURE + " getPublicIPName, DefaultLoadBalancerName, pkg/consts/consts.go ServiceTagKey and ClusterNameKey"),
        AKS_LOAD_BALANCERS("a LoadBalancer Service given a frontend, public or internal", "the load balancer `kubernetes` (public frontends) or `kubernetes-internal`"
                + " (internal frontends) in the node resource group is created with its first frontend, updated as frontends come and go, deleted with its last;"
                + " one frontend per Service `a<uid>` (`-<subnet>` for azure-load-balancer-internal-subnet), backend pool `kubernetes`, one rule per port"
                + " `<frontend>-<PROTOCOL>-<port>`; the public IP is written before the load balancer and deleted after it (body: Microsoft's LoadBalancerGet"
                + " example, src/test/resources/arm). Not modelled: health probes, AKS's outbound frontend (which keeps `kubernetes` with outbound type loadBalancer)",
                CLOUD_PROVIDER_AZURE + " InternalLoadBalancerNameSuffix \"-internal\", getDefaultFrontendIPConfigName, getLoadBalancerRuleName, reconcileLoadBalancer"),
        ARM_RESOURCE_EVENTS("each write or delete of those resources", "ARM raises `Microsoft.Resources.ResourceWriteSuccess` (operation `.../write`) or"
                + " `Microsoft.Resources.ResourceDeleteSuccess` (operation `.../delete`) on the subscription's system topic; Event Grid delivers it after its"
                + " latency (2 s by default: Microsoft publishes no figure)",
                "https://learn.microsoft.com/azure/event-grid/event-schema-subscriptions"),
        RESOURCES_TOPIC_EVENTS("each write of those resources, with the resources topic (main.bicep `eventSource=resourceNotifications`)",
                "ARM also raises `Microsoft.ResourceNotifications.Resources.CreatedOrUpdated` on the resources topic, `data.resourceInfo` the resource"
                + " just written (id, name, type, location, tags, properties: Microsoft's example, src/test/resources/eventgrid); deletes raise"
                + " `...Resources.Deleted`, which Tether does not subscribe to",
                "https://learn.microsoft.com/azure/event-grid/event-schema-resources"),
        EVENT_GRID_FILTER("an event Tether's subscription does not ask for", "not delivered: the subscription's `includedEventTypes` (ResourceWriteSuccess only)"
                + " and its advanced filter `StringIn` on `data.operationName` (infra/modules/eventSubscription.bicep; string comparisons are case-insensitive);"
                + " with the resources topic, the subscription topic's filter lets through tag writes only, and the resources topic's"
                + " `CreatedOrUpdated` when `data.resourceInfo.type` is one Tether links",
                "https://learn.microsoft.com/azure/event-grid/event-filtering"),
        OPERATION_IN_PROGRESS("a long-running operation's status poll, until its virtual duration has passed (by default one Retry-After: the first poll)",
                "200 `{\"status\":\"InProgress\",\"name\":\"{id}\"}` with `Retry-After` in whole seconds (the network provider asks for 10; the emulator for 1 by default, since the Azure SDK's synchronous poller sleeps it in real time); the client's wait passes on the world's clock",
                ASYNC_API + " (Azure-AsyncOperation status resource: `status` InProgress until a terminal state; Retry-After in seconds)"),
        OPERATION_ENDED("a status poll once the operation has ended, and every poll after that",
                "200 `{\"status\":\"Succeeded\",\"name\":\"{id}\"}` (or the injected `Failed` with its `error`), no Retry-After",
                ASYNC_API + " (terminal states Succeeded, Failed, Canceled; the status resource stays readable after the end)"),
        NETWORK_SUBNET_PUT("a subnet PUT (Microsoft.Network)",
                "201 for a new subnet, 200 for an existing one, the body in `Updating`, the status URL `.../providers/Microsoft.Network/locations/{l}/operations/{id}` in `Azure-AsyncOperation` only",
                "Azure/azure-rest-api-specs#12828 (a network PUT answered with Azure-AsyncOperation pointing at .../locations/eastus/operations/{id})"),
        NETWORK_SUBNET_DELETE("a subnet DELETE (Microsoft.Network)",
                "202 with the same status URL in `Azure-AsyncOperation` and `Location`; 204 when there is no such subnet",
                ASYNC_API + " (202 Accepted with Azure-AsyncOperation and Location)"),
        WEB_LONG_RUNNING_WRITE("the site app settings PUT when a test makes it long-running, and a slot swap (Microsoft.Web)",
                "202 with the status URL `.../providers/Microsoft.Web/locations/{l}/operationResults/{id}` in `Azure-AsyncOperation` and `Location`",
                ASYNC_API + " (202 Accepted with Azure-AsyncOperation and Location)");

        public final String when;
        public final String what;
        public final String source;

        Behaviour(String when, String what, String source) {
            this.when = when;
            this.what = what;
            this.source = source;
        }
    }

    public static final java.nio.file.Path DOC = java.nio.file.Path.of("docs", "PLATFORM-RULES.md");

    /** docs/PLATFORM-RULES.md: a short preface and the table. */
    public static String document() {
        return "# Platform rules the local world enforces\n\n"
                + "Generated from `src/test/java/dev/tether/sandbox/arm/PlatformRules.java` (regenerate: `mvn -q -B test-compile exec:java"
                + " -Dexec.mainClass=dev.tether.sandbox.arm.PlatformRules`); `PlatformRulesTest` fails when this file is stale.\n\n"
                + "Every refusal the ARM emulator gives is one of these rows, answered with the real status, code and body shape"
                + " (ARM's `{\"error\":{\"code\",\"message\"}}` unless the row says otherwise). Authorization is checked against the"
                + " role in `infra/generated/tether-contract.json` before a request reaches its provider.\n\n" + markdown()
                + "\n## Behaviour the local world models\n\n"
                + "What Azure and AKS do on their own that Tether's tests rely on (`PlatformRules.Behaviour`), long-running operations"
                + " included: the local world does it the same way. Unknown operation ids are refused (`OPERATION_NOT_FOUND` above).\n\n"
                + behaviourMarkdown();
    }

    public static void main(String[] args) throws java.io.IOException {
        java.nio.file.Files.writeString(DOC, document());
        System.out.println("wrote " + DOC.toAbsolutePath());
        Runtime.getRuntime().halt(0);
    }

    /** The second table of docs/PLATFORM-RULES.md: what the world does on its own. */
    public static String behaviourMarkdown() {
        StringBuilder out = new StringBuilder("| Behaviour | When | What happens | Source |\n|---|---|---|---|\n");
        for (Behaviour b : Behaviour.values()) {
            out.append("| ").append(b.name()).append(" | ").append(b.when).append(" | ").append(b.what).append(" | ").append(b.source).append(" |\n");
        }
        return out.toString();
    }

    /** The table of docs/PLATFORM-RULES.md. */
    public static String markdown() {
        StringBuilder out = new StringBuilder("| Rule | Status | Code | Refused | Source |\n|---|---|---|---|---|\n");
        for (Rule r : Rule.values()) {
            out.append("| ").append(r.name()).append(" | ").append(r.status).append(" | ").append(r.code.isEmpty() ? "(none)" : "`" + r.code + "`").append(" | ")
                    .append(r.what).append(" | ").append(r.source).append(" |\n");
        }
        return out.toString();
    }
}
