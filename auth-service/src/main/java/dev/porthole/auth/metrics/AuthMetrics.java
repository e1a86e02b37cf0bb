package dev.porthole.auth.metrics;

import dev.porthole.protocol.auth.AuthMethod;

/** What auth-service counts; business code calls this, never a meter registry. */
public interface AuthMetrics {

    /** An agent was authenticated. */
    void authenticated(AuthMethod method);

    /** An agent (or an admin key) was refused, for {@code reason} (a short kebab-case word). */
    void refused(String reason);
}
