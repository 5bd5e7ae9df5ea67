package dev.tether.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tether.sandbox.DemoWorld;
import dev.tether.sandbox.ReferenceEvents;
import dev.tether.sandbox.Sandbox;
import dev.tether.sandbox.WorldFile;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The bad-input catalog: every case, what goes in, and the message Tether answers. {@code docs/BAD-INPUT.md} is
 * generated from this table ({@code mvn -q -B test-compile exec:java -Dexec.mainClass=dev.tether.e2e.BadInputCatalog})
 * and BadInputCatalogTest runs every case: the message, zero writes, and the process keeps serving.
 */
public final class BadInputCatalog {
    private static final ObjectMapper M = new ObjectMapper();
    public static final Path DOC = Path.of("docs", "BAD-INPUT.md");

    /** One case: build the world, act on the sandbox, return what Tether said. */
    public record Case(String id, String category, String input, String expected, Consumer<ObjectNode> world, Function<Sandbox, String> act) {
    }

    static String event(Sandbox s, String body) {
        s.deliver(body);
        s.runUntilIdle();
        List<String> lines = s.logLines();
        return lines.get(lines.size() - 1);
    }

    static String link(Sandbox s) {
        s.deliverAll(DemoWorld.events());
        s.runUntilIdle();
        var v = s.durable().instances().get(0);
        return v.status() + ": " + v.failure() + " " + v.output();
    }

    static String http(Sandbox s, String spec, String body) {
        var e = s.http(spec, body, Map.of("Accept", "application/json"));
        return e.status() + " " + e.body();
    }

    static String services(Sandbox s) {
        s.deliverAll(ServicesTest.events(ServicesTest.LB_ID, "Microsoft.Network/loadBalancers/write"));
        s.runUntilIdle();
        return s.durable().instances().get(0).output();
    }

    static ObjectNode write(String uri, String op) {
        return ReferenceEvents.writeSuccess(uri, op, "bad");
    }

    /** A cluster tag event, run to the end: the cluster pass's failure. */
    static String clusterPass(Sandbox s) {
        s.deliverAll(ClusterLinkTest.clusterTagEvent());
        s.runUntilIdle();
        return s.durable().instances().get(0).failure();
    }

    static Consumer<ObjectNode> none() {
        return w -> { };
    }

    static Consumer<ObjectNode> clusterTag(String name, String value) {
        return w -> ((ObjectNode) BadInputTest.resource(w, "Microsoft.ContainerService/managedClusters").get("tags")).put(name, value);
    }

    static Consumer<ObjectNode> siteTag(String name, String value) {
        return w -> ((ObjectNode) BadInputTest.resource(w, "Microsoft.Web/sites").get("tags")).put(name, value);
    }

    static Consumer<ObjectNode> service(ObjectNode svc) {
        return w -> ((ArrayNode) w.path("kubernetes").path(DemoWorld.CLUSTER_ID)).add(svc);
    }

    static Consumer<ObjectNode> clusterAccess(Consumer<ObjectNode> edit) {
        return w -> edit.accept(((ObjectNode) BadInputTest.resource(w, "Microsoft.ContainerService/managedClusters").get("properties"))
                .putObject("apiServerAccessProfile"));
    }

    static Consumer<ObjectNode> corednsKey(String key, String value) {
        return w -> ((ObjectNode) ((ArrayNode) w.path("kubernetes").path(DemoWorld.CLUSTER_ID)).get(0).get("data")).put(key, value);
    }

    /** A tether-dns someone else created: no Tether label, selecting a pod set of its own. */
    static ObjectNode foreignDnsService() {
        ObjectNode svc = ServicesTest.service("kube-system", "tether-dns", "LoadBalancer",
                Map.of("service.beta.kubernetes.io/azure-load-balancer-internal", "true"), null);
        ((ObjectNode) svc.get("spec")).putObject("selector").put("k8s-app", "kube-dns").put("team", "platform");
        return svc;
    }

