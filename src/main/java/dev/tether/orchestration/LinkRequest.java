package dev.tether.orchestration;

/**
 * Input of the site and cluster orchestrations: the resource, why it runs (event, rerun, fan-out), and the timings.
 * {@code action} is null for a link (the tag is the link's intent) or {@value #UNLINK}; {@code force} lets an unlink
 * proceed where the state is not Tether's to undo (docs/UNLINK.md). {@code restoreServices}: a cluster unlink also sets the
 * Services Tether made internal back to their recorded type (only on an explicit request: an exposure decision).
 */
public record LinkRequest(String resourceId, String reason, LinkOptions options, String action, Boolean force, Long graceSeconds,
                          Long appWaitSeconds, Boolean restoreServices) {
    public static final String UNLINK = "unlink";

    public LinkRequest(String resourceId, String reason, LinkOptions options) {
        this(resourceId, reason, options, null, null, null, null, null);
    }

    public boolean unlinking() {
        return UNLINK.equals(action);
    }

    public boolean forced() {
        return Boolean.TRUE.equals(force);
    }

    public boolean restoresServices() {
        return Boolean.TRUE.equals(restoreServices);
    }

    /** The same resource and options, as a link pass (an unlink that found the tag back). */
    public LinkRequest asLink(String why) {
        return new LinkRequest(resourceId, why, options, null, null, null, null, null);
    }

    public LinkRequest asUnlink(String why, boolean forced, boolean restore) {
        return new LinkRequest(resourceId, why, options, UNLINK, forced ? Boolean.TRUE : null, null, null, restore ? Boolean.TRUE : null);
    }

    /**
     * A cluster's unlink asked for with its link's apps ({@code {"link": ...}}): while apps still use its DNS IP (their
     * unlinks run in their own instances), it waits for them, up to {@code seconds} (docs/UNLINK.md).
     */
    public LinkRequest asUnlinkAwaitingApps(String why, boolean forced, boolean restore, long seconds) {
        return new LinkRequest(resourceId, why, options, UNLINK, forced ? Boolean.TRUE : null, null, seconds, restore ? Boolean.TRUE : null);
    }

    /** An unlink that first waits {@code grace} (TETHER_ON_UNTAG=unlink): a re-tag within it cancels the unlink. */
    public LinkRequest asUnlinkAfter(String why, java.time.Duration grace) {
        return new LinkRequest(resourceId, why, options, UNLINK, null, grace.toSeconds(), null, null);
    }

    /** This unlink without its grace period (it has been waited). */
    public LinkRequest graceWaited() {
        return new LinkRequest(resourceId, reason, options, action, force, null, appWaitSeconds, restoreServices);
    }
}
