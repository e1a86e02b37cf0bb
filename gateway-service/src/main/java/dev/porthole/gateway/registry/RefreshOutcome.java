package dev.porthole.gateway.registry;

/** The result of refreshing a claim. */
public enum RefreshOutcome {
    /** Still ours; expiry extended. */
    REFRESHED,
    /** The key had gone (Redis restarted or was flushed); it was written again from the live session. */
    RESTORED,
    /** Someone else holds the name now; this session must stop serving it. */
    LOST
}
