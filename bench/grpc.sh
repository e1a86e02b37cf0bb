#!/usr/bin/env bash
# Measures gRPC unary calls through a Porthole tunnel against the same calls made directly to the
# service, in one run: calls/s and p50/p99 latency with 50 calls in flight on one HTTP/2 connection
# (grpc-java's usual client), errors, and the load average (the machine may be shared).
# The service and the client are the e2e tests' GrpcEcho (e2e-tests/src/test/java/dev/porthole/e2e/grpc):
# `GrpcEcho serve` behind `porthole http PORT --upstream-protocol h2c`, `GrpcEcho load` calling it.
#
#   bench/grpc.sh              (needs redis-server; builds the gateway, agent and e2e test classes if missing)
#   DURATION=20 WARMUP=30s CALLS=100 bench/grpc.sh   (DURATION: seconds measured per path; WARMUP: load before)
set -euo pipefail
# shellcheck source=bench/common.sh
source "$(dirname "$0")/common.sh"
bench_start "" redis-server
duration="${DURATION:-10}"
calls="${CALLS:-50}"

# GrpcEcho and the class path it runs with (written by e2e-tests' build, see its pom).
if [ ! -f e2e-tests/target/test.classpath ] || [ ! -f e2e-tests/target/test-classes/dev/porthole/e2e/grpc/GrpcEcho.class ]; then
  mvn -B -q -DskipTests -Dquarkus.build.skip=true -pl e2e-tests -am package
fi
grpc_cp="e2e-tests/target/test-classes:$(cat e2e-tests/target/test.classpath)"
warmup_s="${warmup%s}"

stop_on_exit

gateway_port=$(free_port); mgmt_port=$(free_port); service_port=$(free_port)
jvm=(--sun-misc-unsafe-memory-access=allow -Xmx512m)
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
start_redis grpc-redis.log
QUARKUS_REDIS_HOSTS="redis://127.0.0.1:$redis_port" PORTHOLE_GATEWAY_HTTP_PORT=$gateway_port QUARKUS_HTTP_PORT=$mgmt_port \
  "$java" "${jvm[@]}" "${gateway_jvm[@]}" -jar "$gateway_jar" > "$logs/grpc-gateway.log" 2>&1 & pids+=($!)
"$java" "${jvm[@]}" -cp "$grpc_cp" dev.porthole.e2e.grpc.GrpcEcho serve "$service_port" > "$logs/grpc-service.log" 2>&1 & pids+=($!)
wait_port "$gateway_port"; wait_port "$service_port"
"$java" "${jvm[@]}" -jar "$agent_jar" http "$service_port" --upstream-protocol h2c --server "http://127.0.0.1:$gateway_port" \
  > "$logs/grpc-agent.out" 2> "$logs/grpc-agent.log" & pids+=($!)
wait_output "$logs/grpc-agent.out"
[ -s "$logs/grpc-agent.out" ] || { echo "the agent never printed its URL; see $logs/grpc-agent.log" >&2; exit 1; }
url=$(head -1 "$logs/grpc-agent.out"); authority="${url#http://}"

# load <label> <target> <authority>: one client JVM, warmed up, then measured; prints "calls/s p50 p99 errors".
load() {
  "$java" "${jvm[@]}" -cp "$grpc_cp" dev.porthole.e2e.grpc.GrpcEcho load "$2" "$3" "$calls" "$warmup_s" "$duration" \
    2> "$logs/grpc-load-$1.log" | tee "$out/grpc-$1.txt"
}
read -r d_rps d_p50 d_p99 d_err < <(load direct "127.0.0.1:$service_port" -)
read -r t_rps t_p50 t_p99 t_err < <(load tunnel "127.0.0.1:$gateway_port" "$authority")
load_after=$(cut -d' ' -f1-3 /proc/loadavg)
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.0f%%", 100*a/b; else print "n/a" }'; }

{
echo "Porthole gRPC benchmark, $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, $calls unary calls in flight, ${warmup_s}s warm-up + ${duration}s measured per path"
echo "load average before: $load_before; after: $load_after"
echo
printf "%-24s %12s %12s %9s\n" "" "direct" "tunnel" "t/direct"
printf "%-24s %12s %12s %9s\n" "unary calls/s" "$d_rps" "$t_rps" "$(ratio "$t_rps" "$d_rps")"
printf "%-24s %12s %12s\n" "  p50 latency, ms" "$d_p50" "$t_p50"
printf "%-24s %12s %12s\n" "  p99 latency, ms" "$d_p99" "$t_p99"
printf "%-24s %12s %12s\n" "failed calls" "$d_err" "$t_err"
} | tee "$out/grpc-summary.txt"
