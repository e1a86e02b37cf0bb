package dev.porthole.gateway.tls;

import java.math.BigInteger;

/**
 * Certificates obtained while the gateway runs (from ACME, per tunnel name), asked by
 * {@link SniKeyManager} during a handshake before it falls back to the configured files. Both calls
 * run on the event loop: they answer from memory and never block.
 */
public interface HandshakeCertificates {

    /** The certificate for {@code host}, or null when there is none yet (the implementation may start getting one). */
    ServedCertificate forHost(String host);

    /** The certificate for {@code host} with {@code serial}, the current one or the one just before it; null when neither. */
    ServedCertificate bySerial(String host, BigInteger serial);
}
