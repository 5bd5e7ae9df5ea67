package dev.tether.sandbox.dns;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The k8s_external model against the cases of CoreDNS's own test table: coredns/coredns
 * {@code plugin/k8s_external/external_test.go} (TestExternal: zones example.com. and in-addr.arpa., headless on, a
 * static SOA serial 1499347823). The fixture Services are the test's, written as the API objects they stand for: svc1
 * and svc6 with {@code spec.externalIPs}, svc11 with a load balancer ingress IP, svc12 with a load balancer ingress
 * hostname, svc-headless with {@code clusterIP: None} and an EndpointSlice of two endpoints with hostnames. Each case
 * is the query, the response code, and the answer, authority and additional sections, sorted, as zone-file text.
 */
class K8sExternalTest {
    private static final ObjectMapper M = new ObjectMapper();
    static final String SOA = "example.com. 5 IN SOA ns1.dns.example.com. hostmaster.example.com. 1499347823 7200 1800 86400 5";

    static JsonNode json(String s) {
        try {
            return M.readTree(s.replace('\'', '"'));
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static JsonNode svc(String name, String type, String clusterIp, String spec, String status) {
        return json("{'apiVersion':'v1','kind':'Service','metadata':{'name':'" + name + "','namespace':'testns'},'spec':{'type':'" + type
                + "','clusterIP':'" + clusterIp + "','ports':[{'name':'http','protocol':'TCP','port':80}]" + spec + "},'status':" + status + "}");
    }

    static final K8sExternal.Cluster CLUSTER = new K8sExternal.Cluster(List.of(
            svc("svc1", "ClusterIP", "10.0.0.1", ",'externalIPs':['1.2.3.4']", "{}"),
            svc("svc6", "ClusterIP", "10.0.0.3", ",'externalIPs':['1:2::5']", "{}"),
            svc("svc11", "LoadBalancer", "10.0.0.3", "", "{'loadBalancer':{'ingress':[{'ip':'2.3.4.5'}]}}"),
            svc("svc12", "LoadBalancer", "10.0.0.3", "", "{'loadBalancer':{'ingress':[{'hostname':'dummy.hostname'}]}}"),
            svc("svc-headless", "ClusterIP", "None", "", "{}")),
            List.of(json("{'apiVersion':'discovery.k8s.io/v1','kind':'EndpointSlice','metadata':{'name':'svc-headless-x','namespace':'testns',"
                    + "'labels':{'kubernetes.io/service-name':'svc-headless'}},'addressType':'IPv4','endpoints':["
                    + "{'addresses':['1.2.3.4'],'hostname':'endpoint-svc-0','conditions':{'ready':true},'nodeName':'test-node'},"
                    + "{'addresses':['1.2.3.5'],'hostname':'endpoint-svc-1','conditions':{'ready':true},'nodeName':'test-node'}],"
                    + "'ports':[{'name':'http','port':80,'protocol':'TCP'}]}")),
            Set.of("testns"), 1499347823L);
    static final K8sExternal.Config CONFIG = K8sExternal.Config.of("example.com.", "in-addr.arpa.").withHeadless();

    record Case(String qname, String qtype, K8sExternal.Rcode rcode, List<String> answer, List<String> ns, List<String> extra) {
        @Override
        public String toString() {
            return qname + " " + qtype;
        }
    }

    static Case c(String qname, String qtype, K8sExternal.Rcode rcode, List<String> answer, List<String> ns, List<String> extra) {
        return new Case(qname, qtype, rcode, answer, ns, extra);
    }

    static List<String> rr(String... records) {
        return Arrays.stream(records).map(r -> r.trim().replaceAll("\\s+", " ")).sorted().toList();
    }

    static final K8sExternal.Rcode OK = K8sExternal.Rcode.NOERROR;
    static final K8sExternal.Rcode NX = K8sExternal.Rcode.NXDOMAIN;

    /** The 29 cases of external_test.go, in its order. */
    static Stream<Case> cases() {
        return Stream.of(
                c("4.3.2.1.in-addr.arpa.", "PTR", OK, rr("4.3.2.1.in-addr.arpa. 5 IN PTR svc1.testns.example.com."), rr(), rr()),
                c("svc1.testns.example.com.", "PTR", OK, rr(), rr(SOA), rr()),
                c("not-existing.testns.example.com.", "PTR", NX, rr(), rr(SOA), rr()),
                c("svc1.testns.example.com.", "A", OK, rr("svc1.testns.example.com. 5 IN A 1.2.3.4"), rr(), rr()),
                c("svc1.testns.example.com.", "SRV", OK, rr("svc1.testns.example.com. 5 IN SRV 0 100 80 svc1.testns.example.com."), rr(),
                        rr("svc1.testns.example.com. 5 IN A 1.2.3.4")),
                c("*._not-udp-or-tcp.svc1.testns.example.com.", "SRV", NX, rr(), rr(SOA), rr()),
                c("_http._tcp.svc1.testns.example.com.", "SRV", OK, rr("_http._tcp.svc1.testns.example.com. 5 IN SRV 0 100 80 svc1.testns.example.com."),
                        rr(), rr("svc1.testns.example.com. 5 IN A 1.2.3.4")),
                c("svc1.testns.example.com.", "AAAA", OK, rr(), rr(SOA), rr()),
                c("svc0.testns.example.com.", "AAAA", NX, rr(), rr(SOA), rr()),
                c("svc0.testns.example.com.", "A", NX, rr(), rr(SOA), rr()),
                c("svc0.svc-nons.example.com.", "A", NX, rr(), rr(SOA), rr()),
                c("svc6.testns.example.com.", "AAAA", OK, rr("svc6.testns.example.com. 5 IN AAAA 1:2::5"), rr(), rr()),
                c("_http._tcp.svc6.testns.example.com.", "SRV", OK, rr("_http._tcp.svc6.testns.example.com. 5 IN SRV 0 100 80 svc6.testns.example.com."),
                        rr(), rr("svc6.testns.example.com. 5 IN AAAA 1:2::5")),
                c("svc6.testns.example.com.", "SRV", OK, rr("svc6.testns.example.com. 5 IN SRV 0 100 80 svc6.testns.example.com."), rr(),
                        rr("svc6.testns.example.com. 5 IN AAAA 1:2::5")),
                c("testns.example.com.", "A", OK, rr(), rr(SOA), rr()),
                c("testns.example.com.", "SOA", OK, rr(), rr(SOA), rr()),
                c("svc11.testns.example.com.", "A", OK, rr("svc11.testns.example.com. 5 IN A 2.3.4.5"), rr(), rr()),
                c("_http._tcp.svc11.testns.example.com.", "SRV", OK, rr("_http._tcp.svc11.testns.example.com. 5 IN SRV 0 100 80 svc11.testns.example.com."),
                        rr(), rr("svc11.testns.example.com. 5 IN A 2.3.4.5")),
                c("svc11.testns.example.com.", "SRV", OK, rr("svc11.testns.example.com. 5 IN SRV 0 100 80 svc11.testns.example.com."), rr(),
                        rr("svc11.testns.example.com. 5 IN A 2.3.4.5")),
                c("svc12.testns.example.com.", "A", OK, rr("svc12.testns.example.com. 5 IN CNAME dummy.hostname."), rr(), rr()),
                c("_http._tcp.svc12.testns.example.com.", "SRV", OK, rr("_http._tcp.svc12.testns.example.com. 5 IN SRV 0 100 80 dummy.hostname."), rr(), rr()),
                c("svc12.testns.example.com.", "SRV", OK, rr("svc12.testns.example.com. 5 IN SRV 0 100 80 dummy.hostname."), rr(), rr()),
                c("svc-headless.testns.example.com.", "A", OK, rr("svc-headless.testns.example.com. 5 IN A 1.2.3.4",
                        "svc-headless.testns.example.com. 5 IN A 1.2.3.5"), rr(), rr()),
                c("svc-headless.testns.example.com.", "SRV", OK, rr(
                        "svc-headless.testns.example.com. 5 IN SRV 0 50 80 endpoint-svc-0.svc-headless.testns.example.com.",
                        "svc-headless.testns.example.com. 5 IN SRV 0 50 80 endpoint-svc-1.svc-headless.testns.example.com."), rr(), rr(
                        "endpoint-svc-0.svc-headless.testns.example.com. 5 IN A 1.2.3.4",
                        "endpoint-svc-1.svc-headless.testns.example.com. 5 IN A 1.2.3.5")),
                c("_http._tcp.svc-headless.testns.example.com.", "SRV", OK, rr(
                        "_http._tcp.svc-headless.testns.example.com. 5 IN SRV 0 50 80 endpoint-svc-0.svc-headless.testns.example.com.",
                        "_http._tcp.svc-headless.testns.example.com. 5 IN SRV 0 50 80 endpoint-svc-1.svc-headless.testns.example.com."), rr(), rr(
                        "endpoint-svc-0.svc-headless.testns.example.com. 5 IN A 1.2.3.4",
                        "endpoint-svc-1.svc-headless.testns.example.com. 5 IN A 1.2.3.5")),
                c("endpoint-svc-0.svc-headless.testns.example.com.", "SRV", OK, rr(
                        "endpoint-svc-0.svc-headless.testns.example.com. 5 IN SRV 0 100 80 endpoint-svc-0.svc-headless.testns.example.com."), rr(),
                        rr("endpoint-svc-0.svc-headless.testns.example.com. 5 IN A 1.2.3.4")),
                c("endpoint-svc-1.svc-headless.testns.example.com.", "SRV", OK, rr(
                        "endpoint-svc-1.svc-headless.testns.example.com. 5 IN SRV 0 100 80 endpoint-svc-1.svc-headless.testns.example.com."), rr(),
                        rr("endpoint-svc-1.svc-headless.testns.example.com. 5 IN A 1.2.3.5")),
                c("endpoint-svc-0.svc-headless.testns.example.com.", "A", OK, rr("endpoint-svc-0.svc-headless.testns.example.com. 5 IN A 1.2.3.4"), rr(), rr()),
                c("endpoint-svc-1.svc-headless.testns.example.com.", "A", OK, rr("endpoint-svc-1.svc-headless.testns.example.com. 5 IN A 1.2.3.5"), rr(), rr()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void answersAsCorednsOwnTestTableSays(Case c) {
        K8sExternal.Answer a = K8sExternal.query(CONFIG, CLUSTER, c.qname(), c.qtype());
        assertEquals(c.rcode(), a.rcode(), "rcode");
        assertEquals(c.answer(), a.answer(), "answer");
        assertEquals(c.ns(), a.authority(), "authority");
        assertEquals(c.extra(), a.extra(), "additional");
    }

    @Test
    void theTableHasEveryCaseOfTheUpstreamTest() {
        assertEquals(29, cases().count());
    }

    @Test
    void readmeBehavioursBeyondTheTable() {
        // Other types are NODATA; the apex answers SOA and NS; headless Services need the option; names outside the zone pass on.
        assertEquals(List.of(SOA), K8sExternal.query(CONFIG, CLUSTER, "svc1.testns.example.com.", "MX").authority());
        assertEquals(rr(SOA), K8sExternal.query(CONFIG, CLUSTER, "example.com.", "SOA").answer());
        assertEquals(rr("example.com. 5 IN NS ns1.dns.example.com."), K8sExternal.query(CONFIG, CLUSTER, "example.com.", "NS").answer());
        K8sExternal.Config plain = K8sExternal.Config.of("example.com.");
        assertEquals(NX, K8sExternal.query(plain, CLUSTER, "svc-headless.testns.example.com.", "A").rcode());
        assertEquals(K8sExternal.Rcode.NOT_IN_ZONE, K8sExternal.query(plain, CLUSTER, "svc1.testns.example.org.", "A").rcode());
        assertEquals(Optional.of("1.2.3.4"), K8sExternal.query(plain, CLUSTER, "SVC1.TestNS.Example.COM", "A").address(), "names are case-insensitive");
    }

    @Test
    void configurationComesFromOverrideKeysOnly() {
        assertEquals(Optional.of(new K8sExternal.Config(List.of("shop.internal."), false, 5, "dns")),
                K8sExternal.parse(Map.of("tether.override", "k8s_external shop.internal\n")));
        assertEquals(Optional.of(new K8sExternal.Config(List.of("a.example."), true, 30, "ns")),
                K8sExternal.parse(Map.of("x.override", "k8s_external a.example {\n  headless\n  ttl 30\n  apex ns\n}\n")));
        assertEquals(Optional.empty(), K8sExternal.parse(Map.of("x.server", "a.example:53 {\n  k8s_external a.example\n}\n")),
                "a .server key is a server block of its own, not the default one");
    }
}
