#!/usr/bin/env bash
# Rolling restart under load: three gateways on one Redis behind haproxy (TCP mode, round robin,
# health checks on each gateway's readiness), one agent, and wrk through haproxy for the whole time
# it takes to stop each gateway with SIGTERM, start it again on the same ports and wait until it is
# ready, one after the other. Prints the requests wrk made, the non-2xx answers and socket errors
# among them, and how long each restart and the whole rolling restart took.
#
#   bench/rolling.sh           (needs wrk, curl, haproxy, redis-server: apt-get install -y wrk curl haproxy redis-server)
#   CONNECTIONS=100 PRE_DRAIN_DELAY=2s bench/rolling.sh
set -euo pipefail
# shellcheck source=bench/common.sh
source "$(dirname "$0")/common.sh"
bench_start "rolling" wrk curl haproxy redis-server redis-cli
connections="${CONNECTIONS:-50}"
pre_drain="${PRE_DRAIN_DELAY:-1s}"

stop_on_exit

jvm=(--sun-misc-unsafe-memory-access=allow -Xmx512m)
token=$bench_token
internal=bench-internal-token-0123456789
upstream_port=$(free_port); lb_port=$(free_port)
start_redis redis.log

declare -A port_of mgmt_of pid_of
# start_gateway <id> <log>: starts (or starts again) a gateway on the ports chosen for <id>.
start_gateway() {
  QUARKUS_REDIS_HOSTS="redis://127.0.0.1:$redis_port" PORTHOLE_GATEWAY_HTTP_PORT=${port_of[$1]} PORTHOLE_GATEWAY_HTTP_HOST=127.0.0.1 \
    QUARKUS_HTTP_PORT=${mgmt_of[$1]} QUARKUS_HTTP_HOST=127.0.0.1 PORTHOLE_GATEWAY_AUTH_TOKENS=$token PORTHOLE_GATEWAY_INSTANCE_ID=$1 \
    PORTHOLE_GATEWAY_CLUSTER_INTERNAL_ADDRESS="127.0.0.1:${port_of[$1]}" PORTHOLE_INTERNAL_TOKEN=$internal \
    PORTHOLE_GATEWAY_REGISTRY_TTL=4s PORTHOLE_GATEWAY_REGISTRY_REFRESH_INTERVAL=1s \
    PORTHOLE_GATEWAY_SHUTDOWN_PRE_DRAIN_DELAY="$pre_drain" PORTHOLE_GATEWAY_SHUTDOWN_DRAIN_TIMEOUT=30s \
    "$java" "${jvm[@]}" "${gateway_jvm[@]}" -jar "$gateway_jar" > "$logs/$2.log" 2>&1 & pids+=($!)
  pid_of[$1]=$!
}
# wait_ready <id>: until the gateway's readiness answers 200 (what haproxy checks).
wait_ready() {
  for _ in $(seq 1 600); do
    [ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 1 "http://127.0.0.1:${mgmt_of[$1]}/q/health/ready" || true)" = 200 ] && return 0
    sleep 0.1
  done
  echo "gateway $1 never became ready; see $logs" >&2; exit 1
}
ids=(gw-a gw-b gw-c)
for id in "${ids[@]}"; do port_of[$id]=$(free_port); mgmt_of[$id]=$(free_port); start_gateway "$id" "$id"; done
"$java" "${jvm[@]}" -jar "$agent_jar" demo-server --port "$upstream_port" > "$logs/upstream.log" 2>&1 & pids+=($!)
for id in "${ids[@]}"; do wait_ready "$id"; done
wait_port "$upstream_port"

