package dev.porthole.gateway.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class ConfigCheckTest {

    @Test
    void theDefaultsAreValid() {
        assertThat(ConfigCheck.problems(TestConfigs.gateway(Map.of()))).isEmpty();
    }

    @Test
    void reportsEveryMistakeAtOnceEachNamingItsKey() {
        var problems = ConfigCheck.problems(TestConfigs.gateway(Map.of(
                "porthole.gateway.http.domain", "Not A Domain",
                "porthole.gateway.http.public-scheme", "ftp",
                "porthole.gateway.http.port", "70000",
                "porthole.gateway.heartbeat.interval", "10s",
                "porthole.gateway.heartbeat.timeout", "15s",
                "porthole.gateway.registry.ttl", "5s",
                "porthole.gateway.tunnel.max-frame-size", "1K",
                "porthole.gateway.auth.tokens", "short")));
        assertThat(problems).hasSize(7);
        assertThat(problems).anyMatch(p -> p.startsWith("porthole.gateway.http.domain:"))
                .anyMatch(p -> p.startsWith("porthole.gateway.http.public-scheme:"))
                .anyMatch(p -> p.startsWith("porthole.gateway.http.port:"))
                .anyMatch(p -> p.startsWith("porthole.gateway.heartbeat.timeout:") && p.contains("twice"))
                .anyMatch(p -> p.startsWith("porthole.gateway.registry.ttl:"))
                .anyMatch(p -> p.startsWith("porthole.gateway.tunnel.max-frame-size:"))
                .anyMatch(p -> p.startsWith("porthole.gateway.auth.tokens[0]:"));
    }

    @Test
    void theAgentPathMayNotHideUnderThePathPrefix() {
        assertThat(ConfigCheck.problems(TestConfigs.gateway(Map.of("porthole.gateway.http.agent-path", "/t/agent"))))
                .singleElement().asString().contains("must not lie under path-prefix");
    }
}
