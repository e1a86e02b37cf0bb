package dev.porthole.gateway.tls;

/**
 * Where the public listener's certificates come from: PEM files ({@link PemCertificateFiles}) now;
 * an ACME store can implement the same two calls later.
 */
public interface CertificateSource {

    /** What the source reads, for logs and events (for example the file names). */
    String describe();

    /**
     * A cheap fingerprint of what the source holds now; a different value than last time means that
     * {@link #load()} may give something new.
     */
    String version();

    /**
     * The certificates to serve.
     *
     * @throws CertificateProblems naming every file and what is wrong with it, when any entry is unusable
     */
    ServedCertificates load() throws CertificateProblems;
}
