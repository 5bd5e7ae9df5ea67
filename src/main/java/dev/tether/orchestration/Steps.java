package dev.tether.orchestration;

import com.microsoft.durabletask.RetryPolicy;
import com.microsoft.durabletask.TaskOptions;
import com.microsoft.durabletask.TaskOrchestrationContext;
import dev.tether.durable.Json;

import java.time.Duration;

/** Activity names and the one way orchestrators call them: JSON text in and out, with the durable retry policy. */
public final class Steps {
    public static final String PLAN_SITE_LINK = "PlanSiteLink";
    public static final String ENSURE_SUBNET = "EnsureSubnet";
    public static final String JOIN_SUBNET = "JoinSubnet";
    public static final String PLAN_CLUSTER_LINK = "PlanClusterLink";
    public static final String ENSURE_DNS_SERVICE = "EnsureDnsService";
    public static final String ENSURE_COREDNS_OVERRIDE = "EnsureCorednsOverride";
    public static final String RESTART_COREDNS = "RestartCorednsIfStale";
    public static final String OBSERVE_DNS_READINESS = "ObserveDnsReadiness";
    public static final String ENSURE_DNS_SETTING = "EnsureDnsSetting";
    public static final String ENSURE_SLOT_SETTINGS = "EnsureSlotSettings";
    public static final String SIGNAL_LINKED_SITES = "SignalLinkedSites";
    public static final String PLAN_SERVICES = "PlanServices";
    public static final String DRIFT_DISCOVER = "DriftDiscover";
    public static final String DRIFT_CHECK_CLUSTER = "DriftCheckCluster";
    public static final String DRIFT_CHECK_SITES = "DriftCheckSites";
    public static final String DRIFT_START_REPAIRS = "DriftStartRepairs";
    public static final String DRIFT_SCAN_ORCHESTRATION = "DriftScan";
    public static final String DRIFT_SCAN_INSTANCE = "tether-drift-scan";
    public static final String APPLY_SERVICE = "ApplyService";
    public static final String ENSURE_EXPOSURE_GUARD = "EnsureExposureGuard";
    public static final String OBSERVE_SERVICE_IPS = "ObserveServiceIps";

    public static final String PLAN_SITE_UNLINK = "PlanSiteUnlink";
    public static final String RESTORE_DNS_SETTING = "RestoreDnsSetting";
    public static final String UNMARK_SLOT_SETTINGS = "UnmarkSlotSettings";
    public static final String ROUTE_ALL_OFF = "RouteAllOff";
    public static final String LEAVE_SUBNET = "LeaveSubnet";
    public static final String DELETE_SUBNET_IF_UNUSED = "DeleteSubnetIfUnused";
    public static final String PLAN_CLUSTER_UNLINK = "PlanClusterUnlink";
    public static final String DELETE_COREDNS_OVERRIDE = "DeleteCorednsOverride";
    public static final String RESTART_COREDNS_UNLOADED = "RestartCorednsUnloaded";
    public static final String OBSERVE_COREDNS_ROLLOUT = "ObserveCorednsRollout";
    public static final String DELETE_DNS_SERVICE = "DeleteDnsService";
    public static final String RESTORE_SERVICE = "RestoreService";

    public static final String LINK_SITE_ORCHESTRATION = "LinkSite";
    public static final String LINK_CLUSTER_ORCHESTRATION = "LinkCluster";
    public static final String RECONCILE_SERVICES_ORCHESTRATION = "ReconcileServices";

    private static final Duration MAX_RETRY_INTERVAL = Duration.ofMinutes(5);

    private final TaskOrchestrationContext ctx;
    private final TaskOptions retry;
    private final java.time.Instant passStart;

    /** The custom status key that says when the running pass began (every read of the pass came after it). */
    public static final String PASS_STARTED_AT = "passStartedAt";

    public Steps(TaskOrchestrationContext ctx, LinkOptions options) {
        this.ctx = ctx;
        this.passStart = ctx.getCurrentInstant();
        RetryPolicy policy = new RetryPolicy(Math.max(1, options.retryMaxAttempts()), Duration.ofSeconds(Math.max(1, options.retryFirstSeconds())));
        policy.setBackoffCoefficient(2.0);
        policy.setMaxRetryInterval(MAX_RETRY_INTERVAL);
        this.retry = new TaskOptions(policy);
    }

    public <T> T call(String activity, Object input, Class<T> resultType) {
        String payload = Json.write(input);
        return resume(activity, input, ctx.callActivity(activity, payload, retry, String.class).await(), resultType);
    }

    /**
     * The result of a step that answered {@code json}: when that is a {@link ReadWait} (the subscription's ARM read budget
     * was spent), waits as long as the step said, durably, and calls it again, until it answers.
     */
    public <T> T resume(String activity, Object input, String json, Class<T> resultType) {
        String payload = Json.write(input);
        for (java.time.Duration wait = ReadWait.in(json); wait != null; wait = ReadWait.in(json)) {
            ctx.createTimer(wait).await();
            json = ctx.callActivity(activity, payload, retry, String.class).await();
        }
        return Json.read(json, resultType);
    }

    /** Schedules an activity without waiting, for bounded fan-out; its result is JSON text, given to {@link #resume}. */
    public com.microsoft.durabletask.Task<String> schedule(String activity, Object input) {
        return ctx.callActivity(activity, Json.write(input), retry, String.class);
    }

    /** Calls a step that reports a {@link StepResult}; a refused step ends the orchestration with its message. */
    public StepResult ensure(String activity, Object input) {
        StepResult r = call(activity, input, StepResult.class);
        if (r.error() != null) {
            throw new LinkFailedException(r.step() + ": " + r.error());
        }
        return r;
    }

    /** When this pass began (orchestration time, replay-safe). */
    public java.time.Instant passStart() {
        return passStart;
    }

    /**
     * Sets the custom status, with {@value #PASS_STARTED_AT}: the trigger reads it to tell an event this running pass
     * will see anyway (raised before the pass began) from one it must be told about.
     */
    public void status(java.util.Map<String, ?> fields) {
        java.util.Map<String, Object> status = new java.util.LinkedHashMap<>(fields);
        status.put(PASS_STARTED_AT, passStart.toString());
        ctx.setCustomStatus(status);
    }
}
