package dev.porthole.testing;

import io.smallrye.jwt.algorithm.SignatureAlgorithm;
import io.smallrye.jwt.build.Jwt;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.security.interfaces.RSAPublicKey;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A small OpenID Connect provider for tests: discovery, a JWKS with one RSA key, an
 * {@code /authorize} that approves the configured user at once (no login page), and a
 * {@code /token} that checks the code (once only), the redirect URI, the PKCE verifier (S256) and
 * the client secret, then returns an RS256 id_token signed with smallrye-jwt-build (the library
 * auth-service already builds its JWTs with). It listens on 127.0.0.1 over plain HTTP; the issuer
 * URL is {@link #issuer()}.
 */
public final class TestOidcIssuer implements AutoCloseable {

    /** The user {@code /authorize} approves: its subject, e-mail (verified) and any other claims. */
    public record User(String subject, String email, Map<String, Object> claims) {}

    private record Grant(String clientId, String redirectUri, String challenge, String nonce, User user) {}

    private static final String KID = "test-key";

    private final Vertx vertx = Vertx.vertx();
    private final String clientId;
    private final String clientSecret;
    private final KeyPair keys;
    private final Map<String, Grant> codes = new ConcurrentHashMap<>();
    private final SecureRandom random = new SecureRandom();
    private final AtomicInteger tokensIssued = new AtomicInteger();
    private volatile User user;
    private HttpServer server;
    private String issuer;

    public TestOidcIssuer(String clientId, String clientSecret, User user) {
        this.clientId = clientId;
        this.clientSecret = clientSecret;
        this.user = user;
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            this.keys = generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Starts on a free port of 127.0.0.1 (or {@code port}, to come back on the same issuer URL after {@link #stop()}). */
    public TestOidcIssuer start(int port) {
        server = vertx.createHttpServer().requestHandler(this::handle);
        server.listen(port, "127.0.0.1")
                .toCompletionStage()
                .toCompletableFuture()
                .orTimeout(10, TimeUnit.SECONDS)
                .join();
        issuer = "http://127.0.0.1:" + server.actualPort();
        return this;
    }

    public TestOidcIssuer start() {
        return start(0);
    }

    /** Stops listening (the issuer becomes unreachable); {@link #start(int)} with {@link #port()} brings it back. */
    public void stop() {
        if (server != null) {
            server.close()
                    .toCompletionStage()
                    .toCompletableFuture()
                    .orTimeout(10, TimeUnit.SECONDS)
                    .join();
            server = null;
        }
    }

    public String issuer() {
        return issuer;
    }

    public int port() {
        return Integer.parseInt(issuer.substring(issuer.lastIndexOf(':') + 1));
    }

    /** Whom {@code /authorize} approves from now on. */
    public void approveAs(User next) {
        this.user = next;
    }

    /** How many id_tokens {@code /token} has issued. */
    public int tokensIssued() {
        return tokensIssued.get();
    }

    @Override
    public void close() {
        stop();
        vertx.close()
                .toCompletionStage()
                .toCompletableFuture()
                .orTimeout(10, TimeUnit.SECONDS)
                .join();
    }

    private void handle(HttpServerRequest request) {
        switch (request.path()) {
            case "/.well-known/openid-configuration" ->
                json(
                        request,
                        200,
                        new JsonObject()
                                .put("issuer", issuer)
                                .put("authorization_endpoint", issuer + "/authorize")
                                .put("token_endpoint", issuer + "/token")
                                .put("jwks_uri", issuer + "/jwks")
                                .put("response_types_supported", new JsonArray().add("code"))
                                .put("subject_types_supported", new JsonArray().add("public"))
                                .put("id_token_signing_alg_values_supported", new JsonArray().add("RS256"))
                                .put("code_challenge_methods_supported", new JsonArray().add("S256"))
                                .put(
                                        "token_endpoint_auth_methods_supported",
                                        new JsonArray()
                                                .add("client_secret_basic")
                                                .add("client_secret_post")));
            case "/jwks" -> json(request, 200, new JsonObject().put("keys", new JsonArray().add(jwk())));
            case "/authorize" -> authorize(request);
            case "/token" -> request.setExpectMultipart(true).end().onSuccess(ignored -> token(request));
            default -> request.response().setStatusCode(404).end();
        }
    }

    private void authorize(HttpServerRequest request) {
        String redirect = request.getParam("redirect_uri");
        if (!clientId.equals(request.getParam("client_id"))
                || redirect == null
                || !"code".equals(request.getParam("response_type"))
                || !"S256".equals(request.getParam("code_challenge_method"))
                || request.getParam("code_challenge") == null
                || request.getParam("nonce") == null
                || request.getParam("state") == null) {
            json(request, 400, new JsonObject().put("error", "invalid_request"));
            return;
        }
        String code = randomText();
        codes.put(
                code,
                new Grant(clientId, redirect, request.getParam("code_challenge"), request.getParam("nonce"), user));
        String location = redirect + (redirect.contains("?") ? "&" : "?") + "code=" + code + "&state="
                + java.net.URLEncoder.encode(request.getParam("state"), StandardCharsets.UTF_8);
        request.response().setStatusCode(302).putHeader("Location", location).end();
    }

    private void token(HttpServerRequest request) {
        String id = request.getFormAttribute("client_id");
        String secret = request.getFormAttribute("client_secret");
        String authorization = request.getHeader("Authorization");
        if (authorization != null && authorization.startsWith("Basic ")) {
            String[] pair = new String(Base64.getDecoder().decode(authorization.substring(6)), StandardCharsets.UTF_8)
                    .split(":", 2);
            id = java.net.URLDecoder.decode(pair[0], StandardCharsets.UTF_8);
            secret = pair.length > 1 ? java.net.URLDecoder.decode(pair[1], StandardCharsets.UTF_8) : null;
        }
        if (!clientId.equals(id) || !clientSecret.equals(secret)) {
            json(request, 401, new JsonObject().put("error", "invalid_client"));
            return;
        }
        String code = request.getFormAttribute("code");
        Grant grant = code == null ? null : codes.remove(code);
        String verifier = request.getFormAttribute("code_verifier");
        if (grant == null
                || !"authorization_code".equals(request.getFormAttribute("grant_type"))
                || !grant.redirectUri().equals(request.getFormAttribute("redirect_uri"))
                || verifier == null
                || !grant.challenge().equals(s256(verifier))) {
            json(request, 400, new JsonObject().put("error", "invalid_grant"));
            return;
        }
        Instant now = Instant.now();
        var claims = Jwt.issuer(issuer)
                .subject(grant.user().subject())
                .audience(grant.clientId())
                .issuedAt(now.getEpochSecond())
                .expiresAt(now.plusSeconds(300).getEpochSecond())
                .claim("nonce", grant.nonce())
                .claim("email", grant.user().email())
                .claim("email_verified", true);
        grant.user().claims().forEach(claims::claim);
        String idToken =
                claims.jws().keyId(KID).algorithm(SignatureAlgorithm.RS256).sign(keys.getPrivate());
        tokensIssued.incrementAndGet();
        json(
                request,
                200,
                new JsonObject()
                        .put("access_token", randomText())
                        .put("token_type", "Bearer")
                        .put("expires_in", 300)
                        .put("id_token", idToken));
    }

    private JsonObject jwk() {
        RSAPublicKey key = (RSAPublicKey) keys.getPublic();
        return new JsonObject()
                .put("kty", "RSA")
                .put("kid", KID)
                .put("use", "sig")
                .put("alg", "RS256")
                .put("n", base64Url(key.getModulus()))
                .put("e", base64Url(key.getPublicExponent()));
    }

    private static String base64Url(BigInteger value) {
        byte[] bytes = value.toByteArray();
        if (bytes.length > 1 && bytes[0] == 0) {
            bytes = java.util.Arrays.copyOfRange(bytes, 1, bytes.length);
        }
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private static String s256(String verifier) {
        try {
            return Base64.getUrlEncoder()
                    .withoutPadding()
                    .encodeToString(
                            MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private String randomText() {
        byte[] bytes = new byte[24];
        random.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private static void json(HttpServerRequest request, int status, JsonObject body) {
        request.response()
                .setStatusCode(status)
                .putHeader("Content-Type", "application/json")
                .putHeader("Cache-Control", "no-store")
                .end(body.encode());
    }
}
