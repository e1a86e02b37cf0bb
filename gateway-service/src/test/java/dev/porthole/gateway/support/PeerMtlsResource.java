package dev.porthole.gateway.support;

import dev.porthole.testing.FreePorts;
import dev.porthole.testing.TestCertificates;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * One gateway of a cluster with mutual TLS between gateways: a cluster CA that signed this gateway's
 * certificate and another peer's ({@link #peer()}), a stranger's CA with a certificate of its own
 * ({@link #stranger()}), and a peer listener on a free port ({@link #peerPort()}).
 */
public final class PeerMtlsResource implements QuarkusTestResourceLifecycleManager {

    public static final String INSTANCE_ID = "gw-mtls";
    public static final String INTERNAL_TOKEN = "cluster-token-mtls-0123456789";

    private static volatile TestCertificates clusterCa;
    private static volatile TestCertificates.Leaf peer;
    private static volatile TestCertificates.Leaf stranger;
    private static volatile int peerPort;

    /** The cluster's CA. */
    public static Path caFile() {
        return clusterCa.caFile();
    }

    /** Another gateway's certificate, signed by the cluster's CA. */
    public static TestCertificates.Leaf peer() {
        return peer;
    }

    /** A certificate for the same name signed by a CA the cluster does not know. */
    public static TestCertificates.Leaf stranger() {
        return stranger;
    }

    public static int peerPort() {
        return peerPort;
    }

    @Override
    public Map<String, String> start() {
        try {
            Path folder = Files.createTempDirectory("porthole-peer-mtls");
            clusterCa = TestCertificates.newCa(folder.resolve("cluster"), "Porthole Cluster CA");
            TestCertificates.Leaf own = clusterCa.clientAndServerLeaf("gateway-a.cluster.internal");
            peer = clusterCa.clientAndServerLeaf("gateway-b.cluster.internal");
            stranger = TestCertificates.newCa(folder.resolve("stranger"), "Stranger CA")
                    .clientAndServerLeaf("gateway-b.cluster.internal");
            peerPort = FreePorts.loopback();
            return Map.of(
                    "porthole.gateway.cluster.internal-address",
                    "127.0.0.1:" + peerPort,
                    "porthole.internal.token",
                    INTERNAL_TOKEN,
                    "porthole.gateway.instance-id",
                    INSTANCE_ID,
                    "porthole.gateway.cluster.mtls.cert-file",
                    own.cert().toString(),
                    "porthole.gateway.cluster.mtls.key-file",
                    own.key().toString(),
                    "porthole.gateway.cluster.mtls.ca-file",
                    clusterCa.caFile().toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void stop() {}
}
