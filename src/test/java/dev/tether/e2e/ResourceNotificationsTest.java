package dev.tether.e2e;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tether.sandbox.CallLog;
import dev.tether.sandbox.DemoWorld;
import dev.tether.sandbox.ReferenceEvents;
import dev.tether.sandbox.Sandbox;
import dev.tether.sandbox.WorldFile;
import dev.tether.sandbox.durable.DurableDriver;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The resources topic (main.bicep {@code eventSource=resourceNotifications}): Azure Resource Notifications' CreatedOrUpdated
 * event carries the written resource's tags, so the trigger decides without reading ARM. The event is built from the
 * emulator's body of the resource at the moment of the write ({@link ReferenceEvents#createdOrUpdated}); a stale one is
 * delivered after the world moved on, and every pass observes the world again before it writes.
 */
class ResourceNotificationsTest {

    /** ARM's notification of the resource as the emulator holds it now. */
    static ObjectNode notification(Sandbox s, String id) {
        return ReferenceEvents.createdOrUpdated(s.arm().resource(id).orElseThrow(), "arn-" + s.clock().now().toEpochMilli(), s.clock().now());
    }

    static List<String> calls(Sandbox s, int mark) {
        return s.calls().since(mark).stream().map(c -> c.target() + " " + c.method() + " " + c.path().replaceAll("\\?.*", "")).toList();
    }

    static long armReads(Sandbox s) {
        return s.calls().calls().stream().filter(c -> c.target().equals("arm") && !c.isWrite()).count();
    }

    @Test
    void aTaggedAppLinksAndTheTriggerReadsNothingInEitherSchema() {
        for (boolean cloudEvent : new boolean[]{false, true}) {
            try (Sandbox s = new Sandbox(WorldFile.parse(DemoWorld.build(), "arn"))) {
                ObjectNode event = notification(s, DemoWorld.SITE_ID);
                assertEquals("started", s.deliver((cloudEvent ? ReferenceEvents.asCloudEvent(event) : event).toString()));
                assertEquals(List.of(), calls(s, 0), "the trigger took the tags from the event: no call at all");
                s.runUntilIdle();
                DurableDriver.InstanceView v = s.durable().instances().get(0);
                assertEquals("Completed", v.status(), v.failure());
                assertEquals("LINKED", ServicesTest.output(v).path("status").asText(), v.output());
                assertEquals(8, s.calls().writes().size(), "the same minimum writes as from the subscription topic: " + s.calls().writes());
                assertEquals(16, armReads(s), "a fresh link's 17 ARM reads (LinkEndToEndTest) less the trigger's site read");
            }
        }
    }

    @Test
    void anUntaggedAppsWriteCostsNoCall() {
        ObjectNode world = DemoWorld.build();
        ((ObjectNode) BadInputTest.resource(world, "Microsoft.Web/sites").get("tags")).remove("private-link");
        try (Sandbox s = new Sandbox(WorldFile.parse(world, "arn-untagged"))) {
            assertEquals("ignored", s.deliver(notification(s, DemoWorld.SITE_ID).toString()));
            s.runUntilIdle();
            assertEquals(List.of(), s.durable().instances());
            assertEquals(List.of(), calls(s, 0), "no read, no token, no orchestration");
        }
    }

    /** Delivered after the tag was removed: the pass it starts observes the app untagged and writes nothing. */
    @Test
    void aStaleTaggedSnapshotStartsAPassThatWritesNothing() {
        try (Sandbox s = new Sandbox(WorldFile.parse(DemoWorld.build(), "arn-stale"))) {
            ObjectNode tagged = notification(s, DemoWorld.SITE_ID);
            UnlinkTest.untag(s, DemoWorld.SITE_ID);
            assertEquals("started", s.deliver(tagged.toString()));
            s.runUntilIdle();
            DurableDriver.InstanceView v = s.durable().instances().get(0);
            assertEquals("NOT_TAGGED", ServicesTest.output(v).path("status").asText(), v.output());
            assertEquals(List.of(), s.calls().writes());
        }
    }

    /**
     * TETHER_ON_UNTAG=unlink, and an untagged snapshot arrives late, when the app carries its tag again and no newer event
     * will come: the grace period runs out, the unlink plan observes the tag, and nothing is undone.
     */
    @Test
    void aStaleUntaggedSnapshotUnlinksNothing() {
        try (Sandbox s = UnlinkTest.linkedUnlinkingOnUntag()) {
            s.clock().advance(java.time.Duration.ofMinutes(1));
            ObjectNode event = notification(s, DemoWorld.SITE_ID);
            ((ObjectNode) event.get("data").get("resourceInfo").get("tags")).remove("private-link");
            int mark = s.calls().size();
            assertEquals("started", s.deliver(event.toString()));
            assertEquals(List.of(), calls(s, mark), "the untag is taken from the event");
            s.runUntilIdle();
            DurableDriver.InstanceView v = s.durable().instances().get(0);
            assertEquals("Completed", v.status(), v.failure());
            assertEquals("LINKED", ServicesTest.output(v).path("status").asText(), v.output());
            assertEquals(List.of(), s.calls().since(mark).stream().filter(CallLog.Call::isWrite).toList(), "nothing undone");
        }
    }

