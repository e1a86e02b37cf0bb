package dev.porthole.auth.rest;

import static dev.porthole.auth.testing.AdminApi.asAdmin;
import static dev.porthole.auth.testing.AdminApi.createClient;
import static dev.porthole.auth.testing.AdminApi.issueStaticToken;
import static dev.porthole.auth.testing.AdminApi.uniqueId;
import static dev.porthole.auth.testing.AgentAuthCalls.authenticate;
import static dev.porthole.auth.testing.AgentAuthCalls.basic;
import static dev.porthole.auth.testing.AgentAuthCalls.uniqueAddress;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.startsWith;

import dev.porthole.auth.service.AgentAuthentication;
import dev.porthole.protocol.auth.AgentCredentials;
import dev.porthole.testing.RedisTestResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Client credentials, static tokens and public sessions on {@code POST /internal/v1/agent-auth}. */
@QuarkusTest
@WithTestResource(RedisTestResource.class)
class AgentAuthCredentialsTest {

    @Test
    void acceptsClientCredentialsWithTheClientsGrants() {
        String id = uniqueId("basic");
        String secret = createClient(
                id, Map.of("subdomains", List.of(id, "api-*"), "tcpPorts", List.of(22022), "maxTunnels", 3));
        authenticate(basic(id, secret), id, uniqueAddress())
                .then()
                .statusCode(200)
                .contentType("application/json")
                .body("clientId", equalTo(id))
                .body("method", equalTo("CLIENT_CREDENTIALS"))
                .body("credentialId", startsWith("sec_"))
                .body("grants.subdomains", equalTo(List.of(id, "api-*")))
                .body("grants.tcpPorts", equalTo(List.of(22022)))
                .body("grants.maxTunnels", equalTo(3))
                .body("sessionLifetimeSeconds", equalTo(0))
                .body("signingKeyId", nullValue());
    }

    @Test
    void acceptsClientCredentialsWithoutTheClientHeader() {
        String id = uniqueId("basic");
        String secret = createClient(id, Map.of());
        authenticate(basic(id, secret), null, uniqueAddress())
                .then()
                .statusCode(200)
                .body("clientId", equalTo(id));
    }

    @Test
    void refusesWrongSecretAndUnknownClientWithTheSameAnswer() {
        String id = uniqueId("basic");
        createClient(id, Map.of());
        String wrongSecret = authenticate(basic(id, "not-the-secret"), id, uniqueAddress())
                .then()
                .statusCode(401)
                .contentType("application/problem+json")
                .body("type", equalTo("urn:porthole:problem:bad-credentials"))
                .extract()
                .path("detail");
        String unknownClient = authenticate(basic(uniqueId("nobody"), "not-the-secret"), null, uniqueAddress())
                .then()
                .statusCode(401)
                .body("type", equalTo("urn:porthole:problem:bad-credentials"))
                .extract()
                .path("detail");
        org.assertj.core.api.Assertions.assertThat(unknownClient)
                .isEqualTo(wrongSecret)
                .isEqualTo(AgentAuthentication.BAD_CREDENTIALS);
    }

    @Test
    void refusesClientCredentialsWhoseHeaderNamesAnotherClient() {
        String id = uniqueId("basic");
        String secret = createClient(id, Map.of());
        authenticate(basic(id, secret), "other", uniqueAddress())
                .then()
                .statusCode(401)
                .body("type", equalTo("urn:porthole:problem:bad-credentials"));
    }

    @Test
    void refusesDisabledClientWithASentenceToPrint() {
        String id = uniqueId("basic");
        String secret = createClient(id, Map.of());
        asAdmin().when().post("/api/v1/clients/{id}/disable", id).then().statusCode(200);
        authenticate(basic(id, secret), id, uniqueAddress())
                .then()
                .statusCode(403)
                .body("type", equalTo("urn:porthole:problem:client-disabled"))
                .body("title", equalTo("Not allowed"))
                .body("detail", equalTo("client '" + id + "' is disabled; ask an administrator to enable it"));
        asAdmin().when().post("/api/v1/clients/{id}/enable", id).then().statusCode(200);
        authenticate(basic(id, secret), id, uniqueAddress()).then().statusCode(200);
    }

