package dev.tether.e2e;

import dev.tether.sandbox.DemoWorld;

import java.util.List;

import static dev.tether.e2e.BadInputCatalog.*;

/** Cases of {@link BadInputCatalog}, in its order: the operators' HTTP API: rerun, plan, status and unlink requests. */
final class BadInputHttpCases {
    private BadInputHttpCases() {
    }

    static void add(List<Case> c, String site, String foreign) {
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
    }
}
