package dev.porthole.protocol.message;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

/** One fixed example of every control message, and a generator of random ones for round-trip tests. */
public final class SampleMessages {

    private SampleMessages() {}

    public static final Hello HELLO = new Hello(
            1,
            1,
            "0.1.0",
            "agent-1",
            Set.of("http"),
            262144,
            65536,
            List.of(TunnelRequest.http("api", "127.0.0.1:3000")));
    /** A HELLO whose tunnel carries a policy: the tunnel list has the policy layout ({@code PolicyCodec}). */
    public static final Hello HELLO_POLICY = new Hello(
            2,
            2,
            "1",
            "a",
            Set.of(),
            262144,
            65536,
            List.of(TunnelRequest.http("api", "")
                    .withPolicy(new TunnelPolicy(
                            List.of(new TunnelPolicy.BasicAuthUser("u", "h")),
                            List.of("::1/128"),
                            List.of(),
                            List.of(new TunnelPolicy.Webhook("github", "", "s")),
                            List.of(new Header("A", "1")),
                            List.of("B"),
                            List.of(),
                            List.of(),
                            "9/s"))));
    /** A HELLO asking for a TLS passthrough tunnel: the capability "tls" is added by itself. */
    public static final Hello HELLO_TLS = new Hello(
            2,
            2,
            "1",
            "a",
            Set.of(),
            262144,
            65536,
            List.of(new TunnelRequest(TunnelKind.TLS, "app", 0, false, "127.0.0.1:8443")));

    public static final Welcome WELCOME = new Welcome(
            1,
            "s1",
            Set.of(),
            262144,
            65536,
            List.of(TunnelResult.granted(TunnelKind.HTTP, "api", 0, "http://api.example.com")));
    /** Version 2 names the gateway instance. */
    public static final Welcome WELCOME_V2 = new Welcome(
            2,
            "s1",
            Set.of("ha"),
            262144,
            65536,
            List.of(TunnelResult.granted(TunnelKind.HTTP, "api", 0, "http://api.example.com")),
            "gw-1");

    public static final Config CONFIG = new Config(Duration.ofSeconds(10), Duration.ofSeconds(30), 1024, 0);
    public static final Notice NOTICE = new Notice(Notice.Level.WARN, "session.expiring", "2 minutes left");
    public static final GoAway GOAWAY = new GoAway(1001, "draining");
    public static final Ping PING = new Ping(0x0102030405060708L);
    public static final Pong PONG = new Pong(0x0102030405060708L);
    public static final Open OPEN = new Open(
            2,
            "api",
            "10.0.0.1:5000",
            new HttpRequestHead("GET", "/x?y=1", List.of(new Header("Host", "api.example.com"))));
    public static final Open OPEN_TCP = new Open(4, "db", "[::1]:40000", null);
    public static final Response RESPONSE =
            new Response(2, new HttpResponseHead(200, "OK", List.of(new Header("Content-Length", "5"))));
    public static final Window WINDOW = new Window(2, 131072);
    public static final Fin FIN = new Fin(2);
    public static final Rst RST = new Rst(2, ResetCode.UPSTREAM_REFUSED, "connection refused: 127.0.0.1:3000");
    public static final Trailers TRAILERS = new Trailers(2, List.of(new Header("grpc-status", "0")));

    public static List<ControlMessage> all() {
        return List.of(
                HELLO,
                HELLO_POLICY,
                HELLO_TLS,
                WELCOME,
                WELCOME_V2,
                CONFIG,
                NOTICE,
                GOAWAY,
                PING,
                PONG,
                OPEN,
                OPEN_TCP,
                RESPONSE,
                WINDOW,
                FIN,
                RST,
                TRAILERS);
    }

