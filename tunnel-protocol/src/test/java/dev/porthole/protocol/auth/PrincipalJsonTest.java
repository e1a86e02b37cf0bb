package dev.porthole.protocol.auth;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

class PrincipalJsonTest {

    private final ObjectMapper mapper = new ObjectMapper();

    @Test
    void writesExactlyTheRecordComponents() throws Exception {
        Principal principal = new Principal("ci-runner", AuthMethod.JWT, Grants.publicSession(), 0, "jwt_1", 0, "k-1");
        String json = mapper.writeValueAsString(principal);
        assertThat(mapper.readTree(json)
                        .propertyStream()
                        .map(java.util.Map.Entry::getKey)
                        .toList())
                .containsExactly(
                        "clientId",
                        "method",
                        "grants",
                        "sessionLifetimeSeconds",
                        "credentialId",
                        "sessionWarningSeconds",
                        "signingKeyId");
        assertThat(mapper.readValue(json, Principal.class)).isEqualTo(principal);
    }

    @Test
    void readsAnAnswerWithoutTheNewerFields() throws Exception {
        String older =
                "{\"clientId\":\"web\",\"method\":\"STATIC_TOKEN\",\"grants\":{\"subdomains\":[\"*\"]},\"sessionLifetimeSeconds\":0,\"credentialId\":\"tok_1\"}";
        Principal principal = mapper.readValue(older, Principal.class);
        assertThat(principal.sessionWarningSeconds()).isZero();
        assertThat(principal.signingKeyId()).isNull();
        assertThat(principal.grants().allowsSubdomain("anything")).isTrue();
    }
}
