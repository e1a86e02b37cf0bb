package dev.porthole.gateway.config;

import io.quarkus.runtime.configuration.MemorySize;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithConverter;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/** Every setting of the gateway; each key is also an environment variable ({@code porthole.gateway.http.port} = {@code PORTHOLE_GATEWAY_HTTP_PORT}). */
@ConfigMapping(prefix = "porthole.gateway")
public interface GatewayConfig {

    /** Id of this gateway instance in the registry, in events and in logs; defaults to the host name plus a random suffix. */
    Optional<String> instanceId();

    /**
     * A YAML file (tokens, clients, limits; see docs/operations.md) watched while the gateway runs:
     * a change is put in force without a restart and published to the other gateways.
     */
    Optional<String> configFile();

    /** How often the configuration file is looked at; a change is applied once it reads the same twice in a row. */
    @WithDefault("2s")
    Duration configFileCheckInterval();

    /** The public listener: visitors' HTTP and the agents' WebSocket endpoint. */
    Http http();

    /** Limits of the tunnel connection between agent and gateway. */
    Tunnel tunnel();

    /** Liveness checks on agent connections. */
    Heartbeat heartbeat();

    /** The tunnel registry in Redis. */
    Registry registry();

    /** How agents authenticate. */
    Auth auth();

    /** Public TCP tunnels and private tunnels. */
    Tcp tcp();

    /** The public listener as an HTTP proxy ({@code CONNECT name:port}) to private tunnels. */
    Connect connect();
    /** Public UDP tunnels. */
    Udp udp();

    /** Prometheus metrics beyond the totals. */
    Metrics metrics();

    /** What the gateway does when it is told to stop (SIGTERM). */
    Shutdown shutdown();

    /** Bandwidth and request limits on tunnels; {@code LimitPolicy} holds the values in force. */
    Limits limits();

    /** How tunnels' edge policies (basic auth, IP rules, webhooks, headers, visitor rates) are enforced. */
    Policy policy();

    /** Several gateways as one: requests for a tunnel held by another instance are forwarded to it. */
    Cluster cluster();

    /** HTTPS on the public listener, from PEM files; off unless {@code tls.cert-files} is set. */
    Tls tls();

    /** TLS termination on the public listener (see docs/operations.md, "HTTPS on a VPS in five minutes"). */
    interface Tls {
        /**
         * PEM certificate chains, leaf first, one per domain (typically {@code *.<domain>} plus the apex
         * in one certificate); the visitor's SNI picks one. Setting it turns TLS on for the public port.
         */
        Optional<List<String>> certFiles();

        /** PEM private keys (PKCS#8, or PKCS#1 RSA), one per certificate file, in the same order. */
        Optional<List<String>> keyFiles();

        /** How often the files are looked at; changed files are served from the next handshake on, without a restart. */
        @WithDefault("5s")
        Duration reloadCheckInterval();

        /** {@code Strict-Transport-Security} max-age on every response of the public port; unset or 0: no header. */
        Optional<Duration> hstsMaxAge();

        /** Add {@code includeSubDomains} to the HSTS header (every tunnel under the domain is then HTTPS-only in browsers that saw it). */
        @WithDefault("false")
        boolean hstsIncludeSubdomains();

        /** A plain-HTTP port (80 on a VPS) that answers every request with a 308 redirect to the same URL over https; unset: none. */
        OptionalInt redirectPort();

        /** Certificates from an ACME CA, on demand per tunnel name (HTTP-01 on the redirect port); off unless {@code tls.acme.directory-url} is set. */
        Acme acme();

        /** TLS passthrough tunnels ({@code porthole tls}): a listener that routes by SNI without decrypting; off unless {@code tls.passthrough.port} is set. */
        Passthrough passthrough();
    }

    /** The passthrough listener: each connection's ClientHello names {@code <name>.<domain>}, and its bytes go unopened to that tunnel's agent. */
    interface Passthrough {
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

    /** On-demand certificates from an ACME CA (RFC 8555), see docs/operations.md, "HTTPS on a VPS in five minutes". */
    interface Acme {
        /**
         * The CA's directory URL (Let's Encrypt: {@code https://acme-v02.api.letsencrypt.org/directory}); setting it
         * turns TLS and on-demand certificates on.
         */
        Optional<String> directoryUrl();

        /** Contact address given to the CA with the account (expiry warnings). */
        Optional<String> email();

