package dev.porthole.gateway.policy;

import dev.porthole.gateway.config.GatewayConfig;
import dev.porthole.gateway.config.GatewayInstance;
import dev.porthole.gateway.config.InternalCredential;
import dev.porthole.gateway.events.EventPublisher;
import dev.porthole.gateway.metrics.GatewayMetrics;
import dev.porthole.protocol.auth.SourceAddress;
import dev.porthole.protocol.event.PortholeEvent;
import dev.porthole.protocol.message.TunnelPolicy;
import io.github.bucket4j.TimeMeter;
import io.netty.util.NetUtil;
import io.quarkus.logging.Log;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import jakarta.enterprise.context.ApplicationScoped;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Applies a tunnel's edge policy to a visitor's request before anything of it crosses the tunnel,
 * rule by rule in the order of {@link PolicyRule}: IP, rate limit, basic auth or OIDC login, webhook signature
 * (headers are rewritten later, when the request goes out). Every decision is counted per rule and
 * outcome; a refusal is also a {@code policy.refused} event, at most one a minute per tunnel and rule.
 */
@ApplicationScoped
public class PolicyGate {

    /** bcrypt checks that may run at once on this gateway; more answer 503 rather than queue without bound. */
    static final int MAX_PASSWORD_CHECKS = 8;

    static final Duration REPORT_INTERVAL = Duration.ofMinutes(1);
    private static final int MAX_REPORT_KEYS = 10_000;

    private final Vertx vertx;
    private final GatewayMetrics metrics;
    private final EventPublisher events;
    private final GatewayInstance instance;
    private final boolean trustForwarded;
    private final Duration tolerance;
    private final long webhookMaxBody;
    private final int rateLimitVisitors;
    private final Clock clock;
    private final boolean allowHttpIssuer;
    private final Duration discoveryTimeout;
    private final Duration requestTimeout;
    private final OidcFlow oidc;
    private final AtomicInteger passwordChecks = new AtomicInteger();
    private final Map<String, Long> reported = new ConcurrentHashMap<>();

    public PolicyGate(
            Vertx vertx,
            GatewayMetrics metrics,
            EventPublisher events,
            GatewayInstance instance,
            GatewayConfig config,
            InternalCredential credential) {
        this.vertx = vertx;
        this.metrics = metrics;
        this.events = events;
        this.instance = instance;
        this.trustForwarded = config.http().trustForwardedHeaders();
        this.tolerance = config.policy().webhookTolerance();
        this.webhookMaxBody = config.policy().webhookMaxBody().asLongValue();
        this.rateLimitVisitors = config.policy().rateLimitVisitors();
        this.clock = Clock.systemUTC();
        this.allowHttpIssuer = config.policy().oidcAllowHttpIssuer();
        // The agent waits for WELCOME while its issuer is discovered, and its session's heartbeat clock runs meanwhile.
        Duration halfHeartbeat = config.heartbeat().timeout().dividedBy(2);
        this.discoveryTimeout = config.policy().oidcDiscoveryTimeout().compareTo(halfHeartbeat) > 0
                ? halfHeartbeat
                : config.policy().oidcDiscoveryTimeout();
        this.requestTimeout = config.policy().oidcDiscoveryTimeout();
        this.oidc = new OidcFlow(
                new OidcCookie(credential.token()), config.policy().oidcSession(), requestTimeout, trustForwarded);
    }

    /**
     * Parses and checks an agent's policy for a tunnel it claims, and discovers its OIDC issuer:
     * fails with an {@link InvalidPolicyException} naming each bad rule, or an issuer that cannot be reached.
     */
    public Future<EdgePolicy> compile(TunnelPolicy policy) {
        EdgePolicy compiled;
        try {
            compiled = EdgePolicy.compile(
                    policy, tolerance, rateLimitVisitors, TimeMeter.SYSTEM_NANOTIME, allowHttpIssuer);
        } catch (InvalidPolicyException e) {
            return Future.failedFuture(e);
        }
        return compiled.oidc == null
                ? Future.succeededFuture(compiled)
                : compiled.oidc
                        .discover(vertx, discoveryTimeout, requestTimeout)
                        .map(compiled)
                        .onFailure(e -> compiled.close());
    }

