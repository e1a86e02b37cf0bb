package dev.porthole.gateway.registry;

import static org.assertj.core.api.Assertions.assertThat;

import dev.porthole.protocol.registry.TunnelNames;
import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class NameGeneratorTest {

    private final NameGenerator names = new NameGenerator(new Random(1));

    @Test
    void everyNameIsAValidDnsLabelOfFourToSixtyThreeCharacters() {
        for (int i = 0; i < 10_000; i++) {
            String name = names.next();
            assertThat(TunnelNames.problem(name)).as(name).isNull();
            assertThat(name.length()).isBetween(4, 63);
            assertThat(names.looksGenerated(name)).isTrue();
        }
    }

    @Test
    void namesRarelyRepeat() {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 10_000; i++) {
            seen.add(names.next());
        }
        assertThat(seen.size()).isGreaterThan(9_990);
    }

    @Test
    void chosenNamesDoNotLookGenerated() {
        assertThat(names.looksGenerated("api")).isFalse();
        assertThat(names.looksGenerated("brave-otter")).isFalse();
        assertThat(names.looksGenerated("brave-otter-abc")).isFalse();
        assertThat(names.looksGenerated("evil-otter-abcde")).isFalse();
        assertThat(names.looksGenerated("brave-otter-abc1e")).isFalse();
    }
}
