package dev.porthole.auth.rest;

import dev.porthole.auth.jwt.SigningKey;
import dev.porthole.auth.service.SigningKeyService;
import dev.porthole.protocol.admin.AdminTokenKey;
import io.quarkus.security.identity.SecurityIdentity;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import java.time.Instant;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** Admin API for the JWT signing secrets: {@code /api/v1/signing-secrets}. Secrets themselves are never shown. */
@Path("/api/v1/signing-secrets")
@RolesAllowed(AdminTokenKey.ADMIN_ROLE)
@Tag(name = "signing-secrets")
@SecurityRequirement(name = "adminJwt")
public class SigningSecretResource {

    /** A signing secret's id and age. */
    public record KeyView(String kid, Instant createdAt) {
        static KeyView of(SigningKey key) {
            return key == null ? null : new KeyView(key.kid(), key.createdAt());
        }
    }

    /** Both secrets: {@code previous} is null when none is active. */
    public record SigningSecrets(KeyView current, KeyView previous) {
        static SigningSecrets of(SigningKeyService.KeyPair pair) {
            return new SigningSecrets(
                    KeyView.of(pair.current()), KeyView.of(pair.previous().orElse(null)));
        }
    }

    private final SigningKeyService service;
    private final SecurityIdentity identity;

    public SigningSecretResource(SigningKeyService service, SecurityIdentity identity) {
        this.service = service;
        this.identity = identity;
    }

    @GET
    @Operation(summary = "Ids of the current and previous signing secrets")
    public SigningSecrets status() {
        return SigningSecrets.of(service.status());
    }

    @POST
    @Path("rotate")
    @Operation(summary = "Rotate: the current secret becomes previous (still verifies), a new one signs")
    public SigningSecrets rotate() {
        return SigningSecrets.of(service.rotate(identity.getPrincipal().getName()));
    }

    @DELETE
    @Path("previous")
    @Operation(summary = "Retire the previous secret: JWTs signed with it stop working and their sessions close")
    public SigningSecrets retire() {
        return SigningSecrets.of(service.retirePrevious(identity.getPrincipal().getName()));
    }
}