        /** PEM file of the CA that signed the ACME server's own HTTPS certificate, for a private ACME CA; unset: the JDK's trust store. */
        Optional<String> caFile();

        /**
         * AES-256 key (32 bytes, base64) that encrypts the account key and the certificates' keys in Redis; required with
         * ACME. Make one with {@code openssl rand -base64 32} and give every gateway of a cluster the same.
         */
        Optional<String> encryptionKey();

        /** Most new certificate orders this gateway starts per hour (renewals included); further names wait for the next token. */
        @WithDefault("20")
        int maxOrdersPerHour();

        /** How often the certificates are looked at for renewal (at two thirds of their lifetime) and for ones another gateway renewed. */
        @WithDefault("1h")
        Duration renewCheckInterval();

        /** How long one order may take, challenges and issuance included. */
        @WithDefault("2m")
        Duration orderTimeout();

        /** After a failed order the name is not ordered again for this long. */
        @WithDefault("10m")
        Duration retryAfter();

        /** One wildcard certificate {@code *.<domain>} (and the domain) over DNS-01 instead of one per name; off unless {@code tls.acme.dns01.solver} is set. */
        Dns01 dns01();
    }

    /** Where the gateway publishes the TXT records of DNS-01 challenges, for the wildcard certificate. */
    interface Dns01 {
        /** Who publishes the TXT records ({@code pebble-challtestsrv}); setting it orders {@code *.<domain>} once instead of a certificate per name. */
        Optional<dev.porthole.gateway.tls.acme.DnsChallengeSolver.Kind> solver();

        /** Base URL of the solver's API (pebble-challtestsrv: its {@code -management} address, like {@code http://127.0.0.1:8055}). */
        Optional<String> url();
    }

    /** The gateway's side of TLS to auth-service. */
    interface ServiceTls {
        /** PEM of the CA that signed auth-service's certificate; unset: the JDK's trust store. */
        Optional<String> caFile();

        /** PEM client certificate (chain) the gateway presents to auth-service, for auth-service's {@code client-auth=required}. */
        Optional<String> certFile();

        /** PEM private key of {@code cert-file}. */
        Optional<String> keyFile();
    }

    /** HTTP CONNECT to private tunnels, authenticated with an agent token and checked against the dial grants. */
    interface Connect {
        /** Whether a {@code CONNECT name:port} on the public listener reaches private tunnels; off: {@code 405}. */
        @WithDefault("true")
        boolean enabled();
    }

    /** Forwarding between gateway instances; off unless {@code internal-address} is set. */
    interface Cluster {
        /**
         * {@code host:port} (or just a host: the public port) at which the other instances reach this one's public
         * listener, published in Redis ({@code gateway:<instance-id>}); unset means a single gateway: no
         * forwarding, nothing published.
         */
        Optional<String> internalAddress();

        /** How long the forwarding instance waits for a TCP connection to the holding instance. */
        @WithDefault("2s")
        Duration connectTimeout();

        /** Most pooled connections from this instance to each other instance. */
        @WithDefault("64")
        int maxConnectionsPerPeer();

        /** Mutual TLS between the gateways of the cluster; off unless its three files are set. */
        Mtls mtls();
    }

    /**
     * Mutual TLS on the hop between gateways: the peer listener (at {@code internal-address}) speaks TLS and
     * requires a client certificate signed by {@code ca-file}, and this gateway presents its own when it forwards.
     */
    interface Mtls {
        /** PEM certificate (chain) this gateway presents to the others, as server and as client; signed by {@code ca-file}. */
        Optional<String> certFile();

        /** PEM private key of {@code cert-file}. */
        Optional<String> keyFile();

        /** PEM of the cluster's own CA: only peers with a certificate it signed are served or trusted. */
        Optional<String> caFile();
    }

    /** The public listener. */
    interface Http {
        /** Address to bind. */
        @WithDefault("0.0.0.0")
        String host();

        /** Port to bind. */
        @WithDefault("8080")
        int port();

        /** Tunnels are served at {@code <name>.<domain>}; point a wildcard DNS record at the gateway. */
        @WithDefault("localhost")
        String domain();

        /**
         * Scheme in the public URLs the gateway hands out; defaults to {@code https} when the gateway
         * terminates TLS itself ({@code tls.cert-files}), else {@code http} (set {@code https} when TLS
         * terminates in front of it).
         */
        Optional<PublicScheme> publicScheme();

