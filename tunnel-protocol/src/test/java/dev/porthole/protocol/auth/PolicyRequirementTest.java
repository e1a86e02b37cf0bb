package dev.porthole.protocol.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.porthole.protocol.message.TunnelPolicy;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A grant's required policy: which tunnel policies meet it, and that it travels with the grants. */
class PolicyRequirementTest {

    private static final TunnelPolicy BASIC = new TunnelPolicy(
            List.of(new TunnelPolicy.BasicAuthUser("u", "$2a$10$x")),
            List.of(),
            List.of(),
            List.of(),
            List.of(),
            List.of(),
            List.of(),
            List.of(),
            "");

    private static TunnelPolicy oidc(String... domains) {
        return TunnelPolicy.NONE.withOidc(
                new TunnelPolicy.Oidc("https://id.example.com", "c", "s", List.of(domains), List.of()));
    }

    @Test
    void aRequiredLoginIsMetByTheLoginsItNames() {
        assertThat(PolicyRequirement.NONE.problem(TunnelPolicy.NONE)).isNull();
        PolicyRequirement either = new PolicyRequirement("login", List.of());
        assertThat(either.problem(TunnelPolicy.NONE))
                .isEqualTo("a login: basic auth (--basic-auth) or OIDC (--oidc-issuer)");
        assertThat(either.problem(BASIC)).isNull();
        assertThat(either.problem(oidc())).isNull();
        PolicyRequirement oidcOnly = new PolicyRequirement("oidc", List.of());
        assertThat(oidcOnly.problem(BASIC)).isEqualTo("an OIDC login (--oidc-issuer URL --oidc-client-id ID)");
        assertThat(new PolicyRequirement("basic-auth", List.of()).problem(oidc()))
                .isEqualTo("basic auth (--basic-auth USER:PASSWORD)");
        assertThatThrownBy(() -> new PolicyRequirement("kerberos", List.of())).hasMessageContaining("not 'kerberos'");
    }

    @Test
    void requiredDomainsAskForAnOidcLoginLimitedToThem() {
        PolicyRequirement staff = new PolicyRequirement("", List.of("Example.com"));
        String problem = "an OIDC login limited to example.com (--oidc-issuer ... --oidc-allow-domain example.com)";
        assertThat(staff.problem(oidc("example.com"))).isNull();
        assertThat(staff.problem(oidc("EXAMPLE.COM"))).isNull();
        assertThat(staff.problem(oidc())).as("any account of the issuer").isEqualTo(problem);
        assertThat(staff.problem(oidc("example.com", "gmail.com"))).isEqualTo(problem);
        assertThat(staff.problem(BASIC)).isEqualTo(problem);
    }

    @Test
    void grantsCarryTheRequirement() throws Exception {
        ObjectMapper mapper = new ObjectMapper();
        Grants grants = new Grants(
                List.of("*"),
                true,
                List.of(),
                0,
                List.of(),
                List.of(),
                0,
                0,
                0,
                0,
                new PolicyRequirement("login", List.of("example.com")));
        assertThat(mapper.readValue(mapper.writeValueAsString(grants), Grants.class))
                .isEqualTo(grants);
    }

    @Test
    void olderGrantRecordsRequireNothing() throws Exception {
        ObjectMapper mapper = new ObjectMapper();
        assertThat(mapper.readValue("{\"subdomains\":[\"api\"]}", Grants.class).requiredPolicy())
                .isEqualTo(PolicyRequirement.NONE);
    }
}
