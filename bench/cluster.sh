#!/usr/bin/env bash
# Several gateways as one: requests/s through the gateway holding the tunnel, through a gateway that
# forwards every request to it, and through haproxy (TCP, round robin) to three gateways, where two
# requests in three are forwarded; then the time from SIGKILL of the agent's gateway to the first
# request served again through haproxy.
#
#   bench/cluster.sh           (needs wrk, curl, haproxy, redis-server: apt-get install -y wrk curl haproxy redis-server)
#   DURATION=20s bench/cluster.sh
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
duration="${DURATION:-10s}"
out="$root/bench/results/cluster"
mkdir -p "$out"
logs="$out/logs"; mkdir -p "$logs"

# shellcheck source=bench/common.sh
source bench/common.sh
require_tools wrk curl haproxy redis-server redis-cli
ensure_jars

pids=()
cleanup() { for ((i=${#pids[@]}-1; i>=0; i--)); do kill "${pids[$i]}" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT INT TERM

jvm=(--sun-misc-unsafe-memory-access=allow -Xmx512m)
token=bench-token-0123456789
internal=bench-internal-token-0123456789
redis_port=$(free_port); upstream_port=$(free_port); lb_port=$(free_port)
redis-server --port "$redis_port" --bind 127.0.0.1 --save '' --appendonly no > "$logs/redis.log" 2>&1 & pids+=($!)
wait_port "$redis_port"

declare -A port_of pid_of
for id in gw-a gw-b gw-c; do
  port=$(free_port); mgmt=$(free_port)
  QUARKUS_REDIS_HOSTS="redis://127.0.0.1:$redis_port" PORTHOLE_GATEWAY_HTTP_PORT=$port PORTHOLE_GATEWAY_HTTP_HOST=127.0.0.1 \
    QUARKUS_HTTP_PORT=$mgmt PORTHOLE_GATEWAY_AUTH_TOKENS=$token PORTHOLE_GATEWAY_INSTANCE_ID=$id \
    PORTHOLE_GATEWAY_CLUSTER_INTERNAL_ADDRESS="127.0.0.1:$port" PORTHOLE_INTERNAL_TOKEN=$internal \
    PORTHOLE_GATEWAY_REGISTRY_TTL=4s PORTHOLE_GATEWAY_REGISTRY_REFRESH_INTERVAL=1s \
    "$java" "${jvm[@]}" -jar "$gateway_jar" > "$logs/$id.log" 2>&1 & pids+=($!)
  port_of[$id]=$port; pid_of[$id]=$!
done
"$java" "${jvm[@]}" -jar "$agent_jar" demo-server --port "$upstream_port" > "$logs/upstream.log" 2>&1 & pids+=($!)
for id in gw-a gw-b gw-c; do wait_port "${port_of[$id]}"; done
wait_port "$upstream_port"

{
  printf 'global\n    maxconn 4000\ndefaults\n    mode tcp\n    timeout connect 2s\n    timeout client 5m\n    timeout server 5m\n'
  printf '    retries 2\n    option redispatch\nfrontend lb\n    bind 127.0.0.1:%s\n    default_backend gateways\n' "$lb_port"
  printf 'backend gateways\n    balance roundrobin\n'
  for id in gw-a gw-b gw-c; do printf '    server %s 127.0.0.1:%s check inter 500ms fall 2 rise 1\n' "$id" "${port_of[$id]}"; done
} > "$out/haproxy.cfg"
haproxy -f "$out/haproxy.cfg" -db > "$logs/haproxy.log" 2>&1 & pids+=($!)
wait_port "$lb_port"

"$java" "${jvm[@]}" -jar "$agent_jar" http "$upstream_port" --server "http://127.0.0.1:$lb_port" --token "$token" --subdomain bench --no-inspect \
  > "$logs/agent.out" 2> "$logs/agent.log" & pids+=($!)
for _ in $(seq 1 300); do [ -s "$logs/agent.out" ] && break; sleep 0.1; done
[ -s "$logs/agent.out" ] || { echo "the agent never printed its URL; see $logs/agent.log" >&2; exit 1; }
holder=$(redis-cli -p "$redis_port" --raw GET porthole:route:http:bench | sed 's/.*"gatewayId":"\([^"]*\)".*/\1/')
other=gw-a; [ "$holder" = gw-a ] && other=gw-b
host_for() { echo "bench.localhost:$1"; }

# wrk <label> <port>: 50 connections, 2 threads; prints requests/s, p50, p99, errors.
run_wrk() {
  wrk -t2 -c50 -d"$duration" --latency -H "Host: $(host_for "$2")" "http://127.0.0.1:$2/hello" > "$out/wrk-$1.txt" 2>&1
  wrk_summary "$out/wrk-$1.txt"
}
# Warm every path up (wrk keeps its connections, so through haproxy they spread over the three gateways).
for port in "${port_of[$holder]}" "${port_of[$other]}" "$lb_port"; do
  wrk -t2 -c50 -d"$warmup" -H "Host: $(host_for "$port")" "http://127.0.0.1:$port/hello" > /dev/null 2>&1
done
read -r h_rps h_p50 h_p99 h_err < <(run_wrk holder "${port_of[$holder]}")
read -r f_rps f_p50 f_p99 f_err < <(run_wrk forwarded "${port_of[$other]}")
read -r l_rps l_p50 l_p99 l_err < <(run_wrk haproxy "$lb_port")

# SIGKILL the agent's gateway; poll through haproxy until a request is served again.
start=$(date +%s%N)
kill -9 "${pid_of[$holder]}"
served=""
for _ in $(seq 1 3000); do
  code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 -H "Host: $(host_for "$lb_port")" "http://127.0.0.1:$lb_port/hello" || true)
  if [ "$code" = 200 ]; then served=$(( ($(date +%s%N) - start) / 1000000 )); break; fi
  sleep 0.02
done

{
echo "Porthole cluster benchmark, $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, wrk $duration per run, 50 connections"
echo "three gateways on one Redis; the agent is on $holder"
echo
printf "%-44s %10s %18s %7s\n" "" "requests/s" "p50 / p99" "errors"
printf "%-44s %10s %18s %7s\n" "through $holder (holds the tunnel)" "$h_rps" "$h_p50/$h_p99" "$h_err"
printf "%-44s %10s %18s %7s\n" "through $other (forwards every request)" "$f_rps" "$f_p50/$f_p99" "$f_err"
printf "%-44s %10s %18s %7s\n" "through haproxy to three (2 in 3 forwarded)" "$l_rps" "$l_p50/$l_p99" "$l_err"
echo
echo "SIGKILL of $holder to the first request served through haproxy: ${served:-never (30 s+)} ms"
} | tee "$out/summary.txt"