    public static List<Case> cases() {
        String site = DemoWorld.SITE_ID;
        String foreign = site.replace(DemoWorld.SUB, "11111111-2222-3333-4444-555555555555");
        List<Case> c = new ArrayList<>();
        c.add(new Case("E01", "event", "text that is not JSON", "is not valid JSON", none(), s -> event(s, "this is not json")));
        c.add(new Case("E02", "event", "an empty body", "the event is empty", none(), s -> event(s, "")));
        c.add(new Case("E03", "event", "an array of two events in one invocation", "expected one event per invocation", none(),
                s -> event(s, "[" + write(site, "Microsoft.Web/sites/write") + "," + write(site, "Microsoft.Web/sites/write") + "]")));
        c.add(new Case("E04", "event", "a JSON number", "is not a JSON object", none(), s -> event(s, "42")));
        c.add(new Case("E05", "event", "an object with neither eventType nor specversion", "neither Event Grid schema", none(), s -> event(s, "{\"id\":\"x\"}")));
        c.add(new Case("E06", "event", "a 10 MB event", "at most 1 MB", none(),
                s -> event(s, "{\"eventType\":\"x\",\"pad\":\"" + "a".repeat(10 * 1024 * 1024) + "\"}")));
        c.add(new Case("E07", "event", "JSON nested 10,000 levels deep", "nests deeper than", none(),
                s -> event(s, "[".repeat(10_000) + "]".repeat(10_000))));
        c.add(new Case("E08", "event", "a ResourceWriteSuccess without data.resourceUri", "has no data.resourceUri", none(), s -> {
            ObjectNode e = write(site, "Microsoft.Web/sites/write");
            ((ObjectNode) e.get("data")).remove("resourceUri");
            return event(s, e.toString());
        }));
        c.add(new Case("E09", "event", "a tags write whose resourceUri does not end in /providers/Microsoft.Resources/tags/default",
                "does not end in /providers/Microsoft.Resources/tags/default", none(), s -> event(s, write(site, "Microsoft.Resources/tags/write").toString())));
        c.add(new Case("E10", "event", "a resourceUri with ../ path segments", "has an invalid segment '..'", none(),
                s -> event(s, write(site + "/../../sites/other", "Microsoft.Web/sites/write").toString())));
        c.add(new Case("E11", "event", "a resourceUri with an encoded slash", "has an invalid segment", none(),
                s -> event(s, write(site + "%2Fother", "Microsoft.Web/sites/write").toString())));
        c.add(new Case("E12", "event", "a resourceUri whose subscription is not a GUID", "is not a GUID", none(),
                s -> event(s, write(site.replace(DemoWorld.SUB, "my-sub"), "Microsoft.Web/sites/write").toString())));
        c.add(new Case("E13", "event", "a resource in a subscription outside TETHER_SUBSCRIPTIONS", "outside Tether's scope", none(),
                s -> event(s, write(foreign, "Microsoft.Web/sites/write").toString())));
        c.add(new Case("E14", "event", "a site that no longer exists", "no longer exists", none(),
                s -> event(s, write(site + "gone", "Microsoft.Web/sites/write").toString())));
        c.add(new Case("E15", "event", "a ResourceDeleteSuccess", "is not Microsoft.Resources.ResourceWriteSuccess", none(),
                s -> event(s, ReferenceEvents.retarget(ReferenceEvents.example("sdk-java.resource-delete-success.eventgrid.json"), site,
                        "Microsoft.Web/sites/delete", "d").toString())));
        c.add(new Case("E16", "event", "a ResourceWriteFailure", "is not Microsoft.Resources.ResourceWriteSuccess", none(),
                s -> event(s, ReferenceEvents.retarget(ReferenceEvents.example("sdk-java.resource-write-failure.eventgrid.json"), site,
                        "Microsoft.Web/sites/write", "f").toString())));
        c.add(new Case("E17", "event", "tag private-link with a value that is not a DNS label ('Shop Link!')", "is not a valid link name",
                siteTag("private-link", "Shop Link!"), s -> event(s, write(site, "Microsoft.Web/sites/write").toString())));
        c.add(new Case("E18", "event", "tag private-link in upper case ('Shop')", "lowercase", siteTag("private-link", "Shop"),
                s -> event(s, write(site, "Microsoft.Web/sites/write").toString())));
        c.add(new Case("E19", "event", "an Event Grid event whose eventTime is not a timestamp ('yesterday')", "eventTime 'yesterday' is not an RFC 3339 timestamp",
                none(), s -> event(s, write(site, "Microsoft.Web/sites/write").put("eventTime", "yesterday").toString())));
        c.add(new Case("E20", "event", "a CloudEvent whose time is not a timestamp ('2026-13-45T99:00:00Z')", "time '2026-13-45T99:00:00Z' is not an RFC 3339 timestamp",
                none(), s -> event(s, ReferenceEvents.asCloudEvent(write(site, "Microsoft.Web/sites/write")).put("time", "2026-13-45T99:00:00Z").toString())));
        c.add(new Case("E21", "event", "an envelope field of the wrong kind (metadataVersion an empty array, which hangs the Event Grid SDK's parser)",
                "the event's metadataVersion must be a string, not an array", none(), s -> {
                    ObjectNode e = write(site, "Microsoft.Web/sites/write");
                    e.putArray("metadataVersion");
                    return event(s, e.toString());
                }));
        c.add(new Case("E22", "event", "data.resourceUri of the wrong kind (an array)", "data.resourceUri must be a string, not an array",
                none(), s -> {
                    ObjectNode e = write(site, "Microsoft.Web/sites/write");
                    ((ObjectNode) e.get("data")).putArray("resourceUri");
                    return event(s, e.toString());
                }));
        c.add(new Case("L01", "link", "a Free (F1) App Service plan", "UNSUPPORTED_SKU", w -> ((ObjectNode) BadInputTest.resource(w, "Microsoft.Web/serverfarms").get("sku"))
                .put("name", "F1").put("tier", "Free"), BadInputCatalog::link));
        c.add(new Case("L02", "link", "a Shared (D1) App Service plan", "UNSUPPORTED_SKU", w -> ((ObjectNode) BadInputTest.resource(w, "Microsoft.Web/serverfarms").get("sku"))
                .put("name", "D1").put("tier", "Shared"), BadInputCatalog::link));
        c.add(new Case("L03", "link", "an app in another region than the cluster's VNet", "REGION_MISMATCH",
                w -> BadInputTest.resource(w, "Microsoft.Web/sites").put("location", "West Europe"), BadInputCatalog::link));
        c.add(new Case("L04", "link", "two clusters with the same link name", "DUPLICATE_LINK", w -> {
            ObjectNode second = BadInputTest.resource(w, "Microsoft.ContainerService/managedClusters").deepCopy();
            second.put("id", second.get("id").asText().replace("clustername1", "clustername2")).put("name", "clustername2");
            ((ArrayNode) w.get("resources")).add(second);
        }, BadInputCatalog::link));
        c.add(new Case("L05", "link", "a cluster without a subnet of its own", "NO_CLUSTER_SUBNET", w -> ((ObjectNode) BadInputTest.resource(w,
                "Microsoft.ContainerService/managedClusters").path("properties").path("agentPoolProfiles").get(0)).remove("vnetSubnetID"), BadInputCatalog::link));
        c.add(new Case("L06", "link", "a VNet with no free /27", "NO_FREE_RANGE", w -> ((ObjectNode) BadInputTest.resource(w, "Microsoft.Network/virtualNetworks")
                .path("properties").path("addressSpace")).putArray("addressPrefixes").add("10.0.1.0/24"), BadInputCatalog::link));
        c.add(new Case("L07", "link", "a named subnet smaller than /28 (a /29)", "SUBNET_TOO_SMALL",
                w -> BadInputTest.addSubnet(w, "apps", "10.0.2.0/29", null, null), BadInputCatalog::link));
        c.add(new Case("L08", "link", "a named subnet delegated to another service", "SUBNET_DELEGATED_ELSEWHERE",
                w -> BadInputTest.addSubnet(w, "apps", "10.0.2.0/27", "Microsoft.ContainerInstance/containerGroups", null), BadInputCatalog::link));
        c.add(new Case("L09", "link", "a named /27 subnet used by another plan (multi-plan subnet join needs /26)", "SUBNET_SHARED_TOO_SMALL", w -> BadInputTest.addSubnet(w, "apps", "10.0.2.0/27",
                "Microsoft.Web/serverFarms", "/subscriptions/" + DemoWorld.SUB + "/resourceGroups/o/providers/Microsoft.Web/serverfarms/other"), BadInputCatalog::link));
        c.add(new Case("L10", "link", "an app already integrated with a subnet outside the cluster's VNet", "ALREADY_INTEGRATED",
                w -> ((ObjectNode) BadInputTest.resource(w, "Microsoft.Web/sites").get("properties")).put("virtualNetworkSubnetId",
                        "/subscriptions/" + DemoWorld.SUB + "/resourceGroups/o/providers/Microsoft.Network/virtualNetworks/v/subnets/s"), BadInputCatalog::link));
        c.add(new Case("L11", "link", "private-link-domain cluster.local", "would shadow the cluster's own cluster.local zone",
                clusterTag("private-link-domain", "cluster.local"), BadInputCatalog::link));
        c.add(new Case("L12", "link", "private-link-domain of one label ('internal')", "give at least two DNS labels",
                clusterTag("private-link-domain", "internal"), BadInputCatalog::link));
        c.add(new Case("L13", "link", "private-link-domain that is a whole public domain ('contoso.com')", "is a whole public domain",
                clusterTag("private-link-domain", "contoso.com"), BadInputCatalog::link));
        c.add(new Case("L14", "link", "private-link-domain with an invalid label ('shop_.internal')", "invalid DNS label",
                clusterTag("private-link-domain", "shop_.internal"), BadInputCatalog::link));
        c.add(new Case("L15", "link", "a VNet address space that is not a CIDR ('10.0.0.0/33')", "INVALID_ADDRESS_SPACE",
                w -> ((ObjectNode) BadInputTest.resource(w, "Microsoft.Network/virtualNetworks").path("properties").path("addressSpace"))
                        .putArray("addressPrefixes").add("10.0.0.0/33"), BadInputCatalog::link));
        c.add(new Case("L16", "link", "private-link-subnet naming a subnet with an invalid name ('a/b')", "is not a valid subnet name",
                siteTag("private-link-subnet", "a/b"), BadInputCatalog::link));
        c.add(new Case("L17", "link", "another coredns-custom .override key already using k8s_external", "COREDNS_CONFLICT", w -> ((ObjectNode) ((ArrayNode) w
                .path("kubernetes").path(DemoWorld.CLUSTER_ID)).get(0).get("data")).put("mine.override", "k8s_external example.org\n"), BadInputCatalog::link));
        // Real estates (issue 9): the App Service side.
        c.add(new Case("R01", "link", "an app whose site property dnsConfiguration.dnsServers names another server", "SITE_DNS_PROPERTY",
                w -> BadInputTest.resource(w, "Microsoft.Web/sites").with("properties").putObject("dnsConfiguration").putArray("dnsServers").add("10.50.0.4"),
                BadInputCatalog::link));
        c.add(new Case("R02", "link", "an app with WEBSITE_DNS_SERVER set by someone else (10.50.0.4)", "already resolves through WEBSITE_DNS_SERVER=10.50.0.4",
                w -> ((ObjectNode) w.path("appSettings").path(site)).put("WEBSITE_DNS_SERVER", "10.50.0.4"), BadInputCatalog::link));
        c.add(new Case("R03", "link", "a foreign website_dns_alt_server in lower case", "already resolves through website_dns_alt_server=10.50.0.5",
                w -> ((ObjectNode) w.path("appSettings").path(site)).put("website_dns_alt_server", "10.50.0.5"), BadInputCatalog::link));
        c.add(new Case("R04", "link", "tag private-link-dns-replace with a value other than true/false ('yes')", "INVALID_DNS_REPLACE_TAG",
                w -> {
                    ((ObjectNode) w.path("appSettings").path(site)).put("WEBSITE_DNS_SERVER", "10.50.0.4");
                    siteTag("private-link-dns-replace", "yes").accept(w);
                }, BadInputCatalog::link));
        c.add(new Case("R05", "link", "tag private-link-route-all with a value other than on/off/auto ('always')", "INVALID_ROUTE_ALL_TAG",
                siteTag("private-link-route-all", "always"), BadInputCatalog::link));
        c.add(new Case("R06", "link", "private-link-subnet naming the cluster's node subnet (subnet1)", "NODE_SUBNET",
                siteTag("private-link-subnet", "subnet1"), BadInputCatalog::link));
        c.add(new Case("R07", "link", "a named subnet delegated to Microsoft.Web/serverFarms that holds an IP configuration", "SUBNET_IN_USE", w -> {
            BadInputTest.addSubnet(w, "apps", "10.0.2.0/27", "Microsoft.Web/serverFarms", null);
            JsonNode subnets = BadInputTest.resource(w, "Microsoft.Network/virtualNetworks").path("properties").path("subnets");
            ((ObjectNode) subnets.get(subnets.size() - 1).path("properties")).putArray("ipConfigurations").addObject().put("id", "nic1/ipConfigurations/ipconfig1");
        }, BadInputCatalog::link));
        c.add(new Case("M01", "link", "a named /26 subnet serving a plan of another subscription", "SUBNET_SHARED_ACROSS_SUBSCRIPTIONS", w -> {
            siteTag("private-link-subnet", "shared").accept(w);
            BadInputTest.addSubnet(w, "shared", "10.0.2.0/26", "Microsoft.Web/serverFarms",
                    "/subscriptions/11111111-2222-3333-4444-555555555555/resourceGroups/teamc/providers/Microsoft.Web/serverfarms/other");
        }, BadInputCatalog::link));
        c.add(new Case("M02", "link", "a Linux plan whose other app is already integrated with a subnet of another VNet", "PLAN_INTEGRATED_ELSEWHERE", w -> {
            ((ObjectNode) BadInputTest.resource(w, "Microsoft.Web/serverfarms").get("properties")).put("reserved", true);
            ObjectNode sibling = BadInputTest.resource(w, "Microsoft.Web/sites").deepCopy();
            sibling.put("id", DemoWorld.SITE_ID.replace("sitef6141", "sibling")).put("name", "sibling").putObject("tags");
            ((ObjectNode) sibling.get("properties")).put("virtualNetworkSubnetId",
                    "/subscriptions/" + DemoWorld.SUB + "/resourceGroups/hub/providers/Microsoft.Network/virtualNetworks/hub-vnet/subnets/legacy");
            ((ArrayNode) w.get("resources")).add(sibling);
        }, BadInputCatalog::link));
        c.add(new Case("L18", "link", "a private cluster, and Tether has no VNet (TETHER_NETWORK_VNETS empty)", "API_SERVER_UNREACHABLE",
                clusterAccess(a -> a.put("enablePrivateCluster", true).put("privateDNSZone", "system")), BadInputCatalog::link));
        c.add(new Case("L19", "link", "authorizedIPRanges that do not include Tether's outbound IP", "accepts API server connections only from",
                clusterAccess(a -> a.putArray("authorizedIPRanges").add("198.51.100.0/24")), BadInputCatalog::link));
        c.add(new Case("L20", "link", "a kube-system/tether-dns Service that Tether did not create", "FOREIGN_DNS_SERVICE",
                service(foreignDnsService()), BadInputCatalog::link));
        c.add(new Case("L21", "link", "a coredns-custom .server block for the link's zone", "COREDNS_SERVER_BLOCK_SHADOWS",
                corednsKey("shop.server", "shop.internal:53 {\n    forward . 10.9.9.9\n}\n"), BadInputCatalog::link));
        c.add(new Case("L22", "link", "a forward in a coredns-custom .override key", "COREDNS_FORWARD_IN_OVERRIDE",
                corednsKey("upstream.override", "forward . 10.1.2.3\n"), BadInputCatalog::link));
        c.add(new Case("L23", "link", "a hosts block without fallthrough in a coredns-custom .override key", "COREDNS_ANSWERS_ZONE",
                corednsKey("pins.override", "hosts {\n    10.0.0.9 pinned.example.org\n}\n"), BadInputCatalog::link));
        c.add(new Case("L24", "link", "a coredns-custom key whose braces do not balance", "COREDNS_UNPARSEABLE",
                corednsKey("broken.server", "broken.example:53 {\n    errors\n"), BadInputCatalog::link));
        c.add(new Case("L25", "link", "private-link-domain under an Azure service domain ('vault.azure.net')", "the Azure service domain azure.net",
                clusterTag("private-link-domain", "vault.azure.net"), BadInputCatalog::link));
        c.add(new Case("L26", "link", "private-link-domain that is a registrable domain under a two-label public suffix ('example.co.uk')",
                "is a whole public domain", clusterTag("private-link-domain", "example.co.uk"), BadInputCatalog::link));
        c.add(new Case("L27", "link", "private-link-domain that is a public suffix ('co.uk')", "is a public suffix",
                clusterTag("private-link-domain", "co.uk"), BadInputCatalog::link));
        c.add(new Case("L28", "link", "private-link-domain that is a privatelink zone ('privatelink.shop.internal')", "Azure Private Endpoint zone",
                clusterTag("private-link-domain", "privatelink.shop.internal"), BadInputCatalog::link));
        c.add(new Case("E24", "event", "cluster tag private-link with a leading space (' shop')", "leading or trailing whitespace",
                clusterTag("private-link", " shop"), s -> event(s, ClusterLinkAccess.clusterTagEvent().get(0).toString())));
        c.add(new Case("E23", "event", "app tag private-link with a trailing newline ('shop\\n')", "leading or trailing whitespace",
                siteTag("private-link", "shop\n"), s -> event(s, write(site, "Microsoft.Web/sites/write").toString())));
        c.add(new Case("H01", "http", "rerun of a resource in a foreign subscription", "outside Tether's scope", none(),
                s -> http(s, "POST /api/links/rerun", "{\"resourceId\":\"" + foreign + "\"}")));
        c.add(new Case("H02", "http", "rerun of a resource type Tether does not link (a VNet)", "not linked by Tether", none(),
                s -> http(s, "POST /api/links/rerun", "{\"resourceId\":\"" + DemoWorld.VNET_ID + "\"}")));
        c.add(new Case("H03", "http", "rerun with both resourceId and link", "exactly one of resourceId or link", none(),
                s -> http(s, "POST /api/links/rerun", "{\"resourceId\":\"" + site + "\",\"link\":\"shop\"}")));
        c.add(new Case("H04", "http", "plan for a link name that is not a DNS label", "not a valid link name", none(),
                s -> http(s, "GET /api/links/plan?link=..%2Fetc", null)));
        c.add(new Case("H05", "http", "rerun of a site that does not exist (answered 404, no orchestration instance)", "does not exist: check the resource id",
                none(), s -> http(s, "POST /api/links/rerun", "{\"resourceId\":\"" + site + "gone\"}")));
        c.add(new Case("U01", "http", "unlink of an app that still carries private-link (answered 409: the tag is the link's intent)",
                "still carries private-link=shop: the tag is the link's intent. Fix: remove the tag, then ask for the unlink again", none(),
                s -> http(s, "POST /api/links/unlink", "{\"resourceId\":\"" + site + "\"}")));
        c.add(new Case("U02", "http", "unlink with force that is not a boolean", "force must be true or false, not the string 'yes'", none(),
                s -> http(s, "POST /api/links/unlink", "{\"resourceId\":\"" + site + "\",\"force\":\"yes\"}")));
        c.add(new Case("U03", "http", "unlink of a site that does not exist (answered 404, no orchestration instance)", "does not exist: check the resource id",
                none(), s -> http(s, "POST /api/links/unlink", "{\"resourceId\":\"" + site + "gone\"}")));
        c.add(new Case("U04", "http", "unlink with a body that is not a JSON object", "the body must be a JSON object", none(),
                s -> http(s, "POST /api/links/unlink", "[\"" + site + "\"]")));
        c.add(new Case("U05", "http", "a plan with an action other than link or unlink", "action must be link or unlink, not 'delete'", none(),
                s -> http(s, "GET /api/links/plan?action=delete&resourceId=" + site, null)));
        c.add(new Case("U06", "http", "an unlink dry run for a link whose members still carry the tag (answered 409, as the unlink would be)",
                "still carry private-link=shop: the tag is the link's intent. Fix: remove the tag from each", none(),
                s -> http(s, "GET /api/links/plan?action=unlink&link=shop", null)));
        c.add(new Case("U10", "http", "unlink of a cluster that still carries private-link (answered 409: the tag is the link's intent)",
                "clustername1 still carries private-link=shop: the tag is the link's intent. Fix: remove the tag, then ask for the unlink again", none(),
                s -> http(s, "POST /api/links/unlink", "{\"resourceId\":\"" + DemoWorld.CLUSTER_ID + "\"}")));
        c.add(new Case("U11", "http", "unlink of a cluster that does not exist (answered 404, no orchestration instance)",
                "does not exist: check the resource id (an AKS cluster", none(),
                s -> http(s, "POST /api/links/unlink", "{\"resourceId\":\"" + DemoWorld.CLUSTER_ID + "gone\"}")));
        c.add(new Case("U12", "http", "unlink with both resourceId and link", "give exactly one of resourceId or link", none(),
                s -> http(s, "POST /api/links/unlink", "{\"resourceId\":\"" + site + "\",\"link\":\"shop\"}")));
        c.add(new Case("U13", "http", "unlink with an empty link name", "link is empty: give the private-link tag value of the link to unlink", none(),
                s -> http(s, "POST /api/links/unlink", "{\"link\":\"\"}")));
        c.add(new Case("U14", "http", "unlink with a link name that is not a string", "link must be a string", none(),
                s -> http(s, "POST /api/links/unlink", "{\"link\":[\"shop\"]}")));
        c.add(new Case("U15", "http", "unlink of a link no resource belongs to (answered 404, no orchestration instance)",
                "no app or cluster of link nope was found", none(), s -> http(s, "POST /api/links/unlink", "{\"link\":\"nope\"}")));
        c.add(new Case("U16", "http", "unlink of a link whose members still carry the tag (answered 409: the tag is the link's intent)",
                "still carry private-link=shop: the tag is the link's intent. Fix: remove the tag from each", none(),
                s -> http(s, "POST /api/links/unlink", "{\"link\":\"shop\"}")));
        c.add(new Case("U17", "http", "unlink of an app with restoreServices (it concerns a cluster's Services)",
                "restoreServices applies to a cluster's unlink (it sets the Services Tether made internal back to their prior type), not to an app"
                        + " (sitef6141). Fix: drop restoreServices, or give the cluster's resourceId", none(),
                s -> http(s, "POST /api/links/unlink", "{\"resourceId\":\"" + site + "\",\"restoreServices\":true}")));
        c.add(new Case("U18", "http", "unlink with restoreServices that is not a boolean", "restoreServices must be true or false, not the string 'yes'", none(),
                s -> http(s, "POST /api/links/unlink", "{\"resourceId\":\"" + DemoWorld.CLUSTER_ID + "\",\"restoreServices\":\"yes\"}")));
        c.add(new Case("U19", "http", "an unlink dry run with restoreServices that is not true or false", "restoreServices must be true or false, not 'maybe'",
                none(), s -> http(s, "GET /api/links/plan?action=unlink&restoreServices=maybe&resourceId=" + DemoWorld.CLUSTER_ID, null)));
        c.add(new Case("U20", "http", "an unlink dry run of an app with restoreServices=true", "restoreServices applies to a cluster's unlink", none(),
                s -> http(s, "GET /api/links/plan?action=unlink&restoreServices=true&resourceId=" + site, null)));
        c.add(new Case("S01", "service", "tether.dev/private: \"yes\"", "INVALID_ANNOTATION",
                service(ServicesTest.service("default", "yes", "ClusterIP", Map.of("tether.dev/private", "yes"), null)), BadInputCatalog::services));
        c.add(new Case("S02", "service", "an annotated headless Service", "HEADLESS_SERVICE", service(headless()), BadInputCatalog::services));
        c.add(new Case("S03", "service", "an annotated ExternalName Service", "EXTERNALNAME_SERVICE",
                service(ServicesTest.service("default", "ext", "ExternalName", Map.of("tether.dev/private", "true"), null)), BadInputCatalog::services));
        c.add(new Case("S04", "service", "azure-load-balancer-internal-subnet naming a subnet outside the cluster's VNet", "SUBNET_OUTSIDE_VNET",
                service(ServicesTest.service("default", "far", "ClusterIP", Map.of("tether.dev/private", "true",
                        "service.beta.kubernetes.io/azure-load-balancer-internal-subnet", "elsewhere"), null)), BadInputCatalog::services));
        c.add(new Case("S05", "service", "cluster tag private-link-policy with an unknown value ('strict')", "is not a policy",
                clusterTag("private-link-policy", "strict"), s -> {
                    s.deliverAll(ServicesTest.events(ServicesTest.LB_ID, "Microsoft.Network/loadBalancers/write"));
                    s.runUntilIdle();
                    return s.durable().instances().get(0).failure();
                }));
        c.add(new Case("L29", "link", "cluster tag private-link-guard with an unknown value ('on')", "is not a guard setting: use true",
                clusterTag("private-link-guard", "on"), s -> {
                    s.deliverAll(ClusterLinkTest.clusterTagEvent());
                    s.runUntilIdle();
                    return s.durable().instances().get(0).failure();
                }));
        c.add(new Case("L30", "link", "cluster tag private-link-guard=true on a cluster before Kubernetes 1.30 (no ValidatingAdmissionPolicy API)",
                "GUARD_API_MISSING: cluster clustername1 does not serve admissionregistration.k8s.io/v1 ValidatingAdmissionPolicy and"
                        + " ValidatingAdmissionPolicyBinding (Kubernetes 1.30 or later serves them). Fix: upgrade the cluster to Kubernetes 1.30 or later,"
                        + " or remove the private-link-guard tag",
                clusterTag("private-link-guard", "true").andThen(w -> ((ObjectNode) BadInputTest.resource(w, "Microsoft.ContainerService/managedClusters")
                        .get("properties")).put("kubernetesVersion", "1.29.9").put("currentKubernetesVersion", "1.29.9")),
                BadInputCatalog::clusterPass));
        c.add(new Case("L31", "link", "cluster tag private-link-guard=true where a ValidatingAdmissionPolicy named tether-exposure-guard is not Tether's",
                "GUARD_NAME_TAKEN: a ValidatingAdmissionPolicy named tether-exposure-guard exists and is not labelled app.kubernetes.io/managed-by:"
                        + " tether, so Tether leaves it alone. Fix: delete or rename it, or remove the private-link-guard tag",
                clusterTag("private-link-guard", "true").andThen(w -> {
                    ObjectNode theirs = ((ArrayNode) w.path("kubernetes").path(DemoWorld.CLUSTER_ID)).addObject();
                    theirs.put("apiVersion", dev.tether.plan.ExposureGuardPlan.API_VERSION).put("kind", "ValidatingAdmissionPolicy");
                    theirs.putObject("metadata").put("name", dev.tether.plan.ExposureGuardPlan.NAME);
                    theirs.putObject("spec").putArray("validations").addObject().put("expression", "true");
                }),
                BadInputCatalog::clusterPass));
        // The exposure guard's refusals come from the cluster's API server (the guard is seeded as Tether writes it), answered to
        // whoever writes the Service: a 422 Invalid Status whose message says what to add.
        c.add(new Case("A01", "admission", "guard on, policy annotated: a public LoadBalancer annotated tether.dev/private: \"true\"",
                "Service shop/web is annotated tether.dev/private: \"true\" and would get a public IP. Fix: add the annotation"
                        + " service.beta.kubernetes.io/azure-load-balancer-internal: \"true\"",
                guard(dev.tether.plan.ClusterPolicy.ANNOTATED, null),
                s -> admission(s, () -> ExposureGuardTest.create(s, ExposureGuardTest.service("shop", "web", "LoadBalancer", Map.of("tether.dev/private", "true"))))));
        c.add(new Case("A02", "admission", "guard on: an update that turns an opted-in internal LoadBalancer public again",
                "Service shop/web is annotated tether.dev/private: \"true\" and would get a public IP",
                guard(dev.tether.plan.ClusterPolicy.ANNOTATED, ServicesTest.service("shop", "web", "LoadBalancer",
                        Map.of("tether.dev/private", "true", "service.beta.kubernetes.io/azure-load-balancer-internal", "true"), null)),
                s -> admission(s, () -> ExposureGuardTest.patch(s, "shop", "web",
                        Map.of("metadata", Map.of("annotations", Map.of("service.beta.kubernetes.io/azure-load-balancer-internal", "false")))))));
        c.add(new Case("A03", "admission", "guard on, policy all-loadbalancers: a public LoadBalancer without tether.dev/private: \"false\"",
                "would get a public IP. Fix: add the annotation service.beta.kubernetes.io/azure-load-balancer-internal: \"true\""
                        + " (or tether.dev/private: \"false\" to keep it public)",
                guard(dev.tether.plan.ClusterPolicy.ALL_LOADBALANCERS, null),
                s -> admission(s, () -> ExposureGuardTest.create(s, ExposureGuardTest.service("shop", "web", "LoadBalancer", Map.of())))));
        return c;
    }

