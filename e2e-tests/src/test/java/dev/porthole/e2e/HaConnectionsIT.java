package dev.porthole.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.porthole.e2e.support.GatewayLaunch.Gateway;
import dev.porthole.e2e.support.Http;
import dev.porthole.e2e.support.PortholeSystem;
import dev.porthole.testing.FreePorts;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * An agent with {@code --ha} behind haproxy in front of three gateways: it holds two connections
 * on two different instances, and when one of them is killed (SIGKILL) visitors see nothing of it
 * (haproxy retries requests its connection lost; gateways that forwarded to the dead instance move
 * on to the surviving holder at once, long before the dead holder's place expires), and the agent
 * gets its second connection back on the remaining live instance.
 */
class HaConnectionsIT {

    private static final String TOKEN = "e2e-token-0123456789";
    /** Long enough that nothing in the test waits for a dead holder's place to expire. */
    private static final String REGISTRY_TTL = "20s";

    private static final Duration REFRESH = Duration.ofSeconds(2);
    private static final Pattern HOLDER = Pattern.compile("\\{[^{}]*}");
    private static final Pattern HOLDER_GATEWAY = Pattern.compile("\"gatewayId\":\"([^\"]+)\"");
    private static final Pattern HOLDER_EXPIRY = Pattern.compile("\"expiresAt\":([0-9]+)");
    private static final Pattern SECOND_ON =
            Pattern.compile("HA: second connection on gateway instance (\\S+) \\(the first is on (\\S+)\\)");
    private static final Pattern FORWARDS =
            Pattern.compile("(?m)^porthole_gateway_cluster_forwards_total\\{outcome=\"(\\w+)\"} ([0-9.eE+]+)$");

    private static PortholeSystem system;
    private static final List<Gateway> gateways = new ArrayList<>();
    private static int agentPort;
    private static int visitorPort;
    private static PortholeSystem.Agent agent;

    @BeforeAll
    static void start() throws IOException {
        system = new PortholeSystem("HaConnectionsIT")
                .gatewaySetting("PORTHOLE_GATEWAY_AUTH_TOKENS", TOKEN)
                .gatewaySetting("PORTHOLE_GATEWAY_REGISTRY_TTL", REGISTRY_TTL)
                .gatewaySetting("PORTHOLE_GATEWAY_REGISTRY_REFRESH_INTERVAL", REFRESH.toSeconds() + "s")
                .gatewaySetting("PORTHOLE_GATEWAY_HEARTBEAT_INTERVAL", "1s")
                .gatewaySetting("PORTHOLE_GATEWAY_HEARTBEAT_TIMEOUT", "3s");
        for (String id : List.of("gw-a", "gw-b", "gw-c")) {
            gateways.add(system.newGateway(id).inCluster(id).start());
        }
        system.startUpstream();
        agentPort = FreePorts.loopback();
        visitorPort = FreePorts.loopback();
        system.startHaproxy(haproxyConfig(agentPort, visitorPort, gateways), agentPort, visitorPort);
        agent = system.startAgent(
                "ha-agent",
                agentPort,
                List.of("-Xmx128m"),
                List.of("--ha", "--token", TOKEN, "--subdomain", "shared", "--no-inspect"));
    }

    @AfterAll
    static void stop() {
        system.close();
    }

    @Test
    void losingOneOfTheTwoInstancesHoldingTheAgentFailsNoRequest() throws Exception {
        List<Gateway> holding = awaitTwoInstancesHoldTheAgent();
        String record = system.redisGet("porthole:route:http:{shared}");
        for (Gateway gateway : holding) {
            assertThat(record).as("the registry lists both holders").contains("\"gatewayId\":\"" + gateway.id() + "\"");
        }
        Gateway first = firstConnectionsInstance();
        assertThat(holding).contains(first);
        Gateway third =
                gateways.stream().filter(g -> !holding.contains(g)).findFirst().orElseThrow();

        Load load = new Load(4);
        try {
            await().atMost(Duration.ofSeconds(60)).until(() -> load.served.get() >= 200 && forwards(third, "sent") > 0);
            assertThat(load.failures).as("before the kill").isEmpty();

            // Kill the holder the registry lists first, just after its refresh: the others then try the dead instance
            // first (for
            // about a refresh interval, until the survivor refreshes), so their forwards must move on to the next
            // holder.
            Gateway victim = holderJustRefreshedAhead();
            int servedBeforeKill = load.served.get();
            long killed = System.nanoTime();
            victim.process().kill();
            System.out.printf(
                    "HaConnectionsIT: %s killed with SIGKILL after %d requests (the first connection was on %s)%n",
                    victim.id(), servedBeforeKill, first.id());
            List<Gateway> after = awaitTwoInstancesHoldTheAgent();
            long backMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killed);
            assertThat(after).doesNotContain(victim).contains(third);
            await().atMost(Duration.ofSeconds(60)).until(() -> load.served.get() >= servedBeforeKill + 300);
            load.stop();
            System.out.printf(
                    "HaConnectionsIT: agent on two live instances again %d ms after the kill; %d requests served, %d failed; "
                            + "forwards moved on to the next holder: %s%n",
                    backMillis,
                    load.served.get(),
                    load.failures.size(),
                    gateways.stream()
                            .filter(g -> g.process().isAlive())
                            .map(g -> g.id() + "=" + (long) forwards(g, "retried"))
                            .toList());
            assertThat(load.failures)
                    .as("requests through haproxy that failed while an instance holding the agent died")
                    .isEmpty();
        } finally {
            load.stop();
        }
        assertThat(agent.process().isAlive()).isTrue();
    }

    /**
     * The holder whose place sorts first by less than 60 % of a refresh interval, at the moment it
     * refreshes again: from then until the other holder's next refresh (at least 40 % of an
     * interval) the registry lists it first.
     */
    private static Gateway holderJustRefreshedAhead() {
        long[] seen = new long[1];
        String id = await().atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(20))
                .until(
                        () -> {
                            Map<String, Long> places = holderExpiries();
                            if (places.size() != 2) {
                                return null;
                            }
                            List<Map.Entry<String, Long>> sorted = places.entrySet().stream()
                                    .sorted(Map.Entry.comparingByValue())
                                    .toList();
                            long lead = sorted.get(1).getValue() - sorted.get(0).getValue();
                            if (lead <= 0 || lead > REFRESH.toMillis() * 6 / 10) {
                                return null;
                            }
                            seen[0] = sorted.get(1).getValue();
                            return sorted.get(1).getKey();
                        },
                        found -> found != null);
        await().atMost(REFRESH.multipliedBy(3))
                .pollInterval(Duration.ofMillis(5))
                .until(() -> holderExpiries().getOrDefault(id, 0L) > seen[0]);
        return gateways.stream().filter(g -> g.id().equals(id)).findFirst().orElseThrow();
    }

    /** Each holder's gateway and expiry, from the registry record. */
    private static Map<String, Long> holderExpiries() {
        String record = system.redisGet("porthole:route:http:{shared}");
        Map<String, Long> places = new HashMap<>();
        int holders = record.indexOf("\"holders\"");
        if (holders < 0) {
            return places;
        }
        Matcher holder = HOLDER.matcher(record.substring(holders));
        while (holder.find()) {
            Matcher id = HOLDER_GATEWAY.matcher(holder.group());
            Matcher expiry = HOLDER_EXPIRY.matcher(holder.group());
            if (id.find() && expiry.find()) {
                places.put(id.group(1), Long.parseLong(expiry.group(1)));
            }
        }
        return places;
    }

    /** The two live gateways that each count one agent, once exactly two do. */
    private static List<Gateway> awaitTwoInstancesHoldTheAgent() {
        return await().atMost(Duration.ofSeconds(90))
                .pollInterval(Duration.ofMillis(200))
                .until(
                        () -> gateways.stream()
                                .filter(g -> g.process().isAlive())
                                .filter(g -> agentsConnected(g) > 0)
                                .toList(),
                        holding -> holding.size() == 2);
    }

    /** The instance of the agent's first connection, from its latest "second connection on ... (the first is on ...)" line. */
    private static Gateway firstConnectionsInstance() {
        String id = await().atMost(Duration.ofSeconds(60))
                .until(
                        () -> {
                            List<String> lines = new ArrayList<>(agent.process().stdout());
                            lines.addAll(agent.process().stderr());
                            String found = null;
                            for (String line : lines) {
                                Matcher matcher = SECOND_ON.matcher(line);
                                if (matcher.find()) {
                                    found = matcher.group(2);
                                }
                            }
                            return Optional.ofNullable(found);
                        },
                        Optional::isPresent)
                .orElseThrow();
        return gateways.stream().filter(g -> g.id().equals(id)).findFirst().orElseThrow();
    }

    private static double agentsConnected(Gateway gateway) {
        Matcher gauge = Pattern.compile("(?m)^porthole_gateway_agents(\\{[^}]*})? ([0-9.eE+]+)$")
                .matcher(Http.get(gateway.metricsUrl()).body());
        return gauge.find() ? Double.parseDouble(gauge.group(2)) : 0;
    }

    private static double forwards(Gateway gateway, String outcome) {
        Matcher series = FORWARDS.matcher(Http.get(gateway.metricsUrl()).body());
        while (series.find()) {
            if (series.group(1).equals(outcome)) {
                return Double.parseDouble(series.group(2));
            }
        }
        return 0;
    }

    /** Visitors sending GET after GET through haproxy's HTTP frontend, each thread on its own keep-alive client; every answer but 200 "hello" is a failure. */
    private static final class Load {
        final AtomicInteger served = new AtomicInteger();
        final ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final List<Thread> threads = new ArrayList<>();

        Load(int visitors) {
            for (int i = 0; i < visitors; i++) {
                threads.add(Thread.ofPlatform().name("visitor-" + i).start(this::visit));
            }
        }

        private void visit() {
            try (HttpClient client = HttpClient.newBuilder()
                    .version(HttpClient.Version.HTTP_1_1)
                    .connectTimeout(Duration.ofSeconds(5))
                    .build()) {
                HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + visitorPort + "/hello"))
                        .header("Host", "shared." + PortholeSystem.DOMAIN + ":" + visitorPort)
                        .timeout(Duration.ofSeconds(30))
                        .build();
                while (running.get()) {
                    try {
                        HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
                        if (response.statusCode() == 200 && response.body().equals("hello\n")) {
                            served.incrementAndGet();
                        } else {
                            failures.add(response.statusCode() + ": " + response.body());
                        }
                    } catch (IOException e) {
                        failures.add(e.toString());
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        void stop() throws InterruptedException {
            running.set(false);
            for (Thread thread : threads) {
                thread.join(Duration.ofSeconds(40));
            }
        }
    }

    /**
     * Agents reach the gateways through a TCP frontend, visitors through an HTTP one that retries a
     * request on another instance when its connection failed or died before an answer (a killed
     * instance); a 502 from a gateway is passed on as it is, so a gateway that cannot reach a
     * holder shows.
     */
    private static String haproxyConfig(int agents, int visitors, List<Gateway> backends) {
        StringBuilder servers = new StringBuilder();
        for (Gateway gateway : backends) {
            servers.append("    server ")
                    .append(gateway.id())
                    .append(" 127.0.0.1:")
                    .append(gateway.port())
                    .append(" check inter 200ms fall 1 rise 2\n");
        }
        return """
                global
                    maxconn 1000
                defaults
                    timeout connect 2s
                    timeout client 5m
                    timeout server 5m
                    timeout tunnel 5m
                    retries 3
                    option redispatch 1
                frontend agents
                    mode tcp
                    bind 127.0.0.1:%d
                    default_backend gateways_for_agents
                backend gateways_for_agents
                    mode tcp
                    balance roundrobin
                %sfrontend visitors
                    mode http
                    bind 127.0.0.1:%d
                    default_backend gateways_for_visitors
                backend gateways_for_visitors
                    mode http
                    balance roundrobin
                    retry-on conn-failure empty-response response-timeout
                %s""".formatted(agents, servers, visitors, servers);
    }
}
