package dev.porthole.protocol.broadcast;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.porthole.protocol.auth.AuthMethod;
import dev.porthole.protocol.auth.Grants;
import dev.porthole.protocol.auth.Principal;
import dev.porthole.protocol.broadcast.ControlBroadcast.ClientDeleted;
import dev.porthole.protocol.broadcast.ControlBroadcast.ClientDisabled;
import dev.porthole.protocol.broadcast.ControlBroadcast.ClientGrantsChanged;
import dev.porthole.protocol.broadcast.ControlBroadcast.CredentialRevoked;
import dev.porthole.protocol.broadcast.ControlBroadcast.SessionKicked;
import dev.porthole.protocol.broadcast.ControlBroadcast.SigningKeyRetired;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class BroadcastCodecTest {

    /** The exact bytes gateways parse: an accidental change to the wire form fails here. */
    static Stream<Arguments> golden() {
        return Stream.of(
                Arguments.of(
                        new ClientDisabled("ci-runner"),
                        "{\"v\":1,\"type\":\"client.disabled\",\"clientId\":\"ci-runner\"}"),
                Arguments.of(
                        new ClientDeleted("ci-runner"),
                        "{\"v\":1,\"type\":\"client.deleted\",\"clientId\":\"ci-runner\"}"),
                Arguments.of(
                        new ClientGrantsChanged("ci-runner"),
                        "{\"v\":1,\"type\":\"client.grants-changed\",\"clientId\":\"ci-runner\"}"),
                Arguments.of(
                        new CredentialRevoked("ci-runner", "tok_abc"),
                        "{\"v\":1,\"type\":\"credential.revoked\",\"clientId\":\"ci-runner\",\"credentialId\":\"tok_abc\"}"),
                Arguments.of(
                        new SessionKicked("s-1", "gw-a", "ci-runner"),
                        "{\"v\":1,\"type\":\"session.kicked\",\"sessionId\":\"s-1\",\"gatewayId\":\"gw-a\",\"clientId\":\"ci-runner\"}"),
                Arguments.of(
                        new SigningKeyRetired("k-20260101-abcd"),
                        "{\"v\":1,\"type\":\"signing-key.retired\",\"keyId\":\"k-20260101-abcd\"}"));
    }

    @ParameterizedTest
    @MethodSource("golden")
    void writesTheGoldenJson(ControlBroadcast broadcast, String json) {
        assertThat(BroadcastCodec.toJson(broadcast)).isEqualTo(json);
    }

    @ParameterizedTest
    @MethodSource("golden")
    void readsTheGoldenJsonBack(ControlBroadcast broadcast, String json) throws MalformedBroadcastException {
        assertThat(BroadcastCodec.fromJson(json)).isEqualTo(broadcast);
    }

    @Test
    void everyTypeHasAGoldenCase() {
        assertThat(golden().map(a -> ((ControlBroadcast) a.get()[0]).type()))
                .containsExactlyInAnyOrder(BroadcastType.values());
    }

    @Test
    void ignoresFieldsItDoesNotKnow() throws MalformedBroadcastException {
        assertThat(BroadcastCodec.fromJson(
                        "{\"v\":1,\"type\":\"client.deleted\",\"clientId\":\"a\",\"reason\":\"later\"}"))
                .isEqualTo(new ClientDeleted("a"));
    }

    @Test
    void rejectsUnknownTypeNewerVersionAndGarbage() {
        assertThatThrownBy(() -> BroadcastCodec.fromJson("{\"v\":1,\"type\":\"client.renamed\",\"clientId\":\"a\"}"))
                .isInstanceOf(MalformedBroadcastException.class)
                .hasMessageContaining("unknown broadcast type 'client.renamed'");
        assertThatThrownBy(() -> BroadcastCodec.fromJson("{\"v\":2,\"type\":\"client.deleted\",\"clientId\":\"a\"}"))
                .isInstanceOf(MalformedBroadcastException.class)
                .hasMessageContaining("unsupported broadcast version 2");
        assertThatThrownBy(() -> BroadcastCodec.fromJson("not json"))
                .isInstanceOf(MalformedBroadcastException.class)
                .hasMessageContaining("not JSON");
        assertThatThrownBy(() -> BroadcastCodec.fromJson("{\"v\":1,\"type\":\"client.deleted\"}"))
                .isInstanceOf(MalformedBroadcastException.class)
                .hasMessageContaining("bad fields for 'client.deleted'");
    }

    @Test
    void namesTheChannelUnderThePrefix() {
        assertThat(BroadcastCodec.channel("porthole:")).isEqualTo("porthole:control");
    }

    @Test
    void decidesWhichSessionsToClose() {
        Principal jwt = new Principal("ci-runner", AuthMethod.JWT, Grants.unrestricted(), 0, "jti-1", 0, "k-1");
        Principal other = new Principal("web", AuthMethod.STATIC_TOKEN, Grants.unrestricted(), 0, "tok-9");

        assertThat(new ClientDisabled("ci-runner").closes("s-1", jwt)).isTrue();
        assertThat(new ClientDisabled("ci-runner").closes("s-2", other)).isFalse();
        assertThat(new ClientDeleted("web").closes("s-2", other)).isTrue();
        assertThat(new ClientGrantsChanged("ci-runner").closes("s-1", jwt)).isFalse();
        assertThat(new CredentialRevoked("ci-runner", "jti-1").closes("s-1", jwt))
                .isTrue();
        assertThat(new CredentialRevoked("ci-runner", "jti-2").closes("s-1", jwt))
                .isFalse();
        assertThat(new SessionKicked("s-2", "gw-a", "web").closes("s-2", other)).isTrue();
        assertThat(new SessionKicked("s-2", "gw-a", "web").closes("s-1", jwt)).isFalse();
        assertThat(new SigningKeyRetired("k-1").closes("s-1", jwt)).isTrue();
        assertThat(new SigningKeyRetired("k-1").closes("s-2", other)).isFalse();
    }
}
