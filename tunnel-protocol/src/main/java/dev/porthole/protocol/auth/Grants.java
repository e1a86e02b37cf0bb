package dev.porthole.protocol.auth;

import java.util.List;
import java.util.Objects;

/**
 * What a principal may claim; the gateway checks every tunnel claim against it.
 *
 * @param subdomains names or patterns ({@code api}, {@code api-*}, {@code *}) the principal may claim for HTTP
 * @param randomNames whether it may ask for a random name
 * @param tcpPorts public TCP ports it may claim by number
 * @param tcpPortCount how many TCP ports it may take from the gateway's range (0: none)
 * @param privateTunnels names of private tunnels it may publish
 * @param dialTunnels names of private tunnels it may dial ({@code porthole connect})
 * @param maxTunnels most tunnels at once across its sessions (0: no limit)
 * @param maxSessions most concurrent agent sessions (0: no limit)
 * @param uploadBytesPerSecond bandwidth from visitors to the client's agents (0: the gateway's default, if any)
 * @param downloadBytesPerSecond bandwidth from the client's agents to visitors (0: the gateway's default, if any)
 * @param requiredPolicy what every HTTP tunnel's edge policy must include (absent in older records: nothing)
 */
public record Grants(
        List<String> subdomains,
        boolean randomNames,
        List<Integer> tcpPorts,
        int tcpPortCount,
        List<String> privateTunnels,
        List<String> dialTunnels,
        int maxTunnels,
        int maxSessions,
        long uploadBytesPerSecond,
        long downloadBytesPerSecond,
        PolicyRequirement requiredPolicy) {

    /** Grants that require no policy. */
    public Grants(
            List<String> subdomains,
            boolean randomNames,
            List<Integer> tcpPorts,
            int tcpPortCount,
            List<String> privateTunnels,
            List<String> dialTunnels,
            int maxTunnels,
            int maxSessions,
            long uploadBytesPerSecond,
            long downloadBytesPerSecond) {
        this(
                subdomains,
                randomNames,
                tcpPorts,
                tcpPortCount,
                privateTunnels,
                dialTunnels,
                maxTunnels,
                maxSessions,
                uploadBytesPerSecond,
                downloadBytesPerSecond,
                PolicyRequirement.NONE);
    }

    public Grants {
        subdomains = List.copyOf(Objects.requireNonNullElse(subdomains, List.of()));
        tcpPorts = List.copyOf(Objects.requireNonNullElse(tcpPorts, List.of()));
        privateTunnels = List.copyOf(Objects.requireNonNullElse(privateTunnels, List.of()));
        dialTunnels = List.copyOf(Objects.requireNonNullElse(dialTunnels, List.of()));
        requiredPolicy = Objects.requireNonNullElse(requiredPolicy, PolicyRequirement.NONE);
    }

    /** Everything: what a holder of a configured static token may do. */
    public static Grants unrestricted() {
        return new Grants(List.of("*"), true, List.of(), Integer.MAX_VALUE, List.of("*"), List.of("*"), 0, 0, 0, 0);
    }

    /** Public sessions: random HTTP names and nothing else. */
    public static Grants publicSession() {
        return new Grants(List.of(), true, List.of(), 0, List.of(), List.of(), 1, 0, 0, 0);
    }

    /** Whether {@code name} matches one of the subdomain names or patterns. */
    public boolean allowsSubdomain(String name) {
        return matchesAny(subdomains, name);
    }

    /** Whether the principal may publish a private tunnel of this name. */
    public boolean allowsPrivate(String name) {
        return matchesAny(privateTunnels, name);
    }

    /** Whether the principal may dial the private tunnel of this name. */
    public boolean allowsDial(String name) {
        return matchesAny(dialTunnels, name);
    }

    /** Whether the principal may claim this public TCP port. */
    public boolean allowsTcpPort(int port) {
        return tcpPorts.contains(port) || tcpPortCount == Integer.MAX_VALUE;
    }

    /**
     * Matches a name against patterns: an exact name, {@code *} for any name, or a prefix pattern
     * such as {@code api-*}.
     */
    static boolean matchesAny(List<String> patterns, String name) {
        for (String pattern : patterns) {
            if (pattern.equals("*") || pattern.equals(name)) {
                return true;
            }
            if (pattern.endsWith("*") && name.startsWith(pattern.substring(0, pattern.length() - 1))) {
                return true;
            }
        }
        return false;
    }
}
