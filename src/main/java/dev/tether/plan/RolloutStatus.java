package dev.tether.plan;

/**
 * Judges a Deployment's rollout exactly as {@code kubectl rollout status} does (kubernetes/kubectl
 * {@code pkg/polymorphichelpers/rollout_status.go}, DeploymentStatusViewer), in its words:
 * <ol>
 * <li>{@code generation > observedGeneration}: "Waiting for deployment spec update to be observed";</li>
 * <li>Progressing reason {@code ProgressDeadlineExceeded}: failed, "exceeded its progress deadline";</li>
 * <li>{@code updatedReplicas < spec.replicas}: "N out of M new replicas have been updated";</li>
 * <li>{@code replicas > updatedReplicas}: "N old replicas are pending termination";</li>
 * <li>{@code availableReplicas < updatedReplicas}: "N of M updated replicas are available";</li>
 * <li>else "successfully rolled out".</li>
 * </ol>
 */
public final class RolloutStatus {
    /** The Progressing condition's reason once {@code progressDeadlineSeconds} passed without progress. */
    public static final String TIMED_OUT = "ProgressDeadlineExceeded";

    private RolloutStatus() {
    }

    public record Verdict(boolean done, boolean failed, String message) {
    }

    public static Verdict judge(DeploymentFacts d) {
        String name = "deployment \"" + d.name() + "\"";
        if (d.generation() > d.observedGeneration()) {
            return new Verdict(false, false, "Waiting for deployment spec update to be observed");
        }
        if (TIMED_OUT.equals(d.progressingReason())) {
            return new Verdict(false, true, name + " exceeded its progress deadline");
        }
        if (d.updatedReplicas() < d.specReplicas()) {
            return new Verdict(false, false, "Waiting for " + name + " rollout to finish: " + d.updatedReplicas() + " out of "
                    + d.specReplicas() + " new replicas have been updated");
        }
        if (d.replicas() > d.updatedReplicas()) {
            return new Verdict(false, false, "Waiting for " + name + " rollout to finish: " + (d.replicas() - d.updatedReplicas())
                    + " old replicas are pending termination");
        }
        if (d.availableReplicas() < d.updatedReplicas()) {
            return new Verdict(false, false, "Waiting for " + name + " rollout to finish: " + d.availableReplicas() + " of "
                    + d.updatedReplicas() + " updated replicas are available");
        }
        return new Verdict(true, false, name + " successfully rolled out");
    }
}
