package dev.porthole.gateway.policy;

import java.util.List;

/** A tunnel's policy has rules the gateway cannot enforce; the message names each, for the agent to print. */
public final class InvalidPolicyException extends Exception {

    private final List<String> problems;

    InvalidPolicyException(List<String> problems) {
        super("invalid policy: " + String.join("; ", problems), null, false, false);
        this.problems = List.copyOf(problems);
    }

    public List<String> problems() {
        return problems;
    }
}
