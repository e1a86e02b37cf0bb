package dev.porthole.protocol;

import java.util.OptionalInt;

/** Protocol versions this build speaks, and the rule that picks one for a connection. */
public final class ProtocolVersion {

    /** Oldest version this build can speak. */
    public static final int MIN = 1;
    /** Newest version this build can speak. 2: WELCOME names the gateway instance. */
    public static final int MAX = 2;

    private ProtocolVersion() {}

    /** The highest version both ranges contain, or empty when they do not overlap. */
    public static OptionalInt negotiate(int peerMin, int peerMax, int ourMin, int ourMax) {
        int chosen = Math.min(peerMax, ourMax);
        return chosen >= Math.max(peerMin, ourMin) ? OptionalInt.of(chosen) : OptionalInt.empty();
    }
}
