# One Dockerfile, one image per Porthole process: the "build" stage runs the Maven build once,
# and each service is a target (gateway-service, auth-service, notification-service, client-agent)
# that copies only its packaged application onto a JRE. docker-compose.yml picks the target;
# by hand: docker build --target gateway-service -t porthole/gateway-service .
#
# Nothing secret is baked in: every setting comes from the environment when the container starts.

FROM maven:3.9-eclipse-temurin-25 AS build
WORKDIR /src
# Poms first, so that a source change does not invalidate the dependency layer's cache.
COPY pom.xml ./
COPY .mvn .mvn
COPY test-fixtures/pom.xml test-fixtures/
COPY tunnel-protocol/pom.xml tunnel-protocol/
COPY auth-service/pom.xml auth-service/
COPY notification-service/pom.xml notification-service/
COPY gateway-service/pom.xml gateway-service/
COPY client-agent/pom.xml client-agent/
# Modules the image does not build, but that the parent pom lists.
COPY deploy-check/pom.xml deploy-check/
COPY e2e-tests/pom.xml e2e-tests/
COPY test-fixtures/src test-fixtures/src
COPY tunnel-protocol/src tunnel-protocol/src
COPY auth-service/src auth-service/src
COPY notification-service/src notification-service/src
COPY gateway-service/src gateway-service/src
COPY client-agent/src client-agent/src
# Tests need a redis-server and real processes; they run in CI (`mvn verify`), not in the image build.
RUN --mount=type=cache,target=/root/.m2 \
    mvn -B -q -DskipTests -Dporthole.aot.skip=true -pl auth-service,notification-service,gateway-service,client-agent -am package

# Common runtime: a JRE, a non-root user, and a health check that needs no extra tools (bash's /dev/tcp).
# No heredocs and no `# syntax=` line: the engine's built-in BuildKit parser must build this file
# without fetching a frontend image.
FROM eclipse-temurin:25-jre AS runtime
RUN useradd --system --uid 10001 --home-dir /app --shell /usr/sbin/nologin porthole
WORKDIR /app
ENV JDK_JAVA_OPTIONS="--sun-misc-unsafe-memory-access=allow -XX:MaxRAMPercentage=75"
COPY --chmod=755 deploy/docker/porthole-health /usr/local/bin/porthole-health
USER 10001
ENTRYPOINT ["java", "-jar", "/app/quarkus-run.jar"]
# Each service stage sets HEALTH_PORT to its management port. Failures in the start period do not
# count and the first success ends it, so a long one costs nothing on a fast machine; on a busy
# one a service can take over a minute to start, and `depends_on: service_healthy` gives up at
# the first "unhealthy".
HEALTHCHECK --interval=10s --timeout=5s --start-period=120s --retries=3 CMD ["porthole-health"]

FROM runtime AS gateway-service
COPY --from=build --chown=10001 /src/gateway-service/target/quarkus-app/ /app/
# 8-byte object headers (JDK 25): about 9% less heap per idle tunnel (docs/performance.md, "Idle tunnels").
ENV JDK_JAVA_OPTIONS="$JDK_JAVA_OPTIONS -XX:+UseCompactObjectHeaders"
# 8080: visitors and agents; 9080: health and metrics.
EXPOSE 8080 9080
ENV HEALTH_PORT=9080

FROM runtime AS auth-service
COPY --from=build --chown=10001 /src/auth-service/target/quarkus-app/ /app/
EXPOSE 8081 9081
ENV HEALTH_PORT=9081

FROM runtime AS notification-service
COPY --from=build --chown=10001 /src/notification-service/target/quarkus-app/ /app/
EXPOSE 8082 9082
ENV HEALTH_PORT=9082

# The agent (`porthole`) and the demo app (`porthole demo-server`): a command-line program, no
# management port; run it with arguments, e.g. `http demo:3000 --server http://gateway:8080`.
FROM runtime AS client-agent
COPY --from=build --chown=10001 /src/client-agent/target/quarkus-app/ /app/
# The distribution's launcher (client-agent/src/main/dist/bin/porthole): Java found, a small agent (serial
# collector, bounded heap and direct memory), and a start-up cache (JDK 25 AOT cache) that the training run
# below makes with this image's own Java, which the cache must match.
COPY --chmod=755 client-agent/src/main/dist/bin/porthole /usr/local/bin/porthole
ENV PORTHOLE_APP_DIR=/app
USER root
RUN PORTHOLE_AOT_OUTPUT=/app/porthole.aot porthole --help > /dev/null
USER 10001
ENTRYPOINT ["porthole"]
# 'porthole start' reads the tunnels from a file mounted here (docs/agent.md); flags and variables as outside a container.
ENV PORTHOLE_CONFIG=/etc/porthole/porthole.yml
HEALTHCHECK NONE
