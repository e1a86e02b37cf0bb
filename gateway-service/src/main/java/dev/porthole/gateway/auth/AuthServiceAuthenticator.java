package dev.porthole.gateway.auth;

import com.fasterxml.jackson.databind.JsonNode;
import dev.porthole.protocol.auth.AgentCredentials;
import dev.porthole.protocol.auth.Principal;
import dev.porthole.protocol.auth.SessionCheck;
import dev.porthole.protocol.auth.SessionStanding;
import dev.porthole.protocol.broadcast.ControlBroadcast;
import dev.porthole.protocol.problem.Problem;
import io.quarkus.logging.Log;
import io.vertx.core.Future;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.GenericType;
import jakarta.ws.rs.core.Response;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Asks auth-service about every agent handshake, with a timeout, and reuses positive answers for a
 * short time. auth-service unreachable or slow: the agent is told to retry (503 with Retry-After),
 * and tunnels already open keep serving.
 */
public final class AuthServiceAuthenticator implements AgentAuthenticator {

    static final long RETRY_AFTER_SECONDS = 5;
    /** Sessions per session-check request: auth-service takes at most 1,000. */
    static final int RECHECK_BATCH = 500;

    private static final String SERVICE_UNAUTHORIZED = Problem.TYPE_PREFIX + "service-unauthorized";

    private final AuthServiceApi api;
    private final String serviceCredential;
    private final Duration timeout;
    private final PrincipalCache cache;

    public AuthServiceAuthenticator(AuthServiceApi api, String internalToken, Duration timeout, PrincipalCache cache) {
        this.api = api;
        this.serviceCredential = internalToken == null ? null : "Bearer " + internalToken;
        this.timeout = timeout;
        this.cache = cache;
    }

    @Override
    public Future<Principal> authenticate(AgentCredentials credentials) {
        String key = PrincipalCache.key(credentials);
        Principal cached = cache.get(key);
        if (cached != null) {
            return Future.succeededFuture(cached);
        }
        return Future.fromCompletionStage(api.authenticate(serviceCredential, credentials)
                .ifNoItem()
                .after(timeout)
                .fail()
                .onFailure(WebApplicationException.class)
                .recoverWithItem(error -> ((WebApplicationException) error).getResponse())
                .map(response -> decide(response, key))
                .onFailure(error -> !(error instanceof AgentRejectedException))
                .transform(AuthServiceAuthenticator::unreachable)
                .subscribeAsCompletionStage());
    }

    @Override
    public void forget(ControlBroadcast broadcast) {
        cache.forget(principal -> switch (broadcast) {
            case ControlBroadcast.ClientDisabled b -> b.clientId().equals(principal.clientId());
            case ControlBroadcast.ClientDeleted b -> b.clientId().equals(principal.clientId());
            case ControlBroadcast.ClientGrantsChanged b -> b.clientId().equals(principal.clientId());
            case ControlBroadcast.CredentialRevoked b -> b.credentialId().equals(principal.credentialId());
            case ControlBroadcast.SigningKeyRetired b -> b.keyId().equals(principal.signingKeyId());
            case ControlBroadcast.SessionKicked b -> false;
        });
    }

    @Override
    public void forgetAll() {
        cache.forget(principal -> true);
    }

    @Override
    public Future<List<SessionStanding>> recheck(List<SessionCheck> checks) {
        List<Future<List<SessionStanding>>> batches = new ArrayList<>();
        for (int from = 0; from < checks.size(); from += RECHECK_BATCH) {
            List<SessionCheck> batch = checks.subList(from, Math.min(checks.size(), from + RECHECK_BATCH));
            batches.add(Future.fromCompletionStage(api.checkSessions(serviceCredential, List.copyOf(batch))
                    .ifNoItem()
                    .after(timeout)
                    .fail()
                    .map(response -> standings(response, batch.size()))
                    .subscribeAsCompletionStage()));
        }
        return Future.all(batches)
                .map(all -> batches.stream()
                        .flatMap(batch -> batch.result().stream())
                        .toList());
    }

    private static List<SessionStanding> standings(Response response, int asked) {
        if (response.getStatus() != 200) {
            throw new IllegalStateException("auth-service answered " + response.getStatus() + " to a session check");
        }
        List<SessionStanding> standings = response.readEntity(new GenericType<List<SessionStanding>>() {});
        if (standings == null || standings.size() != asked) {
            throw new IllegalStateException("auth-service answered " + (standings == null ? 0 : standings.size())
                    + " standings to " + asked + " session checks");
        }
        return standings;
    }

    private Principal decide(Response response, String key) {
        int status = response.getStatus();
        if (status == 200) {
            Principal principal = response.readEntity(Principal.class);
            cache.put(key, principal);
            return principal;
        }
        JsonNode problem = problem(response);
        String detail = problem.path("detail").asText("");
        String type = problem.path("type").asText("");
        long retryAfter = retryAfter(response);
        if (type.equals(SERVICE_UNAUTHORIZED) || status == 503 && type.endsWith("internal-token-missing")) {
            Log.errorf(
                    "auth-service refused the gateway's service credential (%s): set the same PORTHOLE_INTERNAL_TOKEN on both",
                    detail);
            throw new AgentRejectedException(
                    503,
                    "authentication is unavailable right now (the gateway is misconfigured); the agent will retry",
                    RETRY_AFTER_SECONDS);
        }
        throw switch (status) {
            case 401, 403 ->
                new AgentRejectedException(status, detail.isEmpty() ? "the credentials were not accepted" : detail);
            case 429 ->
                new AgentRejectedException(
                        429,
                        detail.isEmpty() ? "too many failed attempts; try again later" : detail,
                        Math.max(1, retryAfter));
            default -> {
                Log.warnf("auth-service answered %d to an agent handshake: %s", status, detail);
                yield new AgentRejectedException(
                        503,
                        "authentication is unavailable right now; the agent will retry",
                        retryAfter > 0 ? retryAfter : RETRY_AFTER_SECONDS);
            }
        };
    }

    private static Throwable unreachable(Throwable error) {
        Log.warnf("auth-service did not answer an agent handshake: %s", error.toString());
        return new AgentRejectedException(
                503,
                "authentication is unavailable right now (auth-service did not answer); the agent will retry",
                RETRY_AFTER_SECONDS);
    }

    private static JsonNode problem(Response response) {
        try {
            return response.readEntity(JsonNode.class);
        } catch (RuntimeException e) {
            return com.fasterxml.jackson.databind.node.MissingNode.getInstance();
        }
    }

    private static long retryAfter(Response response) {
        String value = response.getHeaderString("Retry-After");
        try {
            return value == null ? 0 : Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
