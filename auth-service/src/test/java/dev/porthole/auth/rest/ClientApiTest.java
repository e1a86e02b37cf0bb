package dev.porthole.auth.rest;

import static dev.porthole.auth.testing.AdminApi.asAdmin;
import static dev.porthole.auth.testing.AdminApi.createClient;
import static dev.porthole.auth.testing.AdminApi.issueStaticToken;
import static dev.porthole.auth.testing.AdminApi.uniqueId;
import static dev.porthole.auth.testing.AgentAuthCalls.authenticate;
import static dev.porthole.auth.testing.AgentAuthCalls.basic;
import static dev.porthole.auth.testing.AgentAuthCalls.uniqueAddress;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasKey;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;

import dev.porthole.testing.RedisTestResource;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The client endpoints of the admin API, with their validation and name reservations. */
@QuarkusTest
@WithTestResource(RedisTestResource.class)
class ClientApiTest {

    @Inject
    RedisDataSource redis;

    private String reservation(String name) {
        return redis.value(String.class).get("porthole:reservation:{" + name + "}");
    }

    @Test
    void createsAClientAndShowsItsSecretOnlyOnce() {
        String id = uniqueId("create");
        asAdmin()
                .body(Map.of("id", id, "description", "CI runner", "grants", Map.of("subdomains", List.of(id))))
                .when()
                .post("/api/v1/clients")
                .then()
                .statusCode(201)
                .header("Location", containsString("/api/v1/clients/" + id))
                .body("client.id", equalTo(id))
                .body("client.description", equalTo("CI runner"))
                .body("client.enabled", equalTo(true))
                .body("client.grants.randomNames", equalTo(true))
                .body("client", not(hasKey("secretHash")))
                .body("clientSecret", notNullValue());
        asAdmin()
                .when()
                .get("/api/v1/clients/{id}", id)
                .then()
                .statusCode(200)
                .body("id", equalTo(id))
                .body("$", not(hasKey("clientSecret")))
                .body("$", not(hasKey("secretHash")));
    }

    @Test
    void storesTheSecretOnlyAsABcryptHash() {
        String id = uniqueId("hash");
        String secret = createClient(id, Map.of());
        String stored = redis.value(String.class).get("porthole:client:" + id);
        assertThat(stored).doesNotContain(secret).contains("\"secretHash\":\"$2a$");
    }

    @Test
    void refusesAnInvalidClientIdNamingTheField() {
        asAdmin()
                .body(Map.of("id", "Not_DNS!"))
                .when()
                .post("/api/v1/clients")
                .then()
                .statusCode(400)
                .contentType("application/problem+json")
                .body("type", equalTo("urn:porthole:problem:validation"))
                .body("errors.field", equalTo(List.of("id")))
                .body("errors[0].message", containsString("DNS label"));
    }

    @Test
    void refusesAMissingIdAndBadGrantsNamingEachField() {
        asAdmin()
                .body(Map.of(
                        "grants",
                        Map.of("subdomains", List.of("ok", "Bad Name"), "tcpPorts", List.of(70000), "maxTunnels", -1)))
                .when()
                .post("/api/v1/clients")
                .then()
                .statusCode(400)
                .body(
                        "errors.field",
                        equalTo(List.of("grants.maxTunnels", "grants.subdomains[1]", "grants.tcpPorts[0]", "id")));
    }

    @Test
    void grantsCanRequireALoginAtTheEdgeAndBadRequirementsAreNamed() {
        String id = uniqueId("guarded");
        asAdmin()
                .body(Map.of(
                        "id",
                        id,
                        "grants",
                        Map.of(
                                "subdomains",
                                List.of(id),
                                "requiredLogin",
                                "oidc",
                                "requiredOidcDomains",
                                List.of("example.com"))))
                .when()
                .post("/api/v1/clients")
                .then()
                .statusCode(201)
                .body("client.grants.requiredLogin", equalTo("oidc"))
                .body("client.grants.requiredOidcDomains", equalTo(List.of("example.com")));
        assertThat(redis.value(String.class).get("porthole:client:" + id))
                .contains("\"requiredPolicy\":{\"login\":\"oidc\"");
        asAdmin()
                .body(Map.of(
                        "id",
                        uniqueId("guarded"),
                        "grants",
                        Map.of("requiredLogin", "kerberos", "requiredOidcDomains", List.of("Not A Domain"))))
                .when()
                .post("/api/v1/clients")
                .then()
                .statusCode(400)
                .body("errors.field", equalTo(List.of("grants.requiredLogin", "grants.requiredOidcDomains[0]")))
                .body("errors[0].message", equalTo("must be basic-auth, oidc or login (either)"));
    }