    interface KubeWrite {
        void run() throws Exception;
    }

    /** The API server's answer to a write the guard refuses: code, reason and message of the Status. */
    static String admission(Sandbox s, KubeWrite write) {
        try {
            write.run();
            return "allowed";
        } catch (io.kubernetes.client.openapi.ApiException e) {
            try {
                com.fasterxml.jackson.databind.JsonNode status = M.readTree(e.getResponseBody());
                return e.getCode() + " " + status.path("reason").asText() + ": " + status.path("message").asText();
            } catch (java.io.IOException bad) {
                return e.getCode() + " " + e.getResponseBody();
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** The guard as Tether writes it for {@code policy} (its policy and binding), and optionally a Service, in the cluster. */
    static Consumer<ObjectNode> guard(dev.tether.plan.ClusterPolicy policy, ObjectNode service) {
        return w -> {
            ArrayNode objects = (ArrayNode) w.path("kubernetes").path(DemoWorld.CLUSTER_ID);
            for (String kind : List.of("ValidatingAdmissionPolicy", "ValidatingAdmissionPolicyBinding")) {
                ObjectNode o = objects.addObject();
                o.put("apiVersion", dev.tether.plan.ExposureGuardPlan.API_VERSION).put("kind", kind);
                o.putObject("metadata").put("name", dev.tether.plan.ExposureGuardPlan.NAME).putObject("labels").put("app.kubernetes.io/managed-by", "tether");
                o.set("spec", M.valueToTree(kind.equals("ValidatingAdmissionPolicy") ? dev.tether.plan.ExposureGuardPlan.policySpec(policy)
                        : dev.tether.plan.ExposureGuardPlan.bindingSpec(policy)));
            }
            if (service != null) {
                objects.add(service);
            }
        };
    }

    static ObjectNode headless() {
        ObjectNode h = ServicesTest.service("default", "headless", "ClusterIP", Map.of("tether.dev/private", "true"), null);
        ((ObjectNode) h.get("spec")).put("clusterIP", "None");
        return h;
    }

    public static String markdown() {
        StringBuilder sb = new StringBuilder("# Bad input: what Tether answers\n\n"
                + "Generated from `BadInputCatalog` (src/test/java/dev/tether/e2e); `BadInputCatalogTest` runs every case and checks the message,"
                + " that nothing was written to ARM or Kubernetes, and that Tether keeps serving. Event cases end in the `event.handled` log line"
                + " (the event is dropped, not retried); link cases end the orchestration as Failed; HTTP cases answer 400 (404 for a resource that does not exist); Service cases are"
                + " reported per Service in the reconcile output; admission cases are the cluster's API server refusing a Service write under the exposure"
                + " guard (a 422 Invalid Status, to whoever wrote the Service).\n\n| Case | Kind | Input | Message contains |\n|---|---|---|---|\n");
        for (Case c : cases()) {
            sb.append("| ").append(c.id()).append(" | ").append(c.category()).append(" | ").append(c.input().replace("|", "\\|"))
                    .append(" | `").append(c.expected()).append("` |\n");
        }
        return sb.toString();
    }

    public static void main(String[] args) throws Exception {
        Files.createDirectories(DOC.getParent());
        Files.writeString(DOC, markdown());
        System.out.println("wrote " + DOC.toAbsolutePath() + " (" + cases().size() + " cases)");
        Runtime.getRuntime().halt(0);
    }
}