    /** A random, valid control message. */
    public static ControlMessage random(Random random) {
        int stream = 1 + random.nextInt(Integer.MAX_VALUE - 1);
        return switch (random.nextInt(12)) {
            case 0 ->
                new Hello(
                        random.nextInt(5),
                        random.nextInt(5),
                        text(random),
                        text(random),
                        strings(random),
                        1 + random.nextInt(1 << 30),
                        4096 + random.nextInt(1 << 20),
                        tunnelRequests(random));
            case 1 ->
                new Welcome(
                        random.nextInt(65536),
                        text(random),
                        strings(random),
                        1 + random.nextInt(1 << 30),
                        4096 + random.nextInt(1 << 20),
                        tunnelResults(random),
                        text(random));
            case 2 ->
                new Config(
                        Duration.ofMillis(random.nextInt(1 << 30)),
                        Duration.ofMillis(random.nextInt(1 << 30)),
                        1 + random.nextInt(100000),
                        random.nextLong());
            case 3 -> new Notice(Notice.Level.values()[random.nextInt(3)], text(random), text(random));
            case 4 -> new GoAway(random.nextInt(65536), text(random));
            case 5 -> new Ping(random.nextLong());
            case 6 -> new Pong(random.nextLong());
            case 7 ->
                new Open(
                        stream,
                        text(random),
                        text(random),
                        random.nextBoolean() ? null : new HttpRequestHead(text(random), text(random), headers(random)));
            case 8 ->
                new Response(
                        stream, new HttpResponseHead(100 + random.nextInt(900), text(random), responseHeaders(random)));
            case 9 -> new Window(stream, 1 + random.nextInt(Integer.MAX_VALUE - 1));
            case 10 -> new Fin(stream);
            default -> new Rst(stream, ResetCode.values()[random.nextInt(ResetCode.values().length)], text(random));
        };
    }

    private static String text(Random random) {
        int length = random.nextInt(20);
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < length; i++) {
            // Mix ASCII with multi-byte characters so that byte and char lengths differ.
            out.append(
                    random.nextInt(8) == 0
                            ? (char) (0x4e00 + random.nextInt(500))
                            : (char) (0x20 + random.nextInt(95)));
        }
        return out.toString();
    }

    private static Set<String> strings(Random random) {
        Set<String> values = new LinkedHashSet<>();
        for (int i = random.nextInt(4); i > 0; i--) {
            values.add(text(random));
        }
        return values;
    }

    private static List<Header> headers(Random random) {
        List<Header> headers = new ArrayList<>();
        for (int i = random.nextInt(6); i > 0; i--) {
            headers.add(new Header(text(random), text(random)));
        }
        return headers;
    }

    /** Headers a response may carry (HttpFieldRules): token names, values without surrounding whitespace. */
    private static List<Header> responseHeaders(Random random) {
        List<Header> headers = new ArrayList<>();
        for (int i = random.nextInt(6); i > 0; i--) {
            headers.add(new Header(
                    "X-" + Integer.toString(random.nextInt(1 << 20), 36),
                    text(random).strip()));
        }
        return headers;
    }

    private static List<TunnelRequest> tunnelRequests(Random random) {
        List<TunnelRequest> requests = new ArrayList<>();
        for (int i = random.nextInt(4); i > 0; i--) {
            TunnelRequest request = new TunnelRequest(
                    TunnelKind.values()[random.nextInt(TunnelKind.values().length)],
                    text(random),
                    random.nextInt(65536),
                    random.nextBoolean(),
                    text(random));
            requests.add(random.nextBoolean() ? request : request.withPolicy(policy(random)));
        }
        return requests;
    }

    private static TunnelPolicy policy(Random random) {
        List<TunnelPolicy.BasicAuthUser> users = new ArrayList<>();
        for (int i = random.nextInt(3); i > 0; i--) {
            users.add(new TunnelPolicy.BasicAuthUser(text(random), text(random)));
        }
        List<TunnelPolicy.Webhook> webhooks = new ArrayList<>();
        for (int i = random.nextInt(3); i > 0; i--) {
            webhooks.add(new TunnelPolicy.Webhook(text(random), text(random), text(random)));
        }
        TunnelPolicy policy = new TunnelPolicy(
                users,
                List.copyOf(strings(random)),
                List.copyOf(strings(random)),
                webhooks,
                headers(random),
                List.copyOf(strings(random)),
                headers(random),
                List.copyOf(strings(random)),
                text(random));
        return random.nextBoolean()
                ? policy
                : policy.withOidc(new TunnelPolicy.Oidc(
                        text(random),
                        text(random),
                        text(random),
                        List.copyOf(strings(random)),
                        List.copyOf(strings(random))));
    }

    private static List<TunnelResult> tunnelResults(Random random) {
        List<TunnelResult> results = new ArrayList<>();
        for (int i = random.nextInt(4); i > 0; i--) {
            results.add(new TunnelResult(
                    TunnelKind.values()[random.nextInt(TunnelKind.values().length)],
                    text(random),
                    random.nextInt(65536),
                    text(random),
                    random.nextInt(600),
                    text(random)));
        }
        return results;
    }
}
