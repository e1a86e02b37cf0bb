package dev.porthole.gateway.tls;

import io.quarkus.arc.DefaultBean;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Optional;

/** No ACME client: no challenge is ever pending, so the redirect listener answers 404 for them. */
@ApplicationScoped
@DefaultBean
public class NoAcmeChallenges implements AcmeHttpChallenges {

    @Override
    public Optional<String> keyAuthorization(String token) {
        return Optional.empty();
    }
}
