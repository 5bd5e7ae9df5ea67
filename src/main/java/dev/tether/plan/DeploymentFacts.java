package dev.tether.plan;

import java.util.Map;

/**
 * What {@code kubectl rollout status} reads of a Deployment: {@code metadata.generation}, {@code spec.replicas} and the
 * status counters and Progressing condition's reason; plus the Deployment's own annotations and its pod template's.
 */
public record DeploymentFacts(String name, long generation, long observedGeneration, int specReplicas, int replicas, int updatedReplicas,
                              int availableReplicas, String progressingReason, Map<String, String> annotations,
                              Map<String, String> templateAnnotations) {
}