    /**
     * Decides a request; the request must be paused, and stays so unless the webhook rule read its body.
     *
     * @param fromPeer forwarded by another gateway of the cluster, whose {@code X-Forwarded-For} names the visitor
     * @param maxBody the tunnel's body limit; the body read for a signature is bounded by it too
     */
    public Future<PolicyDecision> decide(
            HttpServerRequest request,
            EdgePolicy policy,
            boolean fromPeer,
            String tunnel,
            String clientId,
            long maxBody) {
        InetAddress visitor = visitor(request, fromPeer);
        String decidedBy = "none";
        if (policy.ip != null) {
            if (visitor == null || !policy.ip.admits(visitor)) {
                return refused(
                        tunnel,
                        clientId,
                        new PolicyDecision.Refused(
                                PolicyRule.IP,
                                403,
                                "policy-ip",
                                "Forbidden",
                                "Your address may not reach tunnel '" + tunnel + "'."),
                        visitor);
            }
            decidedBy = passed(PolicyRule.IP);
        }
        if (policy.rate != null) {
            String key = visitor == null
                    ? "unknown"
                    : SourceAddress.of(visitor.getHostAddress()).orElse("unknown");
            OptionalLong retry = policy.rate.take(key);
            if (retry.isPresent()) {
                return refused(
                        tunnel,
                        clientId,
                        new PolicyDecision.Refused(
                                PolicyRule.RATE_LIMIT,
                                429,
                                "policy-rate-limit",
                                "Too Many Requests",
                                "Tunnel '" + tunnel + "' takes at most " + policy.rate.describe()
                                        + " from one visitor; retry in " + retry.getAsLong() + " s.",
                                Map.of("Retry-After", String.valueOf(retry.getAsLong()))),
                        visitor);
            }
            decidedBy = passed(PolicyRule.RATE_LIMIT);
        }
        if (policy.oidc != null) {
            return oidc.decide(request, policy.oidc, tunnel, fromPeer).compose(decision -> switch (decision) {
                case PolicyDecision.Admitted admitted ->
                    afterIdentity(
                            request,
                            policy,
                            tunnel,
                            clientId,
                            maxBody,
                            passed(PolicyRule.OIDC),
                            admitted.user(),
                            admitted.email(),
                            visitor);
                case PolicyDecision.Refused refusal -> refused(tunnel, clientId, refusal, visitor);
                case PolicyDecision.Redirect redirect -> {
                    metrics.policyDecision(PolicyRule.OIDC.label(), "login");
                    yield Future.succeededFuture(redirect);
                }
            });
        }
        if (policy.basicAuth == null) {
            return afterIdentity(request, policy, tunnel, clientId, maxBody, decidedBy, "", "", visitor);
        }
        String authorization = request.getHeader(HttpHeaders.AUTHORIZATION);
        if (BasicAuthRule.credentials(authorization).isEmpty()) {
            return refused(
                    tunnel, clientId, unauthorized(tunnel, "This tunnel asks for a user name and password."), visitor);
        }
        Optional<String> known = policy.basicAuth.remembered(authorization);
        Future<Optional<String>> user;
        if (known != null) {
            user = Future.succeededFuture(known);
        } else if (passwordChecks.incrementAndGet() > MAX_PASSWORD_CHECKS) {
            passwordChecks.decrementAndGet();
            metrics.policyDecision(PolicyRule.BASIC_AUTH.label(), "busy");
            return Future.succeededFuture(new PolicyDecision.Refused(
                    PolicyRule.BASIC_AUTH,
                    503,
                    "policy-busy",
                    "Service Unavailable",
                    "The gateway is checking many passwords at once; try again in a moment.",
                    Map.of("Retry-After", "1")));
        } else {
            user = vertx.<Optional<String>>executeBlocking(() -> policy.basicAuth.verify(authorization), false)
                    .onComplete(ignored -> passwordChecks.decrementAndGet());
        }
        return user.compose(found -> found.isEmpty()
                ? refused(tunnel, clientId, unauthorized(tunnel, "The user name or password is wrong."), visitor)
                : afterIdentity(
                        request,
                        policy,
                        tunnel,
                        clientId,
                        maxBody,
                        passed(PolicyRule.BASIC_AUTH),
                        found.get(),
                        "",
                        visitor));
    }