{
  printf 'global\n    maxconn 4000\ndefaults\n    mode tcp\n    timeout connect 2s\n    timeout client 5m\n    timeout server 5m\n    timeout check 2s\n'
  printf '    retries 3\n    option redispatch\nfrontend lb\n    bind 127.0.0.1:%s\n    default_backend gateways\n' "$lb_port"
  printf 'backend gateways\n    balance roundrobin\n    option httpchk GET /q/health/ready\n    default-server inter 300ms fall 1 rise 1\n'
  for id in "${ids[@]}"; do printf '    server %s 127.0.0.1:%s check port %s\n' "$id" "${port_of[$id]}" "${mgmt_of[$id]}"; done
} > "$out/haproxy.cfg"
haproxy -f "$out/haproxy.cfg" -db > "$logs/haproxy.log" 2>&1 & pids+=($!)
wait_port "$lb_port"

"$java" "${jvm[@]}" -jar "$agent_jar" http "$upstream_port" --server "http://127.0.0.1:$lb_port" --token "$token" --subdomain bench --no-inspect \
  > "$logs/agent.out" 2> "$logs/agent.log" & pids+=($!)
wait_output "$logs/agent.out"
[ -s "$logs/agent.out" ] || { echo "the agent never printed its URL; see $logs/agent.log" >&2; exit 1; }
host="bench.localhost:$lb_port"
wrk -t2 -c"$connections" -d"$warmup" -H "Host: $host" "http://127.0.0.1:$lb_port/hello" > /dev/null 2>&1

# wrk until stopped with SIGINT (it then prints its summary), for the whole rolling restart. Its timeout
# is 30 s rather than 2 s: a response slower than the timeout is counted as a socket error "timeout"
# and left out of the latency figures, and on a busy machine a starting JVM delays some by seconds.
wrk -t2 -c"$connections" -d1h --timeout 30s --latency -H "Host: $host" "http://127.0.0.1:$lb_port/hello" > "$out/wrk-rolling.txt" 2>&1 &
wrk_pid=$!; pids+=($wrk_pid)
sleep 3
steps=()
rolling_start=$(date +%s%N)
for id in "${ids[@]}"; do
  start=$(date +%s%N)
  old=${pid_of[$id]}
  kill -TERM "$old"
  while kill -0 "$old" 2>/dev/null; do sleep 0.05; done
  exited=$(( ($(date +%s%N) - start) / 1000000 ))
  start_gateway "$id" "$id-restarted"
  wait_ready "$id"
  ready=$(( ($(date +%s%N) - start) / 1000000 ))
  steps+=("$id: SIGTERM to exit ${exited} ms (pre-drain delay $pre_drain included), to ready again ${ready} ms; $(grep -o 'drained: .*\|drain timeout of [0-9]* ms passed' "$logs/$id.log" | tail -1)")
  sleep 3
done
rolling_ms=$(( ($(date +%s%N) - rolling_start) / 1000000 ))
kill -INT "$wrk_pid"
wait "$wrk_pid" || true

requests=$(awk '/requests in/ {print $1}' "$out/wrk-rolling.txt")
non2xx=$(awk '/Non-2xx/ {print $NF}' "$out/wrk-rolling.txt")
sockets=$(awk '/Socket errors/ {print $3, $4, $5, $6, $7, $8, $9, $10}' "$out/wrk-rolling.txt")
{
echo "Porthole rolling restart benchmark, $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, wrk -t2 -c$connections through haproxy"
echo "three gateways on one Redis, pre-drain delay $pre_drain, haproxy checks /q/health/ready every 300 ms (fall 1, rise 1)"
echo
for step in "${steps[@]}"; do echo "$step"; done
echo "whole rolling restart (3 gateways, 3 s of load between them): ${rolling_ms} ms"
echo
echo "requests: ${requests:-?}   non-2xx: ${non2xx:-0}   socket errors: ${sockets:-none}"
awk '/Requests\/sec/ {print "requests/s over the run: " $2} $1=="Latency" && NF==5 {print "latency: mean " $2 ", max " $4} $1=="99%" {print "latency p99: " $2}' "$out/wrk-rolling.txt"
} | tee "$out/summary.txt"