        /** Port in the public URLs; defaults to {@code http.port}, and is left out when it is the scheme's default. */
        OptionalInt publicPort();

        /** Path of the agents' WebSocket endpoint. */
        @WithDefault("/_porthole/agent")
        String agentPath();

        /** Path routing for deployments without wildcard DNS: {@code <prefix><name>/...}. */
        @WithDefault("/t/")
        String pathPrefix();

        /**
         * Serve tunnels at {@code <apex host><path-prefix><name>/} too. Off: every path-routed tunnel
         * shares one origin (cookies, storage, service workers), so any tunnel's page can read or
         * control another's; docs/operations.md says when to turn it on.
         */
        @WithDefault("false")
        boolean pathRouting();

        /**
         * The hosts besides {@code <name>.<domain>} that the gateway answers (path routing, the gateway's
         * own pages); defaults to the domain itself. Any other Host gets 421. The agents' endpoint
         * answers on every host.
         */
        Optional<List<String>> apexHosts();

        /** How long a visitor waits for the upstream's response head before a 504. */
        @WithDefault("30s")
        Duration responseTimeout();

        /** Largest request head (request line and headers) a visitor may send; larger gets 431. */
        @WithDefault("16K")
        MemorySize maxHeaderSize();

        /** Largest request line; longer gets 414. */
        @WithDefault("8K")
        MemorySize maxInitialLineLength();

        /** A visitor connection with no traffic for this long is closed. */
        @WithDefault("5m")
        Duration idleTimeout();

        /**
         * A visitor connection must send a complete request head this soon after it opens, and after
         * each response on a kept-alive connection; otherwise it is closed (slow-loris clients).
         */
        @WithDefault("10s")
        Duration requestHeadTimeout();

        /** Keep X-Forwarded-* headers from visitors (only behind a trusted proxy); otherwise the gateway replaces them. */
        @WithDefault("false")
        boolean trustForwardedHeaders();

        /** Event loops serving the public port; defaults to the number of CPU cores. */
        OptionalInt eventLoops();

        /** HTTP/2 for visitors: h2 by ALPN on the TLS listener, h2c with prior knowledge on the plain one. */
        Http2 http2();
    }

    /** HTTP/2 for visitors and the bounds that keep one h2 connection from hurting the others. */
    interface Http2 {
        /**
         * Offer HTTP/2: h2 in ALPN when the listener terminates TLS, h2c with prior knowledge on a plain
         * listener. Off: HTTP/1.1 only.
         */
        @WithDefault("true")
        boolean enabled();

        /** Streams one visitor connection may have open at once (SETTINGS_MAX_CONCURRENT_STREAMS); more are refused. */
        @WithDefault("100")
        int maxConcurrentStreams();

        /**
         * Stream resets a visitor connection may send within {@link #resetWindow()}; more and the
         * connection is closed (rapid reset, CVE-2023-44487).
         */
        @WithDefault("200")
        int maxResetsPerWindow();

        /** The window over which {@link #maxResetsPerWindow()} counts. */
        @WithDefault("30s")
        Duration resetWindow();
    }

    /** Limits of the tunnel connection. */
    interface Tunnel {
        /** Largest frame on an agent connection, header included; both ends must agree (the smaller wins). */
        @WithDefault("256K")
        MemorySize maxFrameSize();

        /** Bytes each new stream may have in flight towards the gateway; the gateway buffers at most this per stream at first. */
        @WithDefault("256K")
        MemorySize initialWindow();

        /**
         * Most credit one stream's window may grow to while it carries a bulk transfer (its reader
         * keeps up and its sender waits for credit); at most four streams of a connection at once.
         * Not above initial-window: a fixed window.
         */
        @WithDefault("4M")
        MemorySize maxWindow();

        /** Most concurrent streams (visitors) on one agent connection. */
        @WithDefault("1024")
        int maxStreamsPerSession();

        /** Most tunnels one agent connection may hold. */
        @WithDefault("32")
        int maxTunnelsPerSession();

        /** How long an agent has to send HELLO after the WebSocket opens. */
        @WithDefault("10s")
        Duration handshakeTimeout();
    }

    /** Heartbeat on agent connections. */
    interface Heartbeat {
        /** How often the gateway sends PING. */
        @WithDefault("10s")
        Duration interval();

        /** A connection that sends nothing for this long is closed and its tunnels freed. */
        @WithDefault("30s")
        Duration timeout();
    }