    @Test
    void refusesMalformedAuthorizationHeaders() {
        for (String header : List.of(
                "Token abc",
                "Basic !!!notbase64",
                "Basic " + java.util.Base64.getEncoder().encodeToString("nocolon".getBytes()),
                "Bearer",
                "garbage")) {
            authenticate(header, null, uniqueAddress())
                    .then()
                    .statusCode(401)
                    .body("type", equalTo("urn:porthole:problem:malformed-authorization"))
                    .body("detail", startsWith("authentication failed: the Authorization header must be"));
        }
    }

    @Test
    void acceptsConfiguredStaticTokenWithUnrestrictedGrants() {
        authenticate("Bearer configured-static-token-0002", null, uniqueAddress())
                .then()
                .statusCode(200)
                .body("method", equalTo("STATIC_TOKEN"))
                .body("clientId", startsWith("static-"))
                .body("grants.subdomains", equalTo(List.of("*")))
                .body("grants.randomNames", equalTo(true));
    }

    @Test
    void acceptsIssuedStaticTokenAsItsClient() {
        String id = uniqueId("static");
        createClient(id, Map.of("subdomains", List.of(id)));
        var issued = issueStaticToken(id);
        String token = issued.path("value");
        authenticate("Bearer " + token, null, uniqueAddress())
                .then()
                .statusCode(200)
                .body("clientId", equalTo(id))
                .body("method", equalTo("STATIC_TOKEN"))
                .body("credentialId", equalTo(issued.path("token.id")))
                .body("grants.subdomains", equalTo(List.of(id)));
    }

    @Test
    void refusesUnknownStaticToken() {
        authenticate("Bearer pht_this-token-was-never-issued", null, uniqueAddress())
                .then()
                .statusCode(401)
                .body("type", equalTo("urn:porthole:problem:bad-credentials"))
                .body("detail", equalTo(AgentAuthentication.BAD_CREDENTIALS));
    }

    @Test
    void refusesStaticTokenOfDisabledClient() {
        String id = uniqueId("static");
        createClient(id, Map.of());
        String token = issueStaticToken(id).path("value");
        asAdmin().when().post("/api/v1/clients/{id}/disable", id).then().statusCode(200);
        authenticate("Bearer " + token, null, uniqueAddress())
                .then()
                .statusCode(403)
                .body("detail", equalTo("client '" + id + "' is disabled; ask an administrator to enable it"));
    }

    @Test
    void givesPublicSessionWithoutCredentials() {
        authenticate(new AgentCredentials(null, null, "laptop-7", uniqueAddress()))
                .then()
                .statusCode(200)
                .body("clientId", equalTo("public-laptop-7"))
                .body("method", equalTo("PUBLIC"))
                .body("sessionLifetimeSeconds", equalTo(600))
                .body("sessionWarningSeconds", equalTo(120))
                .body("credentialId", nullValue())
                .body("grants.subdomains", equalTo(List.of()))
                .body("grants.randomNames", equalTo(true))
                .body("grants.tcpPortCount", equalTo(0))
                .body("grants.maxTunnels", equalTo(1));
    }

    @Test
    void answersThePrincipalWithExactlyTheContractFields() {
        Map<String, Object> principal = authenticate(new AgentCredentials(null, null, "laptop-8", uniqueAddress()))
                .then()
                .statusCode(200)
                .extract()
                .jsonPath()
                .getMap("$");
        org.assertj.core.api.Assertions.assertThat(principal)
                .containsOnlyKeys(
                        "clientId",
                        "method",
                        "grants",
                        "sessionLifetimeSeconds",
                        "credentialId",
                        "sessionWarningSeconds",
                        "signingKeyId");
        org.assertj.core.api.Assertions.assertThat(((Map<?, ?>) principal.get("grants"))
                        .keySet().stream().map(String::valueOf).toList())
                .containsExactlyInAnyOrder(
                        "subdomains",
                        "randomNames",
                        "tcpPorts",
                        "tcpPortCount",
                        "privateTunnels",
                        "dialTunnels",
                        "maxTunnels",
                        "maxSessions",
                        "uploadBytesPerSecond",
                        "downloadBytesPerSecond",
                        "requiredPolicy");
    }

    @Test
    void givesPublicSessionARandomIdWhenTheAgentIdIsUnusable() {
        authenticate(new AgentCredentials("", null, "../../etc/passwd", uniqueAddress()))
                .then()
                .statusCode(200)
                .body("clientId", org.hamcrest.Matchers.matchesPattern("public-[0-9a-f]{12}"));
    }
}
