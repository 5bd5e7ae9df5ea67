package dev.tether.config;

import dev.tether.plan.InvalidInputException;
import dev.tether.plan.LinkSettings;
import dev.tether.plan.TetherNetwork;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Tether's settings, read once from the environment (app settings in Azure, local.settings.json locally).
 * Every setting and its default is listed in {@link #SETTINGS}; docs/SETTINGS.md and local.settings.json.example list the same.
 */
public record TetherConfig(Set<String> subscriptions, String tenantId, int subnetPrefixLength, String subnetNamePrefix,
                           Duration dnsWaitTimeout, Duration dnsPollInterval, String altDnsServer,
                           int retryMaxAttempts, Duration retryFirstInterval, Duration clusterClientTtl, int serviceParallelism,
                           String driftSchedule, double driftReadShare, Duration armLroTimeout, TetherNetwork network,
                           String onUntag, Duration untagGrace) {

    /** {@code TETHER_ON_UNTAG}: report an untagged app (the default), or unlink it after {@code TETHER_UNTAG_GRACE}. */
    public static final String ON_UNTAG_REPORT = "report";
    public static final String ON_UNTAG_UNLINK = "unlink";

    /** A documented setting. */
    public record Setting(String name, String defaultValue, String description) {
    }

    public static final List<Setting> SETTINGS = List.of(
            new Setting("TETHER_SUBSCRIPTIONS", "", "Comma-separated subscription ids Tether may read and change. Events, reruns and discovery outside them are refused. Required."),
            new Setting("TETHER_TENANT_ID", "", "Entra tenant of those subscriptions; empty lets azure-identity pick the managed identity's tenant."),
            new Setting("AZURE_CLIENT_ID", "", "Client id of the user-assigned managed identity in Azure (the system-assigned one when empty); locally, with AZURE_TENANT_ID and AZURE_CLIENT_SECRET, a service principal's (AzureCredentials)."),
            new Setting("TETHER_SUBNET_PREFIX_LENGTH", "27", "Size of the integration subnets Tether creates (/27 default; /28 is the smallest App Service accepts)."),
            new Setting("TETHER_SUBNET_NAME_PREFIX", "tether-", "Prefix of the integration subnet Tether creates for a plan: <prefix><plan name>."),
            new Setting("TETHER_DNS_WAIT_TIMEOUT", "PT10M", "How long a link waits (durable timers) for tether-dns to get its load balancer IP."),
            new Setting("TETHER_DNS_POLL_INTERVAL", "PT15S", "How often a link checks for that IP while waiting."),
            new Setting("TETHER_DNS_ALT_SERVER", "", "Optional WEBSITE_DNS_ALT_SERVER value, e.g. 168.63.129.16 (Azure DNS) as a fallback resolver."),
            new Setting("TETHER_RETRY_MAX_ATTEMPTS", "5", "Durable retries of a step that failed transiently (429, 5xx, 409, connection errors)."),
            new Setting("TETHER_RETRY_FIRST_INTERVAL", "PT5S", "First durable retry delay; it doubles on each attempt, up to 5 minutes."),
            new Setting("TETHER_CLUSTER_CLIENT_TTL", "PT10M", "How long a cluster's Kubernetes client (from its user credentials) is reused before it is fetched again."),
            new Setting("TETHER_SERVICE_PARALLELISM", "5", "How many Services of one cluster are made internal at once during a cluster reconcile."),
            new Setting("TETHER_DRIFT_SCHEDULE", "0 */15 * * * *", "NCRONTAB schedule of the drift scan (the timer function reads it as %TETHER_DRIFT_SCHEDULE%)."),
            new Setting("TETHER_DRIFT_READ_SHARE", "0.5", "Share of ARM's per-subscription read budget (about 250 burst, 25/s) Tether may spend, 0.05..1: the drift scan and every step that reads ARM."),
            new Setting("TETHER_ARM_LRO_TIMEOUT", "PT5M", "How long a long-running ARM operation (subnet PUT) may stay InProgress before the step fails and is retried."),
            new Setting("TETHER_NETWORK_VNETS", "", "Comma-separated ids of the VNets Tether reaches privately: its own integration subnet's VNet and VNets peered with it, with their private clusters' DNS zones linked. Set by the Bicep option tetherSubnetId; empty: Tether has no VNet and private clusters are refused."),
            new Setting("TETHER_OUTBOUND_IPS", "", "Comma-separated static public IPs of Tether's outbound traffic (its NAT gateway, Bicep option natGateway). The pre-flight checks them against clusters' authorized IP ranges; empty: no static IP."),
            new Setting("TETHER_ON_UNTAG", "report", "What removing private-link from an app does: report (it is listed as released in status and the drift report; nothing is undone until POST /api/links/unlink) or unlink (the app is unlinked after TETHER_UNTAG_GRACE; a re-tag within it cancels; an untagged cluster's DNS likewise, once its apps are unlinked). docs/UNLINK.md."),
            new Setting("TETHER_UNTAG_GRACE", "PT15M", "With TETHER_ON_UNTAG=unlink, how long an untagged app or cluster waits (a durable timer) before its unlink; a re-tag within it cancels the unlink."));

    private static final Pattern GUID = Pattern.compile("[0-9a-fA-F]{8}-([0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}");

    public TetherConfig {
        subscriptions = Set.copyOf(subscriptions);
        new LinkSettings(subnetPrefixLength, subnetNamePrefix);
        if (driftReadShare < 0.05 || driftReadShare > 1) {
            throw new InvalidInputException("TETHER_DRIFT_READ_SHARE: " + driftReadShare + " is outside 0.05..1");
        }
        if (driftSchedule.trim().split("\\s+").length != 6) {
            throw new InvalidInputException("TETHER_DRIFT_SCHEDULE: '" + driftSchedule + "' is not a six-field NCRONTAB expression like '0 */15 * * * *'");
        }
        if (!onUntag.equals(ON_UNTAG_REPORT) && !onUntag.equals(ON_UNTAG_UNLINK)) {
            throw new InvalidInputException("TETHER_ON_UNTAG: '" + onUntag + "' is neither report nor unlink");
        }
        if (serviceParallelism < 1 || serviceParallelism > 50) {
            throw new InvalidInputException("TETHER_SERVICE_PARALLELISM: " + serviceParallelism + " is outside 1..50");
        }
    }

    public static TetherConfig fromEnvironment(Map<String, String> env) {
        Set<String> subs = new LinkedHashSet<>();
        for (String s : value(env, "TETHER_SUBSCRIPTIONS").split(",")) {
            String t = s.trim();
            if (t.isEmpty()) {
                continue;
            }
            if (!GUID.matcher(t).matches()) {
                throw new InvalidInputException("TETHER_SUBSCRIPTIONS: '" + t + "' is not a subscription id (GUID)");
            }
            subs.add(t.toLowerCase(Locale.ROOT));
        }
        return new TetherConfig(subs, value(env, "TETHER_TENANT_ID"),
                integer(env, "TETHER_SUBNET_PREFIX_LENGTH"), value(env, "TETHER_SUBNET_NAME_PREFIX"),
                duration(env, "TETHER_DNS_WAIT_TIMEOUT"), duration(env, "TETHER_DNS_POLL_INTERVAL"),
                value(env, "TETHER_DNS_ALT_SERVER"), integer(env, "TETHER_RETRY_MAX_ATTEMPTS"),
                duration(env, "TETHER_RETRY_FIRST_INTERVAL"), duration(env, "TETHER_CLUSTER_CLIENT_TTL"),
                integer(env, "TETHER_SERVICE_PARALLELISM"), value(env, "TETHER_DRIFT_SCHEDULE"), share(env, "TETHER_DRIFT_READ_SHARE"),
                duration(env, "TETHER_ARM_LRO_TIMEOUT"), new TetherNetwork(list(env, "TETHER_NETWORK_VNETS"), list(env, "TETHER_OUTBOUND_IPS")),
                value(env, "TETHER_ON_UNTAG").toLowerCase(Locale.ROOT), duration(env, "TETHER_UNTAG_GRACE"));
    }

    public static TetherConfig defaults(Set<String> subscriptions) {
        return fromEnvironment(Map.of("TETHER_SUBSCRIPTIONS", String.join(",", subscriptions)));
    }

    public boolean inScope(String subscriptionId) {
        return subscriptionId != null && subscriptions.contains(subscriptionId.toLowerCase(Locale.ROOT));
    }

    public LinkSettings linkSettings() {
        return new LinkSettings(subnetPrefixLength, subnetNamePrefix);
    }

    private static String value(Map<String, String> env, String name) {
        String v = env.get(name);
        if (v == null || v.isBlank()) {
            return SETTINGS.stream().filter(s -> s.name().equals(name)).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("undocumented setting " + name)).defaultValue();
        }
        return v.trim();
    }

    /** A comma-separated list; blanks between commas are dropped. */
    private static List<String> list(Map<String, String> env, String name) {
        return Arrays.stream(value(env, name).split(",")).map(String::trim).filter(v -> !v.isEmpty()).toList();
    }

    private static int integer(Map<String, String> env, String name) {
        String v = value(env, name);
        try {
            return Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw new InvalidInputException(name + ": '" + v + "' is not a whole number");
        }
    }

    private static double share(Map<String, String> env, String name) {
        String v = value(env, name);
        try {
            return Double.parseDouble(v);
        } catch (NumberFormatException e) {
            throw new InvalidInputException(name + ": '" + v + "' is not a number like 0.5");
        }
    }

    /** ISO-8601 (PT10M) or whole seconds. */
    private static Duration duration(Map<String, String> env, String name) {
        String v = value(env, name);
        try {
            Duration d = v.chars().allMatch(Character::isDigit) ? Duration.ofSeconds(Long.parseLong(v)) : Duration.parse(v);
            if (d.isNegative() || d.isZero()) {
                throw new InvalidInputException(name + ": '" + v + "' must be positive");
            }
            return d;
        } catch (DateTimeParseException | NumberFormatException e) {
            throw new InvalidInputException(name + ": '" + v + "' is not a duration (use ISO-8601 like PT10M, or seconds)");
        }
    }

    static List<String> names() {
        return Arrays.asList(SETTINGS.stream().map(Setting::name).toArray(String[]::new));
    }
}