    /** The tunnel registry. */
    interface Registry {
        /** Expiry of a claim in Redis; a dead gateway's names free up after this. */
        @WithDefault("30s")
        Duration ttl();

        /** How often a live session refreshes its claims; must be well below {@code ttl}. */
        @WithDefault("10s")
        Duration refreshInterval();

        /** Attempts to find a free random name before giving up. */
        @WithDefault("20")
        int randomNameAttempts();

        /**
         * How long a random name stays its owner's after its session ended (or its gateway died):
         * only the same agent (the same client for a JWT session) may claim it meanwhile, so that a
         * webhook URL someone configured is not handed to a stranger. 0s: freed at once.
         */
        @WithDefault("24h")
        Duration nameTombstone();
    }

    /** Authentication of agents. */
    interface Auth {
        /**
         * Static tokens that let an agent in with every grant. With none configured the gateway runs
         * in public mode: anyone may connect and gets random names only.
         */
        Optional<List<String>> tokens();

        /**
         * Base URL of auth-service (for example {@code http://auth-service:8081}). When set, every
         * agent handshake is decided there (tokens, client credentials, JWTs, public sessions) and
         * {@code tokens} must be empty.
         */
        Optional<java.net.URI> serviceUrl();

        /** How long the gateway waits for auth-service before telling the agent to retry. */
        @WithDefault("3s")
        Duration serviceTimeout();

        /** TLS to auth-service ({@code https://} service URL): the CA to trust and the client certificate to present; unset: the JDK's trust store, no client certificate. */
        ServiceTls serviceTls();

        /** How long a positive answer from auth-service is reused for the same credentials (0s: never). */
        @WithDefault("30s")
        Duration cacheTtl();

        /** Most cached answers; the least recently used go first. */
        @WithDefault("10000")
        int cacheSize();

        /**
         * Most public sessions (agents without credentials) from one source address, across all
         * gateways; 0: no limit. A public session's identity is whatever the agent says, so the
         * address is what keeps one party from opening them by the thousand.
         */
        @WithDefault("10")
        int publicSessionsPerAddress();

        /** Most public sessions across all gateways together; 0: no limit. */
        @WithDefault("500")
        int publicSessions();
    }

    /** TCP tunnels: one public listener per tunnel, a stream per accepted connection. */
    interface Tcp {
        /** Address the TCP tunnel listeners bind; {@code ::} accepts IPv4 and IPv6 on a dual-stack host, {@code 0.0.0.0} IPv4 only. */
        @WithDefault("::")
        String host();

        /** Ports handed out to TCP tunnels, {@code first-last}; an agent may ask only for a port in this range. */
        @WithDefault("20000-20999")
        @WithConverter(PortRange.Converter.class)
        PortRange portRange();

        /** Host in the {@code tcp://host:port} addresses handed out; defaults to {@code http.domain}. */
        Optional<String> publicHost();

        /** Most concurrent connections on one TCP tunnel; a connection beyond it is closed at once. */
        @WithDefault("1000")
        int maxConnectionsPerTunnel();

        /** A TCP connection with no traffic in either direction for this long is closed. */
        @WithDefault("15m")
        Duration idleTimeout();

        /** Ports tried (claimed in the registry and bound) before giving up on a port from the range. */
        @WithDefault("50")
        int allocationAttempts();
    }

    /**
     * Public UDP tunnels: one socket per tunnel on a port from the range, one flow per visitor address
     * and port. A client may open the UDP ports its TCP port grants allow (counted apart from its TCP ports).
     */
    interface Udp {
        /** Address the UDP tunnel sockets bind; {@code ::} takes IPv4 and IPv6 on a dual-stack host. */
        @WithDefault("::")
        String host();

        /**
         * Ports handed out to UDP tunnels, {@code first-last}. The same numbers as the TCP range by
         * default: UDP and TCP ports are apart, so the firewall publishes the one range for both.
         */
        @WithDefault("20000-20999")
        @WithConverter(PortRange.Converter.class)
        PortRange portRange();

        /** Host in the {@code udp://host:port} addresses handed out; defaults to {@code tcp.public-host}, then {@code http.domain}. */
        Optional<String> publicHost();

        /** Most visitor flows (address and port) one UDP tunnel tracks; a datagram from one more is dropped and counted. */
        @WithDefault("1024")
        int maxFlowsPerTunnel();