    /** Tags that are not an object of strings are not trusted: the trigger reads the app, as for a ResourceWriteSuccess. */
    @Test
    void tagsTheTriggerCannotTrustAreReadFromArm() {
        try (Sandbox s = new Sandbox(WorldFile.parse(DemoWorld.build(), "arn-string-tags"))) {
            ObjectNode event = notification(s, DemoWorld.SITE_ID);
            ((ObjectNode) event.get("data").get("resourceInfo")).put("tags", "private-link=shop");
            assertEquals("started", s.deliver(event.toString()));
            assertEquals(List.of("arm GET " + DemoWorld.SITE_ID), calls(s, 0));
        }
    }

    /**
     * A public IP written in a linked cluster's node resource group: the cluster list is read (the event does not say
     * whose node resource group it is), the IP's k8s-azure-service tag is taken from the event.
     */
    @Test
    void aPublicIpNotificationReadsOnlyTheClusterList() {
        ObjectNode w = ServicesTest.world("all-loadbalancers", ServicesTest.service("shop", "web", "LoadBalancer", Map.of(), "203.0.113.10"));
        try (Sandbox s = new Sandbox(WorldFile.parse(w, "arn-public-ip"))) {
            String ip = ServicesTest.publicIpId(s, "shop", "web");
            int mark = s.calls().size();
            assertEquals("started", s.deliver(notification(s, ip).toString()));
            assertEquals(List.of("arm GET /subscriptions/" + DemoWorld.SUB + "/providers/Microsoft.ContainerService/managedClusters"), calls(s, mark));
            s.runUntilIdle();
            assertEquals(dev.tether.durable.InstanceIds.forServices(dev.tether.plan.ResourceId.parse(DemoWorld.CLUSTER_ID), "shop/web"),
                    s.durable().instances().get(0).instanceId());
        }
    }

    /**
     * One world, from the resources topic: AKS gives an opted-in Service a public frontend, writes its public IP and the
     * load balancer kubernetes, and the resources topic delivers both writes with their bodies. The trigger reads the
     * cluster list for each (whose node resource group is it?) and never the public IP: its k8s-azure-service tag is in
     * the event. The Service is made internal as from the subscription topic (OneWorldTest).
     */
    @Test
    void aServiceAksMadePublicReachesTetherFromTheResourcesTopicWithoutReadingItsIp() throws Exception {
        try (Sandbox s = ExposureGuardTest.linked(Map.of())) {
            s.setResourcesTopic(true);
            assertEquals(201, ExposureGuardTest.create(s, ExposureGuardTest.service("shop", "web", "LoadBalancer", Map.of("tether.dev/private", "true")))
                    .getStatusCode());
            int mark = s.calls().size();
            s.clock().advance(java.time.Duration.ofSeconds(30)); // the controller's delay: the public IP and its load balancer are written
            s.clock().advance(java.time.Duration.ofSeconds(2)); // Event Grid's delivery
            s.runUntilIdle();
            String list = "arm GET /subscriptions/" + DemoWorld.SUB + "/providers/Microsoft.ContainerService/managedClusters";
            List<String> arm = calls(s, mark).stream().filter(c -> c.startsWith("arm ")).toList();
            assertEquals(2, arm.stream().filter(list::equals).count(), "one cluster list per event (the IP's, the load balancer's): " + arm);
            assertEquals(List.of(), arm.stream().filter(c -> c.contains("publicIPAddresses")).toList(), "the IP's tags came in the event");
            DurableDriver.InstanceView reconcile = s.durable().instance(dev.tether.durable.InstanceIds.forServices(
                    dev.tether.plan.ResourceId.parse(DemoWorld.CLUSTER_ID), "shop/web")).orElseThrow(() -> new AssertionError("the event did not reach Tether"));
            assertEquals("Completed", reconcile.status(), reconcile.failure());
            assertEquals(List.of("kubernetes PATCH /api/v1/namespaces/shop/services/web"), s.calls().since(mark).stream().filter(CallLog.Call::isWrite)
                    .map(c -> c.target() + " " + c.method() + " " + c.path()).toList());
            s.clock().advance(java.time.Duration.ofSeconds(31)); // the controller moves the frontend to the internal load balancer
            s.runUntilIdle();
            ServicesTest.assertInternalInNodeSubnet(s.kubernetes().get(DemoWorld.CLUSTER_ID, "Service", "shop", "web").orElseThrow());
        }
    }
}
