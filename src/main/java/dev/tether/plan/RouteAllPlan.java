package dev.tether.plan;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Whether a linked app needs route-all (site property {@code outboundVnetRouting.applicationTraffic}). Pure.
 * <p>
 * Without route-all, an integrated app sends only RFC 1918 destinations (10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16)
 * through the integration; everything else keeps App Service's own outbound path (learn "Integrate your app with an Azure
 * virtual network", section "Routes / Application routing"; the plan's default routes are "the local address ranges
 * specified by RFC1918", App Service REST spec VnetRoute.routeType DEFAULT). With route-all, <em>all</em> egress follows the
 * subnet's NSGs, route tables and outbound path. Since network API 2025-07-01 subnets of new VNets are private by
 * default ({@code defaultOutboundAccess=false}: no implicit outbound IP; learn "Default outbound access in Azure", and the
 * Azure Networking blog "Private subnets by default in Azure virtual networks"), so route-all in such a subnet without a
 * NAT gateway or firewall cuts the app's internet egress.
 * <p>
 * So Tether turns route-all on only when the link needs it: when the range tether-dns (and, by default, every internal
 * load balancer of the cluster) takes its IP from, the cluster's node subnet, is outside RFC 1918 (for example
 * 100.64.0.0/10 or public space). Tag {@link Conventions#TAG_ROUTE_ALL} {@code on} forces it on, {@code off} keeps Tether
 * from turning it on. Tether never turns route-all off: one that is on was set by the user (or an earlier Tether) and the
 * app's egress may depend on it.
 */
public final class RouteAllPlan {
    private static final List<Cidr> RFC1918 = List.of(Cidr.parse("10.0.0.0/8"), Cidr.parse("172.16.0.0/12"), Cidr.parse("192.168.0.0/16"));

    private RouteAllPlan() {
    }

    /** {@code turnOn}: Tether writes route-all on; {@code reason}: why it is or is not needed, for the plan. */
    public record Decision(boolean turnOn, boolean needed, String reason) {
    }

    public enum Mode { AUTO, ON, OFF }

    public static Mode mode(String tag) {
        if (tag == null || tag.isBlank()) {
            return Mode.AUTO;
        }
        return switch (tag.trim().toLowerCase(Locale.ROOT)) {
            case "auto" -> Mode.AUTO;
            case "on" -> Mode.ON;
            case "off" -> Mode.OFF;
            default -> throw new InvalidInputException("tag " + Conventions.TAG_ROUTE_ALL + "='" + ResourceId.abbreviate(tag)
                    + "' is not on, off or auto");
        };
    }

    public static boolean isRfc1918(Cidr range) {
        return RFC1918.stream().anyMatch(r -> r.contains(range));
    }

    /** The first of {@code ranges} (CIDRs or single addresses) outside RFC 1918, if any. */
    public static Optional<String> outsideRfc1918(List<String> ranges) {
        return ranges.stream().filter(r -> !isRfc1918(Cidr.parse(r.contains("/") ? r : r + "/32"))).findFirst();
    }

    /**
     * @param current   whether route-all is on now
     * @param mode      the app's {@link Conventions#TAG_ROUTE_ALL}
     * @param ranges    the ranges the link's traffic goes to (the node subnet's prefixes at plan time, the DNS IP in drift)
     * @param what      how to name those ranges in the reason
     */
    public static Decision decide(boolean current, Mode mode, List<String> ranges, String what) {
        Optional<String> outside = outsideRfc1918(ranges);
        boolean needed = mode == Mode.ON || (mode == Mode.AUTO && outside.isPresent());
        String why;
        if (mode == Mode.ON) {
            why = "tag " + Conventions.TAG_ROUTE_ALL + "=on";
        } else if (outside.isPresent()) {
            why = what + " " + outside.get() + " is outside RFC 1918, and without route-all only RFC 1918 destinations go through the integration"
                    + (mode == Mode.OFF ? "; tag " + Conventions.TAG_ROUTE_ALL + "=off keeps Tether from turning it on, so the app cannot reach it" : "");
        } else {
            why = what + " " + String.join(", ", ranges) + " is inside RFC 1918, which the integration routes without route-all"
                    + " (the app's other egress keeps its own path)";
        }
        boolean turnOn = needed && mode != Mode.OFF && !current;
        String state = current ? "route-all is on and stays on (Tether never turns it off)"
                : turnOn ? "turn on route-all" : "route-all stays off";
        return new Decision(turnOn, needed && mode != Mode.OFF, state + ": " + why);
    }
}
