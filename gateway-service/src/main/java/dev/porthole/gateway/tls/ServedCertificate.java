package dev.porthole.gateway.tls;

import java.math.BigInteger;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;
import java.util.Locale;

/**
 * One certificate chain and its key, checked and ready to serve.
 *
 * @param certSource where the chain came from (a file name)
 * @param keySource where the key came from
 * @param chain the chain, leaf first
 * @param key the leaf's private key
 * @param names the DNS names of the leaf (subject alternative names, else its common name), lower case
 */
public record ServedCertificate(
        String certSource, String keySource, List<X509Certificate> chain, PrivateKey key, List<String> names) {

    public ServedCertificate {
        chain = List.copyOf(chain);
        names = names.stream().map(name -> name.toLowerCase(Locale.ROOT)).toList();
    }

    public BigInteger serial() {
        return chain.getFirst().getSerialNumber();
    }

    public Instant notAfter() {
        return chain.getFirst().getNotAfter().toInstant();
    }

    /** Whether the leaf is for {@code host}: a name equal to it, or a wildcard {@code *.rest} where host is one label plus {@code .rest}. */
    public boolean covers(String host) {
        String lower = host.toLowerCase(Locale.ROOT);
        for (String name : names) {
            if (name.equals(lower)) {
                return true;
            }
            if (name.startsWith("*.")) {
                int dot = lower.indexOf('.');
                if (dot > 0 && lower.substring(dot).equals(name.substring(1))) {
                    return true;
                }
            }
        }
        return false;
    }

    /** {@code *.example.com, example.com (serial 1f, until 2027-03-01T00:00:00Z)}, for logs and events. */
    public String summary() {
        return String.join(", ", names) + " (serial " + serial().toString(16) + ", until " + notAfter() + ")";
    }
}
