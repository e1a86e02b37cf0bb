package dev.porthole.agent.tunnel;

import io.netty.handler.codec.http.websocketx.WebSocketHandshakeException;
import io.netty.handler.ssl.NotSslRecordException;
import io.vertx.core.http.HttpClosedException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.Locale;
import javax.net.ssl.SSLException;

/**
 * What a failed connect to the gateway most likely means, said for the person who typed
 * {@code --server}: a host that does not resolve, a port where nothing listens, TLS spoken to a
 * plain port or plain HTTP to a TLS one. Before the agent's first handshake these end it (a
 * mistake, not an outage); after it, they are reasons to keep retrying.
 *
 * @param sentence what went wrong and what to check
 * @param mistake whether retrying cannot help (the scheme does not match the port), so the agent ends at once
 */
record ConnectDiagnosis(String sentence, boolean mistake) {

    /** The diagnosis of {@code cause}, or null when it is none of the failures this knows (the agent then just retries). */
    static ConnectDiagnosis of(Throwable cause, AgentSettings settings) {
        URI endpoint = settings.endpoint();
        String host = endpoint.getHost();
        String address = host + ":" + endpoint.getPort();
        boolean tls = endpoint.getScheme().equals("wss");
        for (Throwable error = cause; error != null; error = error.getCause()) {
            if (error instanceof UnknownHostException) {
                return new ConnectDiagnosis(
                        "cannot resolve the gateway's host '" + host + "': check the host in --server ("
                                + settings.server() + ") and this machine's DNS",
                        false);
            }
            if (error instanceof ConnectException && message(error).contains("refused")) {
                return new ConnectDiagnosis(
                        "nothing accepts connections at " + address + ": check the port in --server ("
                                + settings.server() + ") and that the gateway runs there",
                        false);
            }
            if (error instanceof NoRouteToHostException) {
                return new ConnectDiagnosis(
                        "no route to " + address + ": check the host in --server (" + settings.server()
                                + ") and the network or firewall between here and the gateway",
                        false);
            }
            if (tls
                    && (error instanceof NotSslRecordException
                            || error instanceof SSLException && notTls(message(error)))) {
                return new ConnectDiagnosis(
                        "the server at " + address
                                + " does not speak TLS: for a plain-HTTP gateway use --server http://" + address,
                        true);
            }
            if (!tls
                    && (error instanceof HttpClosedException
                            || error instanceof WebSocketHandshakeException
                                    && message(error).toLowerCase(Locale.ROOT).contains("closed"))) {
                return new ConnectDiagnosis(
                        "the server at " + address + " closed the connection without answering the agent's request: "
                                + "if the gateway serves HTTPS on this port, use --server https://" + address,
                        false);
            }
        }
        if (message(cause).toLowerCase(Locale.ROOT).contains("timed out")) {
            return new ConnectDiagnosis(
                    "no answer from " + address + " within " + Link.CONNECT_TIMEOUT.toSeconds()
                            + " s: check the host and port in --server (" + settings.server()
                            + "); a firewall may drop the connection",
                    false);
        }
        return null;
    }

    private static boolean notTls(String message) {
        String lower = message.toLowerCase(Locale.ROOT);
        return lower.contains("not an ssl/tls record")
                || lower.contains("unrecognized ssl message")
                || lower.contains("plaintext connection");
    }

    private static String message(Throwable error) {
        return error.getMessage() == null ? "" : error.getMessage();
    }
}
