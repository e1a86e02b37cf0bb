package dev.porthole.gateway.tls.acme;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * DNS-01 answers through {@code pebble-challtestsrv}'s management API ({@code POST /set-txt},
 * {@code POST /clear-txt}), the DNS that Pebble is pointed at with {@code -dnsserver}.
 */
final class ChallengeTestServerSolver implements DnsChallengeSolver {

    /** The most of a refusal's body quoted in an error. */
    private static final int MAX_QUOTED = 200;

    private final URI base;
    private final Duration timeout;
    private final HttpClient http;

    ChallengeTestServerSolver(URI base, Duration timeout) {
        this.base = base;
        this.timeout = timeout;
        this.http = HttpClient.newBuilder().connectTimeout(timeout).build();
    }

    @Override
    public void publish(String recordName, String digest) throws DnsSolverException, InterruptedException {
        post("/set-txt", new JsonObject().put("host", recordName).put("value", digest));
    }

    @Override
    public void remove(String recordName, String digest) throws DnsSolverException, InterruptedException {
        post("/clear-txt", new JsonObject().put("host", recordName));
    }

    private void post(String path, JsonObject body) throws DnsSolverException, InterruptedException {
        URI target = base.resolve(path);
        HttpResponse<String> answer;
        try {
            answer = http.send(
                    HttpRequest.newBuilder(target)
                            .timeout(timeout)
                            .POST(HttpRequest.BodyPublishers.ofString(body.encode()))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new DnsSolverException(
                    "the DNS-01 solver pebble-challtestsrv at " + base + " cannot be reached (" + e + ")");
        }
        if (answer.statusCode() != 200) {
            String said = answer.body().strip();
            throw new DnsSolverException("the DNS-01 solver pebble-challtestsrv at " + base + " answered " + path
                    + " with " + answer.statusCode()
                    + (said.isEmpty() ? "" : ": " + said.substring(0, Math.min(said.length(), MAX_QUOTED))));
        }
    }
}
