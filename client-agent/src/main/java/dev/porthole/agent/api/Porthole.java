package dev.porthole.agent.api;

import dev.porthole.agent.tunnel.GatewayTrust;
import dev.porthole.protocol.message.TunnelKind;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Objects;

/**
 * Publishes a Java program through a Porthole gateway without a separate agent process: the
 * program is the tunnel's local service. {@code Porthole.listen(server, token, "api")} for an HTTP
 * tunnel, {@link #builder()} for a TCP tunnel, credentials, trust and {@code --ha}. See
 * docs/agent.md ("The listener API") for a whole program.
 */
public final class Porthole {

    private Porthole() {}

    /**
     * Publishes an HTTP tunnel on {@code https://<name>.<domain>}; blocks until the gateway granted it.
     * Install the request handler with {@link PortholeListener#handle}.
     *
     * @param server the gateway's URL, as {@code --server}: {@code https://gateway.example.com}
     * @param token an API token or JWT, as {@code --token}
     * @param name the subdomain to ask for; null or empty for a random one
     * @throws PortholeException naming the gateway's refusal, or why it could not be reached
     */
    public static PortholeListener listen(String server, String token, String name) throws PortholeException {
        return builder().server(server).token(token).http(name);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The options of the CLI agent that a listener takes, and the tunnel it publishes (the last call). */
    public static final class Builder {

        static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(30);
        static final int DEFAULT_BACKLOG = 64;

        URI server;
        String authorization;
        String caFile;
        boolean insecure;
        final List<String> pins = new ArrayList<>();
        boolean ha;
        Duration connectTimeout = DEFAULT_CONNECT_TIMEOUT;
        Duration responseTimeout = Duration.ofSeconds(60);
        int backlog = DEFAULT_BACKLOG;

        private Builder() {}

        /** The gateway's URL ({@code --server}): {@code http://}, {@code https://}, {@code ws://} or {@code wss://}. */
        public Builder server(String url) {
            Objects.requireNonNull(url, "server");
            URI uri;
            try {
                uri = URI.create(url.trim());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("server '" + url + "' is not a URL: " + e.getMessage());
            }
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(java.util.Locale.ROOT);
            if (!List.of("http", "https", "ws", "wss").contains(scheme) || uri.getHost() == null) {
                throw new IllegalArgumentException(
                        "server must look like https://gateway.example.com (http, https, ws or wss), was '" + url
                                + "'");
            }
            this.server = uri;
            return this;
        }

        /** An API token or JWT ({@code --token}), sent as {@code Authorization: Bearer}. */
        public Builder token(String token) {
            this.authorization = token == null || token.isBlank() ? null : "Bearer " + token.trim();
            return this;
        }

        /** A client id and secret ({@code --credentials id:secret}), sent as {@code Authorization: Basic}. */
        public Builder credentials(String clientId, String secret) {
            if (clientId == null || clientId.isEmpty() || clientId.indexOf(':') >= 0 || secret == null) {
                throw new IllegalArgumentException("credentials need a client id without ':' and a secret");
            }
            this.authorization = "Basic "
                    + Base64.getEncoder().encodeToString((clientId + ":" + secret).getBytes(StandardCharsets.UTF_8));
            return this;
        }

        /** Trusts only the CA certificate(s) in this PEM file for the gateway ({@code --ca}). */
        public Builder ca(Path pemFile) {
            this.caFile = pemFile.toString();
            return this;
        }

        /** Accepts only a gateway whose public key has this digest, {@code sha256/<base64>} ({@code --pin}); repeat for a rollover. */
        public Builder pin(String pin) {
            pins.add(pin);
            return this;
        }

        /** Skips the certificate chain and host checks ({@code --insecure}); logged as a warning. */
        public Builder insecure(boolean insecure) {
            this.insecure = insecure;
            return this;
        }

        /** Keeps a second connection to another gateway instance for an HTTP tunnel ({@code --ha}). */
        public Builder ha(boolean ha) {
            this.ha = ha;
            return this;
        }

        /** How long {@link #http}/{@link #tcp} wait for the gateway to grant the tunnel (30 s). */
        public Builder connectTimeout(Duration timeout) {
            if (timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("connectTimeout must be positive, was " + timeout);
            }
            this.connectTimeout = timeout;
            return this;
        }

        /** How long the handler may take to start answering before the visitor gets 504 (60 s, {@code --upstream-timeout}). */
        public Builder responseTimeout(Duration timeout) {
            if (timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("responseTimeout must be positive, was " + timeout);
            }
            this.responseTimeout = timeout;
            return this;
        }

        /**
         * TCP: connections that may wait for {@link PortholeListener#accept()} (64); one more is
         * reset at once, so the visitor sees the connection closed.
         */
        public Builder backlog(int connections) {
            if (connections < 1 || connections > 4096) {
                throw new IllegalArgumentException("backlog must be between 1 and 4096, was " + connections);
            }
            this.backlog = connections;
            return this;
        }

        /**
         * Publishes an HTTP tunnel; blocks until the gateway granted it.
         *
         * @param subdomain the name to ask for; null or empty for a random one
         * @throws PortholeException naming the gateway's refusal, or why it could not be reached
         */
        public PortholeListener http(String subdomain) throws PortholeException {
            return PortholeListener.open(this, TunnelKind.HTTP, subdomain, 0);
        }

        /** Publishes an HTTP tunnel with a random name. */
        public PortholeListener http() throws PortholeException {
            return http(null);
        }

        /**
         * Publishes a TCP tunnel on the gateway's port {@code port} (0: any free one); blocks until
         * the gateway granted it. Take its connections with {@link PortholeListener#accept()}.
         *
         * @throws PortholeException naming the gateway's refusal, or why it could not be reached
         */
        public PortholeListener tcp(int port) throws PortholeException {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("port must be between 1 and 65535 (or 0 for any), was " + port);
            }
            return PortholeListener.open(this, TunnelKind.TCP, null, port);
        }

        GatewayTrust trust() {
            return GatewayTrust.of(caFile, insecure, pins);
        }
    }
}
