package dev.porthole.auth.rest;

import dev.porthole.auth.repository.ClientRecord;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.time.Instant;

/** Request and answer bodies of the client endpoints. */
public final class ClientBodies {

    private ClientBodies() {}

    /** DNS-safe client id: one DNS label, lower case. */
    public static final String CLIENT_ID = "^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$";

    public static final String CLIENT_ID_MESSAGE =
            "must be a DNS label: 1-63 characters a-z, 0-9 and '-', not starting or ending with '-'";

    /**
     * A new client.
     *
     * @param id the client id, DNS-safe
     * @param description free text for operators
     * @param enabled whether it may authenticate (default true)
     * @param grants what it may claim (default: random names only)
     */
    public record CreateClient(
            @NotNull @Pattern(regexp = CLIENT_ID, message = CLIENT_ID_MESSAGE)
            String id,

            @Size(max = 200) String description,
            Boolean enabled,
            @Valid GrantsBody grants) {}

    /**
     * New grants for a client.
     *
     * @param grants what it may claim
     */
    public record UpdateGrants(@NotNull @Valid GrantsBody grants) {}

    /** A client as the admin API shows it: never its secret or secret hash. */
    public record ClientView(
            String id, String description, boolean enabled, GrantsBody grants, Instant createdAt, Instant updatedAt) {
        static ClientView of(ClientRecord client) {
            return new ClientView(
                    client.id(),
                    client.description(),
                    client.enabled(),
                    GrantsBody.of(client.grants()),
                    client.createdAt(),
                    client.updatedAt());
        }
    }

    /**
     * A client with its secret, answered once at creation or rotation.
     *
     * @param client the client
     * @param clientSecret the secret in clear: store it now, it is never shown again
     */
    public record ClientWithSecret(ClientView client, String clientSecret) {}
}
