package dev.porthole.auth.rest;

import dev.porthole.protocol.auth.Grants;
import dev.porthole.protocol.auth.PolicyRequirement;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.util.List;
import java.util.Objects;

/**
 * What a client may claim, as sent and returned by the admin API; omitted fields take the defaults
 * shown in the OpenAPI document (random names only, nothing else, no limits).
 *
 * @param subdomains exact names (reserved for this client) or patterns ({@code api-*}, {@code *})
 * @param randomNames whether it may ask for a random name (default true)
 * @param tcpPorts public TCP ports it may claim by number
 * @param tcpPortCount how many ports it may take from the gateway's range
 * @param privateTunnels private tunnel names (exact ones reserved) or patterns it may publish
 * @param dialTunnels private tunnel names or patterns it may dial
 * @param maxTunnels most tunnels at once (0: no limit)
 * @param maxSessions most concurrent sessions (0: no limit)
 * @param uploadBytesPerSecond visitor-to-agent bandwidth (0: no limit)
 * @param downloadBytesPerSecond agent-to-visitor bandwidth (0: no limit)
 * @param requiredLogin every HTTP tunnel must have this login at the edge: {@code basic-auth}, {@code oidc} or {@code login} (either); absent: none
 * @param requiredOidcDomains every HTTP tunnel must have an OIDC login limited to some of these e-mail domains
 */
public record GrantsBody(
        @Size(max = MAX_NAMES)
        List<@NotNull @Pattern(regexp = NAME_OR_PATTERN, message = NAME_MESSAGE) String> subdomains,

        Boolean randomNames,
        @Size(max = MAX_NAMES) List<@NotNull @Min(1) @Max(65535) Integer> tcpPorts,
        @Min(0) @Max(65535) Integer tcpPortCount,

        @Size(max = MAX_NAMES)
        List<@NotNull @Pattern(regexp = NAME_OR_PATTERN, message = NAME_MESSAGE) String> privateTunnels,

        @Size(max = MAX_NAMES)
        List<@NotNull @Pattern(regexp = NAME_OR_PATTERN, message = NAME_MESSAGE) String> dialTunnels,

        @Min(0) Integer maxTunnels,
        @Min(0) Integer maxSessions,
        @Min(0) Long uploadBytesPerSecond,
        @Min(0) Long downloadBytesPerSecond,

        @Pattern(regexp = "^(|basic-auth|oidc|login)$", message = "must be basic-auth, oidc or login (either)")
        String requiredLogin,

        @Size(max = MAX_NAMES)
        List<@NotNull @Pattern(regexp = DOMAIN, message = "must be a domain such as example.com") String>
                requiredOidcDomains) {

    /** Most names or ports in one list. */
    public static final int MAX_NAMES = 100;

    /** A DNS label, {@code *}, or a DNS-label prefix followed by {@code *}. */
    static final String NAME_OR_PATTERN = "^(\\*|[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?|[a-z0-9][a-z0-9-]{0,61}\\*)$";

    static final String DOMAIN =
            "^(?=.{1,253}$)[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)+$";
    static final String NAME_MESSAGE = "must be a DNS label (a-z, 0-9, '-'), '*', or a prefix followed by '*'";

    public Grants toGrants() {
        return new Grants(
                subdomains,
                randomNames == null || randomNames,
                tcpPorts,
                orZero(tcpPortCount),
                privateTunnels,
                dialTunnels,
                orZero(maxTunnels),
                orZero(maxSessions),
                orZero(uploadBytesPerSecond),
                orZero(downloadBytesPerSecond),
                new PolicyRequirement(requiredLogin, requiredOidcDomains));
    }

    public static GrantsBody of(Grants grants) {
        return new GrantsBody(
                grants.subdomains(),
                grants.randomNames(),
                grants.tcpPorts(),
                grants.tcpPortCount(),
                grants.privateTunnels(),
                grants.dialTunnels(),
                grants.maxTunnels(),
                grants.maxSessions(),
                grants.uploadBytesPerSecond(),
                grants.downloadBytesPerSecond(),
                grants.requiredPolicy().login(),
                grants.requiredPolicy().oidcDomains());
    }

    /** Default grants: random names only. */
    public static Grants defaults() {
        return new GrantsBody(null, null, null, null, null, null, null, null, null, null, null, null).toGrants();
    }

    private static int orZero(Integer value) {
        return Objects.requireNonNullElse(value, 0);
    }

    private static long orZero(Long value) {
        return Objects.requireNonNullElse(value, 0L);
    }
}