    @Test
    void refusesATooLongNameListNamingTheField() {
        List<String> names = new ArrayList<>();
        for (int i = 0; i <= 100; i++) {
            names.add("n" + i);
        }
        asAdmin()
                .body(Map.of("id", uniqueId("many"), "grants", Map.of("subdomains", names)))
                .when()
                .post("/api/v1/clients")
                .then()
                .statusCode(400)
                .body("errors.field", equalTo(List.of("grants.subdomains")));
    }

    @Test
    void refusesAnUnknownKindOfJsonWithAProblem() {
        asAdmin()
                .body("{\"id\": 12, \"grants\": {\"maxTunnels\": \"many\"}}")
                .when()
                .post("/api/v1/clients")
                .then()
                .statusCode(400)
                .contentType("application/problem+json")
                .body("errors[0].field", equalTo("grants.maxTunnels"));
    }

    @Test
    void refusesADuplicateClientId() {
        String id = uniqueId("dup");
        createClient(id, Map.of());
        asAdmin()
                .body(Map.of("id", id))
                .when()
                .post("/api/v1/clients")
                .then()
                .statusCode(409)
                .contentType("application/problem+json")
                .body("detail", equalTo("client '" + id + "' already exists; pick another id or update that client"));
    }

    @Test
    void answers404ForAnUnknownClient() {
        asAdmin()
                .when()
                .get("/api/v1/clients/{id}", "no-such-client")
                .then()
                .statusCode(404)
                .contentType("application/problem+json")
                .body("detail", equalTo("client 'no-such-client' does not exist"));
        asAdmin()
                .when()
                .post("/api/v1/clients/{id}/disable", "no-such-client")
                .then()
                .statusCode(404);
        asAdmin().when().delete("/api/v1/clients/{id}", "no-such-client").then().statusCode(404);
    }

    @Test
    void listsClientsInPagesOrderedById() {
        String prefix = uniqueId("page");
        for (int i = 0; i < 3; i++) {
            createClient(prefix + "-" + i, Map.of());
        }
        int total = asAdmin()
                .queryParam("size", 1)
                .when()
                .get("/api/v1/clients")
                .then()
                .statusCode(200)
                .body("size", equalTo(1))
                .body("page", equalTo(0))
                .body("items.size()", equalTo(1))
                .extract()
                .path("total");
        assertThat(total).isGreaterThanOrEqualTo(3);
        List<String> all = new ArrayList<>();
        for (int page = 0; page * 100 < total; page++) {
            all.addAll(asAdmin()
                    .queryParam("size", 100)
                    .queryParam("page", page)
                    .when()
                    .get("/api/v1/clients")
                    .then()
                    .statusCode(200)
                    .extract()
                    .path("items.id"));
        }
        assertThat(all).contains(prefix + "-0", prefix + "-1", prefix + "-2").isSorted();
    }

    @Test
    void usesTheDefaultPageSize() {
        asAdmin().when().get("/api/v1/clients").then().statusCode(200).body("size", equalTo(20));
    }

    @Test
    void refusesAPageSizeAboveTheBound() {
        asAdmin()
                .queryParam("size", 101)
                .when()
                .get("/api/v1/clients")
                .then()
                .statusCode(400)
                .contentType("application/problem+json")
                .body("errors.field", equalTo(List.of("size")))
                .body("errors[0].message", equalTo("must be between 1 and 100"));
        asAdmin().queryParam("size", 100).when().get("/api/v1/clients").then().statusCode(200);
        asAdmin()
                .queryParam("page", -1)
                .when()
                .get("/api/v1/clients")
                .then()
                .statusCode(400)
                .body("errors.field", equalTo(List.of("page")));
    }

    @Test
    void updatesGrantsAndKeepsReservationsExact() {
        String id = uniqueId("grants");
        createClient(
                id,
                Map.of("subdomains", List.of(id + "-a", id + "-b", "pat-*"), "privateTunnels", List.of(id + "-db")));
        assertThat(reservation(id + "-a")).isEqualTo(id);
        assertThat(reservation(id + "-db")).isEqualTo(id);
        assertThat(reservation("pat-*")).isNull();

        asAdmin()
                .body(Map.of("grants", Map.of("subdomains", List.of(id + "-b", id + "-c"), "tcpPortCount", 2)))
                .when()
                .put("/api/v1/clients/{id}/grants", id)
                .then()
                .statusCode(200)
                .body("grants.subdomains", equalTo(List.of(id + "-b", id + "-c")))
                .body("grants.tcpPortCount", equalTo(2));
        assertThat(reservation(id + "-a")).isNull();
        assertThat(reservation(id + "-db")).isNull();
        assertThat(reservation(id + "-b")).isEqualTo(id);
        assertThat(reservation(id + "-c")).isEqualTo(id);

        asAdmin().when().delete("/api/v1/clients/{id}", id).then().statusCode(204);
        assertThat(reservation(id + "-b")).isNull();
        assertThat(reservation(id + "-c")).isNull();
    }

