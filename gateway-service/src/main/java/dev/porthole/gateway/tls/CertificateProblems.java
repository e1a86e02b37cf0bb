package dev.porthole.gateway.tls;

import java.util.List;

/** Certificates that cannot be served: one sentence per problem, each naming its file. */
public final class CertificateProblems extends Exception {

    private final List<String> problems;

    public CertificateProblems(List<String> problems) {
        super(String.join("; ", problems), null, false, false);
        this.problems = List.copyOf(problems);
    }

    public List<String> problems() {
        return problems;
    }
}
