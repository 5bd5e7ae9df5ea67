package dev.tether.plan;

/** What a step did (java-operator-sdk style "ensure" result). */
public enum Outcome {
    CREATED, UPDATED, UNCHANGED,
    /** Removed (an unlink's steps). */
    DELETED;

    public Outcome and(Outcome other) {
        if (this == CREATED || other == CREATED) {
            return CREATED;
        }
        return this != UNCHANGED || other != UNCHANGED ? UPDATED : UNCHANGED;
    }
}
