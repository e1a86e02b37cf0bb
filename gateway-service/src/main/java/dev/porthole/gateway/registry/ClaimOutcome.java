package dev.porthole.gateway.registry;

/** The result of claiming a name in the registry. */
public sealed interface ClaimOutcome {

    /** The name was free and is now ours. */
    record Claimed() implements ClaimOutcome {}

    /** The same agent held the name in an older session (a reconnect); it is ours now and that session must let go. */
    record TookOver(Route previous) implements ClaimOutcome {}

    /**
     * Other HA sessions of the same agent hold the name (an agent with {@code --ha}); this session
     * is one more holder, and they keep theirs.
     */
    record Joined(Route first) implements ClaimOutcome {}

    /** Another client or agent holds the name; {@code holder} is null when it is a random name kept for its owner after its session ended. */
    record Taken(Route holder) implements ClaimOutcome {}

    /** The name is reserved for another client. */
    record Reserved() implements ClaimOutcome {}
}
