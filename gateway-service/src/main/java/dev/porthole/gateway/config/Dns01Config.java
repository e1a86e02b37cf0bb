package dev.porthole.gateway.config;

import java.util.Optional;

/** Where the gateway publishes the TXT records of DNS-01 challenges, for the wildcard certificate. */
public interface Dns01Config {
    /** Who publishes the TXT records ({@code pebble-challtestsrv}); setting it orders {@code *.<domain>} once instead of a certificate per name. */
    Optional<dev.porthole.gateway.tls.acme.DnsChallengeSolver.Kind> solver();

    /** Base URL of the solver's API (pebble-challtestsrv: its {@code -management} address, like {@code http://127.0.0.1:8055}). */
    Optional<String> url();
}
