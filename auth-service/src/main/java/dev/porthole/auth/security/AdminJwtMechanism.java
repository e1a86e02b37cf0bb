package dev.porthole.auth.security;

import dev.porthole.auth.jwt.AdminJwtVerifier;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.identity.IdentityProviderManager;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.request.AuthenticationRequest;
import io.quarkus.security.runtime.QuarkusPrincipal;
import io.quarkus.security.runtime.QuarkusSecurityIdentity;
import io.quarkus.vertx.http.runtime.security.ChallengeData;
import io.quarkus.vertx.http.runtime.security.HttpAuthenticationMechanism;
import io.smallrye.jwt.auth.principal.ParseException;
import io.smallrye.mutiny.Uni;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Set;
import org.eclipse.microprofile.jwt.JsonWebToken;

/**
 * Authenticates admin API calls from {@code Authorization: Bearer <admin JWT>}, verified with the key
 * derived from the bootstrap admin key (never a key smallrye-jwt configures or generates); the JWT's
 * {@code groups} become roles. No header: anonymous (then {@code @RolesAllowed} answers 401).
 */
@ApplicationScoped
public class AdminJwtMechanism implements HttpAuthenticationMechanism {

    private final AdminJwtVerifier verifier;

    public AdminJwtMechanism(AdminJwtVerifier verifier) {
        this.verifier = verifier;
    }

    @Override
    public Uni<SecurityIdentity> authenticate(RoutingContext context, IdentityProviderManager identityProviderManager) {
        String authorization = context.request().getHeader("Authorization");
        if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return Uni.createFrom().nullItem();
        }
        try {
            JsonWebToken jwt = verifier.verify(authorization.substring(7).trim());
            String name = jwt.getSubject() == null ? "admin" : jwt.getSubject();
            return Uni.createFrom()
                    .item(QuarkusSecurityIdentity.builder()
                            .setPrincipal(new QuarkusPrincipal(name))
                            .addRoles(jwt.getGroups())
                            .build());
        } catch (ParseException e) {
            return Uni.createFrom().failure(new AuthenticationFailedException("admin JWT refused"));
        }
    }

    @Override
    public Uni<ChallengeData> getChallenge(RoutingContext context) {
        return Uni.createFrom().item(new ChallengeData(401, "WWW-Authenticate", "Bearer realm=\"porthole-admin\""));
    }

    @Override
    public Set<Class<? extends AuthenticationRequest>> getCredentialTypes() {
        return Set.of();
    }
}