        /** A flow with no datagram either way for this long is forgotten; replies after it are dropped. */
        @WithDefault("60s")
        Duration flowIdleTimeout();

        /** Largest datagram payload carried, in bytes (at most 65507, UDP's largest over IPv4); a larger one is dropped and counted. */
        @WithDefault("65507")
        int maxDatagramSize();

        /** Ports tried (claimed in the registry and bound) before giving up on a port from the range. */
        @WithDefault("50")
        int allocationAttempts();
    }

    /** Series per tunnel and per client; every tunnel adds series, so they are opt-in and bounded. */
    interface Metrics {
        /** Bytes and requests per tunnel ({@code porthole_gateway_tunnel_*}) and per client ({@code porthole_gateway_client_*}). */
        @WithDefault("false")
        boolean perTunnel();

        /** Most tunnel names with series of their own at once; the others count under {@code tunnel="other"}. */
        @WithDefault("100")
        int maxTunnels();

        /** Most client ids with series of their own at once; the others count under {@code client="other"}. */
        @WithDefault("100")
        int maxClients();
    }

    /** Graceful shutdown: stop accepting, send agents elsewhere, let open requests finish. */
    interface Shutdown {
        /**
         * How long the gateway goes on serving as usual after SIGTERM, with readiness already down,
         * so that load balancers and Kubernetes endpoints stop sending it new connections before
         * the drain starts (what a Kubernetes preStop sleep does). The drain timeout follows it:
         * keep both together below the orchestrator's grace period.
         */
        @WithDefault("5s")
        Duration preDrainDelay();

        /**
         * How long open HTTP requests and TCP connections may go on after SIGTERM; what is still
         * open then is cut. Keep it below the orchestrator's grace period (Kubernetes: 30 s).
         */
        @WithDefault("20s")
        Duration drainTimeout();
    }

    /** Settings of the edge policies agents ask for (the rules themselves come with each tunnel). */
    interface Policy {
        /** How far the timestamp of a Stripe or Slack webhook signature may be from the gateway's clock; older is a replay. */
        @WithDefault("300s")
        Duration webhookTolerance();

        /** Largest body held in memory to verify a webhook signature (and never more than {@code limits.max-body-size}); larger gets 413. */
        @WithDefault("25M")
        MemorySize webhookMaxBody();

        /** Visitor addresses whose rate-limit buckets one tunnel keeps; the least recently seen is forgotten beyond it. */
        @WithDefault("10000")
        int rateLimitVisitors();

        /**
         * How long the gateway waits for an OIDC issuer's discovery document and keys when a tunnel with a login is claimed (at
         * most half of {@code heartbeat.timeout}: the agent waits meanwhile); also the bound on a login's code exchange.
         */
        @WithDefault("5s")
        Duration oidcDiscoveryTimeout();

        /** How long an OIDC login at the edge lasts before the visitor is sent to the issuer again. */
        @WithDefault("12h")
        Duration oidcSession();

        /** Whether an agent may name an {@code http://} OIDC issuer (tests, a lab); production issuers are {@code https://}. */
        @WithDefault("false")
        boolean oidcAllowHttpIssuer();
    }

    /** Limits on what visitors and agents may send through tunnels. */
    interface Limits {
        /** Bandwidth limits; each is bytes per second (like {@code 10M}), absent for no limit. */
        Bandwidth bandwidth();

        /** Most concurrent streams (HTTP requests and TCP connections) on one tunnel; the next visitor gets 503. */
        @WithDefault("1000")
        int streamsPerTunnel();

        /** Most requests per second to one HTTP tunnel; beyond it visitors get 429 with Retry-After. Absent: no limit. */
        OptionalInt requestsPerSecondPerTunnel();

        /** Largest request body a visitor may send through an HTTP tunnel; larger gets 413. */
        @WithDefault("100M")
        MemorySize maxBodySize();
    }

    /** Token buckets on the bytes tunnels carry; an empty bucket pauses the sender, it never drops bytes. */
    interface Bandwidth {
        /** All visitors to all agents, across every tunnel of this gateway. */
        Optional<MemorySize> upload();

        /** All agents to all visitors, across every tunnel of this gateway. */
        Optional<MemorySize> download();

        /** Per client, visitors to its agents, when its grants set no upload limit. */
        Optional<MemorySize> clientUpload();

        /** Per client, its agents to visitors, when its grants set no download limit. */
        Optional<MemorySize> clientDownload();
    }
}
