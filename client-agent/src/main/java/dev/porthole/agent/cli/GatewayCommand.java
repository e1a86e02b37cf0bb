package dev.porthole.agent.cli;

import io.vertx.core.Vertx;
import jakarta.inject.Inject;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;

/**
 * A command that connects to a gateway ({@code http}, {@code tcp}, {@code udp}, {@code tls},
 * {@code start}, {@code connect}): the connection options, and the runner and Vert.x it runs with.
 */
abstract class GatewayCommand implements Callable<Integer> {

    @Mixin
    ConnectionOptions connection;

    @Inject
    Vertx vertx;

    @Inject
    AgentRunner runner;
}
