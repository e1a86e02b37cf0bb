package dev.porthole.protocol.event;

import dev.porthole.protocol.event.PortholeEvent.AgentConnected;
import dev.porthole.protocol.event.PortholeEvent.AgentDisconnected;
import dev.porthole.protocol.event.PortholeEvent.AuthFailed;
import dev.porthole.protocol.event.PortholeEvent.CertificateRejected;
import dev.porthole.protocol.event.PortholeEvent.CertificateReloaded;
import dev.porthole.protocol.event.PortholeEvent.CertificateRenewalFailed;
import dev.porthole.protocol.event.PortholeEvent.ClientCreated;
import dev.porthole.protocol.event.PortholeEvent.ClientDeleted;
import dev.porthole.protocol.event.PortholeEvent.ClientDisabled;
import dev.porthole.protocol.event.PortholeEvent.ConfigRejected;
import dev.porthole.protocol.event.PortholeEvent.ConfigReloaded;
import dev.porthole.protocol.event.PortholeEvent.GatewayDraining;
import dev.porthole.protocol.event.PortholeEvent.GatewayStarted;
import dev.porthole.protocol.event.PortholeEvent.LimitHit;
import dev.porthole.protocol.event.PortholeEvent.PolicyRefused;
import dev.porthole.protocol.event.PortholeEvent.PublicSessionExpired;
import dev.porthole.protocol.event.PortholeEvent.SigningSecretRotated;
import dev.porthole.protocol.event.PortholeEvent.TunnelClosed;
import dev.porthole.protocol.event.PortholeEvent.TunnelOpened;
import java.time.Duration;
import java.util.List;

/**
 * The one sentence that says what an event means, as a pattern with a {@code %s} per value and the
 * values: a chat message escapes the values its own way (notification-service), the console
 * HTML-escapes the whole text. One place, so a channel and the console never word an event apart.
 *
 * @param pattern the words, with {@code %s} where each value goes
 * @param values the values, in order
 */
public record EventSentence(String pattern, List<String> values) {

    /** The sentence as plain text. */
    public String text() {
        StringBuilder out = new StringBuilder();
        int from = 0;
        for (String value : values) {
            int at = pattern.indexOf("%s", from);
            out.append(pattern, from, at).append(value);
            from = at + 2;
        }
        return out.append(pattern.substring(from)).toString();
    }

    private static EventSentence sentence(String pattern, String... values) {
        return new EventSentence(pattern, List.of(values));
    }

    public static EventSentence of(PortholeEvent event) {
        return switch (event) {
            case AgentConnected e ->
                sentence(
                        "Agent of client %s connected to gateway %s from %s.",
                        v(e.clientId()), v(e.gatewayId()), v(e.remoteAddress()));
            case AgentDisconnected e ->
                sentence(
                        "Agent of client %s disconnected from gateway %s after %s (%s in, %s out): %s.",
                        v(e.clientId()),
                        v(e.gatewayId()),
                        human(Duration.ofMillis(e.durationMillis())),
                        bytes(e.bytesIn()),
                        bytes(e.bytesOut()),
                        v(e.reason()));
            case TunnelOpened e ->
                sentence(
                        "Tunnel %s %s opened at %s (client %s).",
                        v(e.kind()), v(e.name()), v(e.publicAddress()), v(e.clientId()));
            case TunnelClosed e ->
                sentence(
                        "Tunnel %s %s closed (client %s): %s.",
                        v(e.kind()), v(e.name()), v(e.clientId()), v(e.reason()));
            case AuthFailed e ->
                sentence(
                        "%s failed authentication(s) in %ss from %s for client %s: %s.",
                        String.valueOf(e.count()),
                        String.valueOf(e.windowSeconds()),
                        v(e.remoteAddress()),
                        v(e.clientId()),
                        v(e.reason()));
            case ClientCreated e -> sentence("Client %s created by %s.", v(e.clientId()), v(e.actor()));
            case ClientDisabled e ->
                sentence("Client %s disabled by %s; its sessions were closed.", v(e.clientId()), v(e.actor()));
            case ClientDeleted e ->
                sentence("Client %s deleted by %s; its sessions were closed.", v(e.clientId()), v(e.actor()));
            case SigningSecretRotated e ->
                sentence(
                        "JWT signing secret rotated by %s (current key %s, previous %s).",
                        v(e.actor()), v(e.currentKeyId()), v(e.previousKeyId()));
            case LimitHit e ->
                sentence(
                        "%s limit hit for client %s on tunnel %s: %s.",
                        v(e.limit()), v(e.clientId()), v(e.tunnel()), v(e.detail()));
            case PolicyRefused e ->
                sentence(
                        "Policy rule %s of tunnel %s (client %s) refused a request from %s with %s.",
                        v(e.rule()), v(e.tunnel()), v(e.clientId()), v(e.remoteAddress()), String.valueOf(e.status()));
            case PublicSessionExpired e ->
                sentence(
                        "Public session %s from %s expired (tunnels %s).",
                        v(e.sessionId()), v(e.remoteAddress()), v(e.tunnels()));
            case GatewayStarted e ->
                sentence(
                        "Gateway %s started (version %s) at %s.",
                        v(e.gatewayId()), v(e.version()), v(e.publicAddress()));
            case GatewayDraining e ->
                sentence(
                        "Gateway %s is draining %s session(s): %s.",
                        v(e.gatewayId()), String.valueOf(e.sessions()), v(e.reason()));
            case ConfigRejected e ->
                sentence(
                        "%s rejected a configuration change from %s: %s.",
                        v(e.service()), v(e.source()), v(e.detail()));
            case ConfigReloaded e ->
                sentence(
                        "%s put a new configuration from %s in force: %s.",
                        v(e.service()), v(e.source()), v(e.changes()));
            case CertificateRejected e ->
                sentence(
                        "Gateway %s keeps its previous TLS certificates: the new ones from %s cannot be served: %s.",
                        v(e.gatewayId()), v(e.source()), v(e.detail()));
            case CertificateReloaded e ->
                sentence(
                        "Gateway %s serves new TLS certificates from %s: %s.",
                        v(e.gatewayId()), v(e.source()), v(e.certificates()));
            case CertificateRenewalFailed e ->
                sentence(
                        "Gateway %s could not get a certificate for %s from its ACME CA: %s. It keeps serving"
                                + " the one it has (valid until %s) and tries again.",
                        v(e.gatewayId()), v(e.host()), v(e.detail()), v(e.servedUntil()));
        };
    }

    private static String v(String value) {
        return value == null || value.isBlank() ? "-" : value;
    }

    public static String human(Duration d) {
        long seconds = d.toSeconds();
        if (seconds < 1) {
            return d.toMillis() + "ms";
        }
        long h = seconds / 3600;
        long m = seconds % 3600 / 60;
        long s = seconds % 60;
        StringBuilder out = new StringBuilder();
        if (h > 0) {
            out.append(h).append("h ");
        }
        if (h > 0 || m > 0) {
            out.append(m).append("m ");
        }
        return out.append(s).append('s').toString();
    }

    public static String bytes(long n) {
        if (n < 1024) {
            return n + " B";
        }
        String[] units = {"KiB", "MiB", "GiB", "TiB"};
        double value = n;
        int unit = -1;
        while (value >= 1024 && unit < units.length - 1) {
            value /= 1024;
            unit++;
        }
        return String.format(java.util.Locale.ROOT, "%.1f %s", value, units[unit]);
    }
}
