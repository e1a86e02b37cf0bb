package dev.porthole.gateway.cluster;

import dev.porthole.gateway.config.GatewayConfig;
import dev.porthole.gateway.config.MtlsConfig;
import io.vertx.core.http.ClientAuth;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import java.util.Optional;

/**
 * The TLS options of the hop between gateways when {@code cluster.mtls} is set: the peer listener
 * requires a client certificate signed by the cluster's CA, and the forwarding clients present this
 * gateway's certificate and trust only that CA. Host names are not checked: the peers' internal
 * addresses are whatever the operator publishes, and a certificate from the cluster's own CA is what
 * makes a peer (the cluster token is still checked on every request).
 */
public final class PeerMutualTls {

    private final PemKeyCertOptions ownCertificate;
    private final PemTrustOptions clusterCa;

    private PeerMutualTls(MtlsConfig files) {
        this.ownCertificate = new PemKeyCertOptions()
                .setCertPath(files.certFile().orElseThrow())
                .setKeyPath(files.keyFile().orElseThrow());
        this.clusterCa = new PemTrustOptions().addCertPath(files.caFile().orElseThrow());
    }

    /** The options when mTLS between gateways is configured (all three files; {@code ConfigCheck} refuses a part of them). */
    public static Optional<PeerMutualTls> of(GatewayConfig config) {
        MtlsConfig files = config.cluster().mtls();
        return on(config) ? Optional.of(new PeerMutualTls(files)) : Optional.empty();
    }

    /** Whether {@code cluster.mtls} is configured. */
    public static boolean on(GatewayConfig config) {
        MtlsConfig files = config.cluster().mtls();
        return files.certFile().isPresent()
                && files.keyFile().isPresent()
                && files.caFile().isPresent();
    }

    /** The peer listener: TLS, and no request before a client certificate from the cluster's CA. */
    HttpServerOptions server(HttpServerOptions options) {
        return options.setSsl(true)
                .setKeyCertOptions(ownCertificate.copy())
                .setTrustOptions(clusterCa.copy())
                .setClientAuth(ClientAuth.REQUIRED);
    }

    /** The forwarding client for requests. */
    HttpClientOptions client(HttpClientOptions options) {
        return options.setSsl(true)
                .setKeyCertOptions(ownCertificate.copy())
                .setTrustOptions(clusterCa.copy())
                .setVerifyHost(false);
    }

    /** The forwarding client for carried streams (TCP and passthrough tunnels). */
    NetClientOptions client(NetClientOptions options) {
        return options.setSsl(true)
                .setKeyCertOptions(ownCertificate.copy())
                .setTrustOptions(clusterCa.copy())
                .setHostnameVerificationAlgorithm("");
    }
}
