package dev.porthole.gateway.tls;

import java.math.BigInteger;
import java.net.Socket;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.ExtendedSSLSession;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SNIServerName;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.StandardConstants;
import javax.net.ssl.X509ExtendedKeyManager;

/**
 * Picks the certificate for each TLS handshake by the server name the visitor sent (SNI), from a set
 * that {@link #serve} swaps atomically: the next handshake gets the new set, no connection is
 * dropped. (Vert.x's {@code HttpServer.updateSSLOptions} in 4.5 rebuilds its TLS context
 * asynchronously and fails the connections that arrive meanwhile, so the gateway keeps the context
 * and swaps the certificates underneath it.)
 */
public final class SniKeyManager extends X509ExtendedKeyManager {

    /** The set served now and the one before it, for a handshake that chose its alias just before a swap. */
    private record Generation(long number, ServedCertificates served, Generation previous) {}

    private static final String ON_DEMAND = "host:";

    private final AtomicReference<Generation> current;
    private final HandshakeCertificates onDemand;

    public SniKeyManager(ServedCertificates initial) {
        this(initial, null);
    }

    /**
     * @param initial the certificates from files, or null for none
     * @param onDemand certificates per host name obtained while running (ACME), asked before falling back to
     *        a file's certificate that does not cover the host; null for none
     */
    public SniKeyManager(ServedCertificates initial, HandshakeCertificates onDemand) {
        this.current = new AtomicReference<>(new Generation(0, initial, null));
        this.onDemand = onDemand;
    }

    /** Serves {@code served} from the next handshake on. */
    public void serve(ServedCertificates served) {
        current.updateAndGet(
                now -> new Generation(now.number() + 1, served, new Generation(now.number(), now.served(), null)));
    }

    @Override
    public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
        return choose(keyType, engine == null ? null : engine.getHandshakeSession());
    }

    @Override
    public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
        return choose(keyType, socket instanceof SSLSocket ssl ? ssl.getHandshakeSession() : null);
    }

    private String choose(String keyType, SSLSession handshake) {
        Generation generation = current.get();
        List<ServedCertificate> certificates = certificates(generation);
        String host = serverName(handshake);
        int fallback = -1;
        for (int i = 0; i < certificates.size(); i++) {
            ServedCertificate certificate = certificates.get(i);
            if (!fits(certificate, keyType)) {
                continue;
            }
            if (host == null || certificate.covers(host)) {
                return alias(generation, i);
            }
            if (fallback < 0) {
                fallback = i;
            }
        }
        if (host != null && onDemand != null) {
            ServedCertificate obtained = onDemand.forHost(host.toLowerCase(Locale.ROOT));
            if (obtained != null && fits(obtained, keyType)) {
                return ON_DEMAND + host.toLowerCase(Locale.ROOT) + "#"
                        + obtained.serial().toString(16);
            }
        }
        // None yet: the first file's certificate (a wildcard, say) if any, else no alias and the handshake fails.
        return fallback < 0 ? null : alias(generation, fallback);
    }

    private static List<ServedCertificate> certificates(Generation generation) {
        return generation.served() == null ? List.of() : generation.served().certificates();
    }

    private static String serverName(SSLSession handshake) {
        if (handshake instanceof ExtendedSSLSession extended) {
            for (SNIServerName name : extended.getRequestedServerNames()) {
                if (name.getType() == StandardConstants.SNI_HOST_NAME && name instanceof SNIHostName host) {
                    return host.getAsciiName();
                }
            }
        }
        return null;
    }

    /** Whether the certificate's key can do what the handshake asks ({@code EC}, {@code RSA}, {@code RSASSA-PSS}, {@code EdDSA}...). */
    private static boolean fits(ServedCertificate certificate, String keyType) {
        if (keyType == null) {
            return true;
        }
        String algorithm = certificate.key().getAlgorithm().toUpperCase(Locale.ROOT);
        String wanted = keyType.toUpperCase(Locale.ROOT);
        return wanted.equals(algorithm)
                || wanted.startsWith(algorithm + "_")
                || (wanted.equals("RSASSA-PSS") && algorithm.equals("RSA"))
                || (wanted.equals("EDDSA") && (algorithm.equals("ED25519") || algorithm.equals("ED448")));
    }

    private static String alias(Generation generation, int index) {
        return generation.number() + ":" + index;
    }

    private ServedCertificate byAlias(String alias) {
        if (alias == null) {
            return null;
        }
        if (alias.startsWith(ON_DEMAND) && onDemand != null) {
            int hash = alias.lastIndexOf('#');
            try {
                return hash < 0
                        ? null
                        : onDemand.bySerial(
                                alias.substring(ON_DEMAND.length(), hash),
                                new BigInteger(alias.substring(hash + 1), 16));
            } catch (NumberFormatException e) {
                return null;
            }
        }
        int colon = alias.indexOf(':');
        if (colon < 0) {
            return null;
        }
        long number;
        int index;
        try {
            number = Long.parseLong(alias.substring(0, colon));
            index = Integer.parseInt(alias.substring(colon + 1));
        } catch (NumberFormatException e) {
            return null;
        }
        for (Generation generation = current.get(); generation != null; generation = generation.previous()) {
            if (generation.number() == number) {
                List<ServedCertificate> certificates = certificates(generation);
                return index >= 0 && index < certificates.size() ? certificates.get(index) : null;
            }
        }
        return null;
    }

    @Override
    public X509Certificate[] getCertificateChain(String alias) {
        ServedCertificate certificate = byAlias(alias);
        return certificate == null ? null : certificate.chain().toArray(X509Certificate[]::new);
    }

    @Override
    public PrivateKey getPrivateKey(String alias) {
        ServedCertificate certificate = byAlias(alias);
        return certificate == null ? null : certificate.key();
    }

    @Override
    public String[] getServerAliases(String keyType, Principal[] issuers) {
        Generation generation = current.get();
        List<String> aliases = new ArrayList<>();
        List<ServedCertificate> certificates = certificates(generation);
        for (int i = 0; i < certificates.size(); i++) {
            if (fits(certificates.get(i), keyType)) {
                aliases.add(alias(generation, i));
            }
        }
        return aliases.isEmpty() ? null : aliases.toArray(String[]::new);
    }

    @Override
    public String[] getClientAliases(String keyType, Principal[] issuers) {
        return null;
    }

    @Override
    public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
        return null;
    }

    @Override
    public String chooseEngineClientAlias(String[] keyType, Principal[] issuers, SSLEngine engine) {
        return null;
    }
}
