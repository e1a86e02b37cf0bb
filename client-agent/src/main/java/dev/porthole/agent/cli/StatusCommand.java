package dev.porthole.agent.cli;

import dev.porthole.agent.tunnel.AgentExit;
import dev.porthole.agent.upstream.UpstreamAddress;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code porthole status}: the running agent's tunnels, request counts and last errors, from its local API. */
@Command(
        name = "status",
        mixinStandardHelpOptions = true,
        description = {
            "Show the running agent's tunnels, request counts and last errors.",
            "Asks the agent's inspector address (GET /api/status); an agent started with --no-inspect cannot be asked."
        })
public class StatusCommand implements Callable<Integer> {

    @Option(
            names = "--inspect-address",
            paramLabel = "HOST:PORT",
            defaultValue = "${env:INSPECT_ADDRESS:-127.0.0.1:4040}",
            description = "The running agent's inspector address (env INSPECT_ADDRESS, default ${DEFAULT-VALUE}).")
    String address;

    @Option(names = "--json", description = "Print the agent's answer as JSON.")
    boolean json;

    @Override
    public Integer call() {
        UpstreamAddress where;
        try {
            where = UpstreamAddress.parse(address);
        } catch (IllegalArgumentException e) {
            AgentRunner.fatal("--inspect-address: " + e.getMessage());
            return AgentExit.CONFIG_ERROR;
        }
        String host = where.host().equals("0.0.0.0") || where.host().equals("::") ? "127.0.0.1" : where.host();
        URI uri = URI.create("http://" + new UpstreamAddress(host, where.port()) + "/api/status");
        HttpResponse<String> response;
        try (HttpClient client =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build()) {
            response = client.send(
                    HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            AgentRunner.fatal(
                    "no agent answers at " + where + " (" + e.getClass().getSimpleName()
                            + "); is one running, with its inspector on? Point --inspect-address at it");
            return AgentExit.UNREACHABLE;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return AgentExit.NORMAL;
        }
        JsonObject status;
        try {
            if (response.statusCode() != 200) {
                throw new DecodeException("HTTP " + response.statusCode());
            }
            status = new JsonObject(response.body());
        } catch (DecodeException e) {
            AgentRunner.fatal(
                    "what answers at " + where + " is not a porthole agent with a status API (" + e.getMessage() + ")");
            return AgentExit.UNREACHABLE;
        }
        if (json) {
            System.out.println(status.encodePrettily());
        } else {
            lines(status).forEach(System.out::println);
        }
        return AgentExit.NORMAL;
    }

    /** The answer for people: one line about the connection, a table of tunnels, the last errors. */
    static List<String> lines(JsonObject status) {
        List<String> lines = new ArrayList<>();
        String since = status.getString("connectedSince");
        lines.add("agent " + status.getString("agentId") + ": " + status.getString("state") + " to "
                + status.getString("server") + (since == null ? "" : " since " + since) + ", "
                + status.getLong("reconnects", 0L) + " reconnects");
        List<List<String>> rows = new ArrayList<>();
        rows.add(List.of("NAME", "TYPE", "STATE", "ADDRESS", "UPSTREAM", "REQUESTS", "FAILED"));
        JsonArray tunnels = status.getJsonArray("tunnels", new JsonArray());
        for (int i = 0; i < tunnels.size(); i++) {
            JsonObject tunnel = tunnels.getJsonObject(i);
            String address = tunnel.getString("address", "");
            rows.add(List.of(
                    tunnel.getString("name", ""),
                    tunnel.getString("type", ""),
                    tunnel.getString("state", ""),
                    address.isEmpty() ? "-" : address,
                    tunnel.getString("upstream", ""),
                    String.valueOf(tunnel.getLong("requests", 0L)),
                    String.valueOf(tunnel.getLong("failedRequests", 0L))));
        }
        lines.addAll(StatusTable.align(rows));
        JsonArray errors = status.getJsonArray("errors", new JsonArray());
        if (!errors.isEmpty()) {
            lines.add("last errors:");
            for (int i = 0; i < errors.size(); i++) {
                lines.add("  " + errors.getJsonObject(i).getString("at") + "  "
                        + errors.getJsonObject(i).getString("message"));
            }
        }
        return lines;
    }
}