    @Test
    void refusesANameReservedByAnotherClient() {
        String owner = uniqueId("owner");
        createClient(owner, Map.of("subdomains", List.of(owner + "-api")));
        String other = uniqueId("other");
        asAdmin()
                .body(Map.of("id", other, "grants", Map.of("subdomains", List.of(owner + "-api"))))
                .when()
                .post("/api/v1/clients")
                .then()
                .statusCode(409)
                .contentType("application/problem+json")
                .body("detail", containsString("the name '" + owner + "-api' is reserved by another client"));
        asAdmin().when().get("/api/v1/clients/{id}", other).then().statusCode(404);

        createClient(other, Map.of("subdomains", List.of(other + "-web")));
        asAdmin()
                .body(Map.of(
                        "grants",
                        Map.of("subdomains", List.of(other + "-web"), "privateTunnels", List.of(owner + "-api"))))
                .when()
                .put("/api/v1/clients/{id}/grants", other)
                .then()
                .statusCode(409);
        assertThat(reservation(owner + "-api")).isEqualTo(owner);
        asAdmin().when().get("/api/v1/clients/{id}", other).then().body("grants.privateTunnels", equalTo(List.of()));
    }

    @Test
    void reservesGrantedTcpPortsForTheirClientOnly() {
        String owner = uniqueId("port-owner");
        createClient(owner, Map.of("tcpPorts", List.of(23022, 23023)));
        assertThat(reservation("tcp:23022"))
                .as("gateways refuse the port to every other client")
                .isEqualTo(owner);
        assertThat(reservation("tcp:23023")).isEqualTo(owner);

        String other = uniqueId("port-other");
        asAdmin()
                .body(Map.of("id", other, "grants", Map.of("tcpPorts", List.of(23022))))
                .when()
                .post("/api/v1/clients")
                .then()
                .statusCode(409)
                .contentType("application/problem+json")
                .body("detail", containsString("TCP port 23022 is granted to another client"));

        asAdmin()
                .body(Map.of("grants", Map.of("tcpPorts", List.of(23023))))
                .when()
                .put("/api/v1/clients/{id}/grants", owner)
                .then()
                .statusCode(200);
        assertThat(reservation("tcp:23022")).isNull();
        assertThat(reservation("tcp:23023")).isEqualTo(owner);
        asAdmin().when().delete("/api/v1/clients/{id}", owner).then().statusCode(204);
        assertThat(reservation("tcp:23023")).isNull();
    }

    @Test
    void disablesAndEnablesAClient() {
        String id = uniqueId("toggle");
        createClient(id, Map.of());
        asAdmin()
                .when()
                .post("/api/v1/clients/{id}/disable", id)
                .then()
                .statusCode(200)
                .body("enabled", equalTo(false));
        asAdmin().when().get("/api/v1/clients/{id}", id).then().body("enabled", equalTo(false));
        asAdmin()
                .when()
                .post("/api/v1/clients/{id}/enable", id)
                .then()
                .statusCode(200)
                .body("enabled", equalTo(true));
    }

    @Test
    void rotatesTheSecretSoThatOnlyTheNewOneWorks() {
        String id = uniqueId("rotate");
        String old = createClient(id, Map.of());
        String fresh = asAdmin()
                .when()
                .post("/api/v1/clients/{id}/secret", id)
                .then()
                .statusCode(200)
                .body("client.id", equalTo(id))
                .extract()
                .path("clientSecret");
        assertThat(fresh).isNotEqualTo(old);
        authenticate(basic(id, old), id, uniqueAddress()).then().statusCode(401);
        authenticate(basic(id, fresh), id, uniqueAddress()).then().statusCode(200);
    }

    @Test
    void deletesAClientWithItsTokens() {
        String id = uniqueId("delete");
        String secret = createClient(id, Map.of());
        String token = issueStaticToken(id).path("value");
        asAdmin().when().delete("/api/v1/clients/{id}", id).then().statusCode(204);
        asAdmin().when().get("/api/v1/clients/{id}", id).then().statusCode(404);
        asAdmin().when().get("/api/v1/clients").then().body("items.id", not(hasItem(id)));
        authenticate(basic(id, secret), id, uniqueAddress()).then().statusCode(401);
        authenticate("Bearer " + token, null, uniqueAddress()).then().statusCode(401);
    }
}
