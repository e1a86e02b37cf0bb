package dev.porthole.protocol.auth;

/** How an agent proved who it is. */
public enum AuthMethod {
    /** A static token: configured, or issued over the admin API. */
    STATIC_TOKEN,
    /** {@code Basic clientId:clientSecret}. */
    CLIENT_CREDENTIALS,
    /** An HS256 JWT whose {@code tid} names the client. */
    JWT,
    /** No credentials: random names only, HTTP only, limited lifetime. */
    PUBLIC
}
