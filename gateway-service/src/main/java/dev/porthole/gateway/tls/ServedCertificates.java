package dev.porthole.gateway.tls;

import java.util.List;
import java.util.stream.Collectors;

/**
 * Every certificate the public listener serves; with several, the visitor's SNI picks the one whose
 * names cover it (the first of a fitting key type when none does or no SNI was sent).
 */
public record ServedCertificates(List<ServedCertificate> certificates) {

    public ServedCertificates {
        certificates = List.copyOf(certificates);
        if (certificates.isEmpty()) {
            throw new IllegalArgumentException("no certificate to serve");
        }
    }

    /** One summary per certificate, for logs and events. */
    public String summary() {
        return certificates.stream().map(ServedCertificate::summary).collect(Collectors.joining("; "));
    }
}