    private Future<PolicyDecision> afterIdentity(
            HttpServerRequest request,
            EdgePolicy policy,
            String tunnel,
            String clientId,
            long maxBody,
            String decidedBy,
            String user,
            String email,
            InetAddress visitor) {
        if (policy.webhook == null) {
            return Future.succeededFuture(new PolicyDecision.Admitted(decidedBy, user, email, null));
        }
        long limit = Math.min(maxBody, webhookMaxBody);
        String length = request.getHeader(HttpHeaders.CONTENT_LENGTH);
        if (length != null && declared(length) > limit) {
            return refused(tunnel, clientId, tooLarge(tunnel, limit), visitor);
        }
        return BodyReader.read(request, limit)
                .compose(
                        body -> {
                            String problem = policy.webhook.problem(request.headers(), body, clock.instant());
                            if (problem != null) {
                                return refused(
                                        tunnel,
                                        clientId,
                                        new PolicyDecision.Refused(
                                                PolicyRule.WEBHOOK,
                                                401,
                                                "policy-webhook",
                                                "Unauthorized",
                                                "This tunnel takes signed webhook deliveries only: " + problem + "."),
                                        visitor);
                            }
                            return Future.succeededFuture(
                                    new PolicyDecision.Admitted(passed(PolicyRule.WEBHOOK), user, email, body));
                        },
                        error -> refused(
                                tunnel,
                                clientId,
                                error instanceof BodyReader.TooLarge
                                        ? tooLarge(tunnel, limit)
                                        : new PolicyDecision.Refused(
                                                PolicyRule.WEBHOOK,
                                                400,
                                                "request-aborted",
                                                "Bad Request",
                                                "The request body could not be read."),
                                visitor));
    }

    /**
     * The visitor's address: the socket's, or, from another gateway of the cluster or behind a
     * trusted proxy, the last {@code X-Forwarded-For} entry (the one that gateway or proxy appended;
     * whatever the visitor wrote before it is ignored). Null when none is an IP literal.
     */
    InetAddress visitor(HttpServerRequest request, boolean fromPeer) {
        String text =
                request.remoteAddress() == null ? null : request.remoteAddress().hostAddress();
        if (fromPeer || trustForwarded) {
            List<String> forwarded = request.headers().getAll("X-Forwarded-For");
            if (!forwarded.isEmpty()) {
                String last = forwarded.getLast();
                text = last.substring(last.lastIndexOf(',') + 1).trim();
            }
        }
        byte[] bytes = text == null ? null : NetUtil.createByteArrayFromIpAddressString(text);
        try {
            return bytes == null ? null : InetAddress.getByAddress(bytes);
        } catch (UnknownHostException e) {
            return null;
        }
    }

    private String passed(PolicyRule rule) {
        metrics.policyDecision(rule.label(), "passed");
        return rule.label();
    }

    private Future<PolicyDecision> refused(
            String tunnel, String clientId, PolicyDecision.Refused refusal, InetAddress visitor) {
        metrics.policyDecision(refusal.rule().label(), "refused");
        String key = tunnel + "\u0000" + refusal.rule().label();
        long now = System.nanoTime();
        Long last = reported.get(key);
        if (last == null || now - last >= REPORT_INTERVAL.toNanos()) {
            if (reported.size() >= MAX_REPORT_KEYS) {
                reported.clear();
            }
            reported.put(key, now);
            String address = visitor == null ? "unknown" : visitor.getHostAddress();
            Log.infof(
                    "tunnel '%s' (client %s): policy rule %s refused a request from %s with %d (more in the next minute are counted, not logged)",
                    tunnel, clientId, refusal.rule().label(), address, refusal.status());
            events.publish(new PortholeEvent.PolicyRefused(
                    instance.id(), clientId, tunnel, refusal.rule().label(), refusal.status(), address));
        }
        return Future.succeededFuture(refusal);
    }

    private static PolicyDecision.Refused unauthorized(String tunnel, String detail) {
        return new PolicyDecision.Refused(
                PolicyRule.BASIC_AUTH,
                401,
                "policy-basic-auth",
                "Unauthorized",
                detail,
                Map.of("WWW-Authenticate", "Basic realm=\"" + tunnel + "\", charset=\"UTF-8\""));
    }

    private static PolicyDecision.Refused tooLarge(String tunnel, long limit) {
        return new PolicyDecision.Refused(
                PolicyRule.WEBHOOK,
                413,
                "body-too-large",
                "Content Too Large",
                "Webhook deliveries to tunnel '" + tunnel + "' may carry at most " + limit + " bytes of body.",
                Map.of("Connection", "close"));
    }

    private static long declared(String value) {
        try {
            return Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            return Long.MAX_VALUE;
        }
    }
}
