package dev.porthole.gateway.auth;

import static org.assertj.core.api.Assertions.assertThat;

import dev.porthole.protocol.auth.AgentCredentials;
import dev.porthole.protocol.auth.AuthMethod;
import dev.porthole.protocol.auth.Grants;
import dev.porthole.protocol.auth.Principal;
import dev.porthole.testing.ManualClock;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class PrincipalCacheTest {

    private final ManualClock clock = new ManualClock();

    private static Principal principal(String client, String credential) {
        return new Principal(client, AuthMethod.CLIENT_CREDENTIALS, Grants.publicSession(), 0, credential);
    }

    @Test
    void anAnswerIsReusedUntilItsTimeIsUp() {
        PrincipalCache cache = new PrincipalCache(Duration.ofSeconds(30), 10, clock);
        cache.put("k", principal("ci", "s1"));
        clock.advance(Duration.ofSeconds(29));
        assertThat(cache.get("k")).isNotNull();
        clock.advance(Duration.ofSeconds(1));
        assertThat(cache.get("k")).isNull();
    }

    @Test
    void holdsAtMostItsCapacity() {
        PrincipalCache cache = new PrincipalCache(Duration.ofMinutes(1), 3, clock);
        for (int i = 0; i < 50; i++) {
            cache.put("k" + i, principal("k" + i, null));
        }
        assertThat(cache.size()).isEqualTo(3);
    }

    @Test
    void aStormOfOneOffKeysDoesNotFlushAnAnswerInUse() {
        PrincipalCache cache = new PrincipalCache(Duration.ofMinutes(1), 10, clock);
        for (int i = 0; i < 10; i++) {
            cache.put("agent-" + i, principal("agent-" + i, null));
        }
        for (int i = 0; i < 5; i++) {
            cache.get("agent-0");
        }
        for (int i = 0; i < 1000; i++) {
            cache.put("stranger-" + i, principal("stranger-" + i, null));
        }
        assertThat(cache.get("agent-0")).isNotNull();
        assertThat(cache.size()).isEqualTo(10);
    }

    @Test
    void forgetsWhatABroadcastMadeStale() {
        PrincipalCache cache = new PrincipalCache(Duration.ofMinutes(1), 10, clock);
        cache.put("a", principal("ci", "s1"));
        cache.put("b", principal("other", "s2"));
        cache.forget(p -> p.clientId().equals("ci"));
        assertThat(cache.get("a")).isNull();
        assertThat(cache.get("b")).isNotNull();
    }

    @Test
    void aZeroLifetimeCachesNothing() {
        PrincipalCache cache = new PrincipalCache(Duration.ZERO, 10, clock);
        cache.put("a", principal("ci", null));
        assertThat(cache.get("a")).isNull();
    }

    @Test
    void keysDependOnTheCredentialsAndForPublicAgentsOnTheAgent() {
        assertThat(PrincipalCache.key(new AgentCredentials("Bearer x", null, "a1", "1.2.3.4")))
                .isEqualTo(PrincipalCache.key(new AgentCredentials("Bearer x", null, "a2", "5.6.7.8")))
                .isNotEqualTo(PrincipalCache.key(new AgentCredentials("Bearer y", null, "a1", "1.2.3.4")))
                .isNotEqualTo(PrincipalCache.key(new AgentCredentials("Bearer x", "client", "a1", "1.2.3.4")));
        assertThat(PrincipalCache.key(new AgentCredentials(null, null, "a1", "x")))
                .isNotEqualTo(PrincipalCache.key(new AgentCredentials(null, null, "a2", "x")));
        assertThat(PrincipalCache.key(new AgentCredentials("Bearer secret-token", null, "a", "x")))
                .doesNotContain("secret");
    }
}
