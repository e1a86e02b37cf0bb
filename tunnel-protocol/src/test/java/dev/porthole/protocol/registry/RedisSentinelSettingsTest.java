package dev.porthole.protocol.registry;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import org.junit.jupiter.api.Test;

/** What a Sentinel configuration must name, and what is said when it names a master the Sentinels do not know. */
class RedisSentinelSettingsTest {

    @Test
    void aStandaloneClientNeedsNoMasterName() {
        assertThat(RedisSentinelSettings.problems("standalone", Optional.empty(), Optional.empty()))
                .isEmpty();
    }

    @Test
    void aSentinelClientNeedsAMasterNameAndThePrimary() {
        assertThat(RedisSentinelSettings.problems("sentinel", Optional.of("porthole"), Optional.empty()))
                .isEmpty();
        assertThat(RedisSentinelSettings.problems("SENTINEL", Optional.of("porthole"), Optional.of("MASTER")))
                .isEmpty();
        assertThat(RedisSentinelSettings.problems("sentinel", Optional.of(" "), Optional.of("sentinel")))
                .containsExactly(
                        "QUARKUS_REDIS_CLIENT_TYPE is sentinel but QUARKUS_REDIS_MASTER_NAME is not set: set it to the name the"
                                + " Sentinels monitor (the <name> of their 'sentinel monitor <name> <host> <port> <quorum>' line)",
                        "QUARKUS_REDIS_ROLE is 'sentinel', but Porthole writes to Redis: leave QUARKUS_REDIS_ROLE unset or set it to master");
    }

    @Test
    void sentinelsThatDoNotKnowTheMasterNameAreARefusalNamingTheSetting() {
        String error =
                "Cannot connect to any of the provided endpoints\n- ERR No such master with that name\n- ERR No such master with that name";
        assertThat(RedisLogin.refusal(error, "redis://127.0.0.1:26379,redis://127.0.0.1:26380"))
                .hasValue(
                        "the Sentinels at redis://127.0.0.1:26379, redis://127.0.0.1:26380 monitor no master by the name in"
                                + " QUARKUS_REDIS_MASTER_NAME (ERR No such master with that name): set it to the <name> of their"
                                + " 'sentinel monitor <name> <host> <port> <quorum>' line");
    }

    @Test
    void aRefusedLoginAtEverySentinelIsOneLineNamingEachSentinelOnce() {
        String error =
                "Cannot connect to any of the provided endpoints\n- WRONGPASS invalid username-password pair or user is disabled.\n"
                        + "- WRONGPASS invalid username-password pair or user is disabled.";
        assertThat(RedisLogin.refusal(error, "redis://:secret@127.0.0.1:26379,redis://:secret@127.0.0.1:26380"))
                .hasValue(
                        "Redis at redis://127.0.0.1:26379, redis://127.0.0.1:26380 refused the login of the default user (Cannot connect to any"
                                + " of the provided endpoints; WRONGPASS invalid username-password pair or user is disabled.): set QUARKUS_REDIS_HOSTS to"
                                + " redis://<user>:<password>@<host>:<port> (rediss:// for TLS) with the ACL user and password Redis was given");
    }
}
