package dev.porthole.gateway.config;

import io.smallrye.config.WithDefault;
import jakarta.validation.constraints.Positive;
import java.time.Duration;
import org.hibernate.validator.constraints.time.DurationMin;

/** HTTP/2 for visitors and the bounds that keep one h2 connection from hurting the others. */
public interface Http2Config {
    /**
     * Offer HTTP/2: h2 in ALPN when the listener terminates TLS, h2c with prior knowledge on a plain
     * listener. Off: HTTP/1.1 only.
     */
    @WithDefault("true")
    boolean enabled();

    /** Streams one visitor connection may have open at once (SETTINGS_MAX_CONCURRENT_STREAMS); more are refused. */
    @WithDefault("100")
    @Positive
    int maxConcurrentStreams();

    /**
     * Stream resets a visitor connection may send within {@link #resetWindow()}; more and the
     * connection is closed (rapid reset, CVE-2023-44487).
     */
    @WithDefault("200")
    @Positive
    int maxResetsPerWindow();

    /** The window over which {@link #maxResetsPerWindow()} counts. */
    @WithDefault("30s")
    @DurationMin(millis = 1)
    Duration resetWindow();
}
