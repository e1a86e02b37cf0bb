package dev.porthole.gateway.config;

import io.quarkus.runtime.configuration.MemorySize;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.OptionalInt;

/** The passthrough listener: each connection's ClientHello names {@code <name>.<domain>}, and its bytes go unopened to that tunnel's agent. */
public interface PassthroughConfig {
    /** Port of the listener (443 on a VPS whose HTTPS port it is, else e.g. 8443); unset: no listener, and TLS tunnels are refused. */
    OptionalInt port();

    /** Address the listener binds; {@code ::} accepts IPv4 and IPv6 on a dual-stack host. */
    @WithDefault("::")
    String host();

    /** Port in the {@code tls://<name>.<domain>:<port>} addresses handed out (a balancer or NAT in front); defaults to {@code port}. */
    OptionalInt publicPort();

    /** Largest ClientHello read to find the SNI name; a connection that announces a larger one is closed. */
    @WithDefault("16K")
    MemorySize maxClientHello();

    /** A connection must have sent its whole ClientHello this soon after it opened; otherwise it is closed. */
    @WithDefault("10s")
    Duration clientHelloTimeout();
}
