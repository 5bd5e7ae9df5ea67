package dev.tether.operator;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.List;

/**
 * The status as one self-contained HTML page (no external scripts, fonts or styles: it is served by a function with a
 * key): per link, a picture drawn as inline SVG (apps, their subnet, the cluster DNS, the Services apps reach), then
 * the cluster with its DNS IP and readiness, each app with its state, reason and last orchestration, each managed
 * Service with the name apps use and its IP, and the last drift report. Pure: renders {@link OperatorApi#status}'s JSON.
 */
public final class StatusPage {
    private StatusPage() {
    }

    public static String render(JsonNode status) {
        StringBuilder h = new StringBuilder(8192);
        h.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
                + "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>Tether links</title><style>"
                + "body{font:14px/1.45 system-ui,-apple-system,'Segoe UI',sans-serif;margin:0;padding:16px;color:#1b1f24;background:#f6f8fa}"
                + "main{max-width:1100px;margin:0 auto}h1{font-size:22px;margin:0 0 12px}h2{font-size:18px;margin:0 0 8px}"
                + "h3{font-size:15px;margin:14px 0 6px}section{background:#fff;border:1px solid #d0d7de;border-radius:8px;padding:14px;margin:0 0 16px}"
                + "table{width:100%;border-collapse:collapse;table-layout:fixed}th,td{text-align:left;padding:5px 6px;border-top:1px solid #eaeef2;"
                + "vertical-align:top;overflow-wrap:anywhere;word-break:break-word}th{font-weight:600;background:#f6f8fa}"
                + ".state{display:inline-block;padding:1px 8px;border-radius:10px;font-size:12px;font-weight:600;color:#fff}"
                + ".linked,.internal,.ready{background:#1a7f37}.failed,.drifted,.not-ready{background:#cf222e}"
                + ".waiting,.linking,.pending,.unknown,.unlinking,.released{background:#9a6700}.other{background:#57606a}"
                + "svg{width:100%;height:auto;display:block}code{font:12px ui-monospace,monospace;overflow-wrap:anywhere}"
                + ".meta{color:#57606a;font-size:12px}</style></head><body><main>\n");
        h.append("<h1>Tether links</h1>\n");
        JsonNode links = status.path("links");
        if (links.isEmpty()) {
            h.append("<section><p>No link in Tether's scope: tag an AKS cluster and an App Service <code>private-link=&lt;link&gt;</code>.</p></section>\n");
        }
        for (JsonNode link : links) {
            link(h, link);
        }
        released(h, status.path("released"));
        drift(h, status.path("lastDriftScan"));
        h.append("</main></body></html>\n");
        return h.toString();
    }

    private static void link(StringBuilder h, JsonNode link) {
        h.append("<section class=\"link\" data-link=\"").append(esc(link.path("link").asText())).append("\">\n<h2>Link ")
                .append(esc(link.path("link").asText())).append("</h2>\n");
        picture(h, link);
        h.append("<h3>Cluster</h3>\n<table><colgroup><col style=\"width:24%\"><col style=\"width:14%\"><col style=\"width:12%\"><col></colgroup>"
                + "<tr><th>Cluster</th><th>DNS IP</th><th>State</th><th>Readiness</th></tr>\n");
        for (JsonNode c : link.path("clusters")) {
            h.append("<tr><td title=\"").append(esc(c.path("resourceId").asText())).append("\">").append(esc(name(c.path("resourceId").asText())))
                    .append("<div class=\"meta\">zone ").append(esc(c.path("domain").asText())).append("</div></td><td><code>")
                    .append(esc(c.path("dnsIp").asText("-"))).append("</code></td><td>").append(badge(c.path("state").asText("unknown")))
                    .append(" ").append(badge(c.path("ready").asBoolean() ? "ready" : "not-ready")).append("</td><td>");
            c.path("readiness").fields().forEachRemaining(e -> h.append("<div><b>").append(esc(e.getKey())).append("</b> ")
                    .append(esc(e.getValue().asText())).append("</div>"));
            if (c.hasNonNull("reason") && !c.path("reason").asText().isEmpty()) {
                h.append("<div class=\"meta\">").append(esc(c.path("reason").asText())).append("</div>");
            }
            h.append("</td></tr>\n");
        }
        h.append("</table>\n<h3>Apps</h3>\n<table><colgroup><col style=\"width:22%\"><col style=\"width:11%\"><col><col style=\"width:24%\"></colgroup>"
                + "<tr><th>App</th><th>State</th><th>Reason</th><th>Last orchestration</th></tr>\n");
        for (JsonNode a : link.path("apps")) {
            JsonNode o = a.path("lastOrchestration");
            h.append("<tr><td title=\"").append(esc(a.path("resourceId").asText())).append("\">").append(esc(name(a.path("resourceId").asText())))
                    .append("</td><td>").append(badge(a.path("state").asText("unknown"))).append("</td><td>").append(esc(a.path("reason").asText()))
                    .append("</td><td>").append(o.isMissingNode() ? "none" : "<code>" + esc(o.path("instanceId").asText()) + "</code><div class=\"meta\">"
                            + esc(o.path("runtimeStatus").asText()) + " at " + esc(o.path("lastUpdatedAt").asText()) + "</div>").append("</td></tr>\n");
        }
        h.append("</table>\n<h3>Services apps reach</h3>\n");
        List<JsonNode> services = services(link);
        if (services.isEmpty()) {
            h.append("<p class=\"meta\">No managed Service: annotate one <code>tether.dev/private: \"true\"</code>.</p>\n");
        } else {
            h.append("<table><colgroup><col style=\"width:22%\"><col><col style=\"width:16%\"><col style=\"width:12%\"></colgroup>"
                    + "<tr><th>Service</th><th>Name apps use</th><th>IP</th><th>State</th></tr>\n");
            for (JsonNode s : services) {
                h.append("<tr><td>").append(esc(s.path("service").asText())).append("</td><td><code>").append(esc(s.path("name").asText()))
                        .append("</code></td><td><code>").append(esc(s.path("ip").asText("-"))).append("</code></td><td>")
                        .append(badge(s.path("state").asText())).append("</td></tr>\n");
            }
            h.append("</table>\n");
        }
        h.append("</section>\n");
    }

    /** app -> subnet -> cluster DNS -> Services, as boxes and arrows in inline SVG. */
    private static void picture(StringBuilder h, JsonNode link) {
        List<String[]> apps = new ArrayList<>();
        for (JsonNode a : link.path("apps")) {
            String subnet = a.path("subnetId").asText("");
            apps.add(new String[]{name(a.path("resourceId").asText()), a.path("state").asText("unknown"), subnet.isEmpty() ? "no subnet yet" : name(subnet)});
        }
        List<JsonNode> services = services(link);
        JsonNode cluster = link.path("clusters").path(0);
        int rows = Math.max(1, Math.max(apps.size(), services.size()));
        int height = 40 + rows * 56;
        h.append("<svg viewBox=\"0 0 960 ").append(height).append("\" role=\"img\" aria-label=\"link ").append(esc(link.path("link").asText()))
                .append(": apps, subnet, cluster DNS, Services\" xmlns=\"http://www.w3.org/2000/svg\">")
                .append("<defs><marker id=\"arrow\" viewBox=\"0 0 10 10\" refX=\"9\" refY=\"5\" markerWidth=\"7\" markerHeight=\"7\" orient=\"auto\">"
                        + "<path d=\"M0 0L10 5L0 10z\" fill=\"#57606a\"/></marker></defs>");
        int mid = height / 2;
        for (int i = 0; i < apps.size(); i++) {
            int y = 20 + i * 56;
            box(h, 10, y, 200, 44, apps.get(i)[0], apps.get(i)[1], color(apps.get(i)[1]));
            box(h, 250, y, 190, 44, apps.get(i)[2], "integration subnet", "#0969da");
            arrow(h, 210, y + 22, 250, y + 22);
            arrow(h, 440, y + 22, 480, mid);
        }
        String dnsState = cluster.path("ready").asBoolean() ? "ready" : "not-ready";
        box(h, 480, mid - 30, 200, 60, "tether-dns " + cluster.path("dnsIp").asText("(no IP)"),
                "cluster DNS " + name(cluster.path("resourceId").asText("")), color(dnsState));
        for (int i = 0; i < services.size(); i++) {
            int y = 20 + i * 56;
            JsonNode s = services.get(i);
            arrow(h, 680, mid, 730, y + 22);
            box(h, 730, y, 220, 44, s.path("name").asText(), s.path("ip").asText("no IP") + " " + s.path("state").asText(), color(s.path("state").asText()));
        }
        h.append("</svg>\n");
    }

    private static void box(StringBuilder h, int x, int y, int w, int hgt, String title, String sub, String stroke) {
        h.append("<g><rect x=\"").append(x).append("\" y=\"").append(y).append("\" width=\"").append(w).append("\" height=\"").append(hgt)
                .append("\" rx=\"6\" fill=\"#fff\" stroke=\"").append(stroke).append("\" stroke-width=\"2\"/>")
                .append("<text x=\"").append(x + 8).append("\" y=\"").append(y + 18).append("\" font-size=\"13\" font-weight=\"600\" fill=\"#1b1f24\">")
                .append(esc(fit(title, w))).append("</text><text x=\"").append(x + 8).append("\" y=\"").append(y + 35)
                .append("\" font-size=\"11\" fill=\"#57606a\">").append(esc(fit(sub, w))).append("</text></g>");
    }

    private static void arrow(StringBuilder h, int x1, int y1, int x2, int y2) {
        h.append("<line x1=\"").append(x1).append("\" y1=\"").append(y1).append("\" x2=\"").append(x2).append("\" y2=\"").append(y2)
                .append("\" stroke=\"#57606a\" stroke-width=\"1.5\" marker-end=\"url(#arrow)\"/>");
    }

    /** Text cut to what fits a box (about 7 px a character at these sizes). */
    private static String fit(String text, int width) {
        int max = Math.max(4, (width - 16) / 7);
        return text.length() <= max ? text : text.substring(0, max - 1) + "\u2026";
    }

    private static String color(String state) {
        return switch (state) {
            case "linked", "internal", "ready" -> "#1a7f37";
            case "failed", "drifted", "not-ready", "not-internal" -> "#cf222e";
            default -> "#9a6700";
        };
    }

    private static List<JsonNode> services(JsonNode link) {
        List<JsonNode> out = new ArrayList<>();
        for (JsonNode c : link.path("clusters")) {
            c.path("services").forEach(out::add);
        }
        return out;
    }

    /** Apps that lost their tag but are still integrated, and apps and clusters being unlinked (shown only when there are any). */
    private static void released(StringBuilder h, JsonNode released) {
        if (released.isEmpty()) {
            return;
        }
        h.append("<section class=\"released\"><h2>Released and unlinking</h2>\n<table><colgroup><col style=\"width:24%\"><col style=\"width:10%\">"
                + "<col style=\"width:12%\"><col></colgroup><tr><th>Resource</th><th>Kind</th><th>State</th><th>Reason</th></tr>\n");
        for (JsonNode r : released) {
            h.append("<tr><td title=\"").append(esc(r.path("resourceId").asText())).append("\">").append(esc(name(r.path("resourceId").asText())))
                    .append("</td><td>").append(esc(r.path("kind").asText("app"))).append("</td><td>").append(badge(r.path("state").asText()))
                    .append("</td><td>").append(esc(r.path("reason").asText())).append("</td></tr>\n");
        }
        h.append("</table></section>\n");
    }

    private static void drift(StringBuilder h, JsonNode scan) {
        h.append("<section><h2>Last drift report</h2>\n");
        if (scan.isMissingNode()) {
            h.append("<p class=\"meta\">No drift scan has completed yet.</p>");
        } else {
            JsonNode r = scan.path("report");
            h.append("<p>Completed ").append(esc(scan.path("completedAt").asText())).append(": ").append(r.path("links").asInt()).append(" link(s), ")
                    .append(r.path("clusters").asInt()).append(" cluster(s), ").append(r.path("sites").asInt()).append(" app(s), ")
                    .append(r.path("armReads").asInt()).append(" ARM reads; ").append(r.path("drifted").size()).append(" drifted, ")
                    .append(r.path("repairsStarted").size()).append(" repair(s) started.</p>");
            if (r.path("drifted").size() > 0) {
                h.append("<table><tr><th>Resource</th><th>Drift</th></tr>");
                for (JsonNode d : r.path("drifted")) {
                    List<String> reasons = new ArrayList<>();
                    d.path("reasons").forEach(x -> reasons.add(x.asText()));
                    h.append("<tr><td title=\"").append(esc(d.path("resourceId").asText())).append("\">").append(esc(name(d.path("resourceId").asText())))
                            .append("</td><td>").append(esc(String.join("; ", reasons))).append("</td></tr>");
                }
                h.append("</table>");
            }
        }
        h.append("</section>\n");
    }

    private static String badge(String state) {
        String cls = switch (state) {
            case "linked", "internal", "ready", "failed", "drifted", "not-ready", "waiting", "linking", "pending", "unknown", "unlinking", "released" -> state;
            default -> "other";
        };
        return "<span class=\"state " + cls + "\">" + esc(state) + "</span>";
    }

    private static String name(String id) {
        return id.isEmpty() ? "" : id.substring(id.lastIndexOf('/') + 1);
    }

    static String esc(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (char ch : s.toCharArray()) {
            switch (ch) {
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '&' -> b.append("&amp;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&#39;");
                default -> b.append(ch);
            }
        }
        return b.toString();
    }

    /** The status as a plain-text table. */
    public static String text(JsonNode status) {
        StringBuilder b = new StringBuilder();
        for (JsonNode link : status.path("links")) {
            b.append("link ").append(link.path("link").asText()).append("  dns ").append(link.path("dnsIp").asText("-")).append('\n');
            for (JsonNode c : link.path("clusters")) {
                b.append(String.format("  cluster %-28s %-8s ready=%s  %s%n", name(c.path("resourceId").asText()), c.path("state").asText(),
                        c.path("ready").asBoolean(), c.path("reason").asText()));
                for (JsonNode s : c.path("services")) {
                    b.append(String.format("    service %-40s %-15s %s%n", s.path("name").asText(), s.path("ip").asText("-"), s.path("state").asText()));
                }
            }
            for (JsonNode a : link.path("apps")) {
                b.append(String.format("  app     %-28s %-8s %s%n", name(a.path("resourceId").asText()), a.path("state").asText(), a.path("reason").asText()));
            }
        }
        for (JsonNode r : status.path("released")) {
            b.append(String.format("%-7s   %-28s %-9s %s%n", r.path("kind").asText("app"), name(r.path("resourceId").asText()), r.path("state").asText(),
                    r.path("reason").asText()));
        }
        return b.toString();
    }
}
