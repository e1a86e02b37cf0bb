#!/usr/bin/env bash
# Where a tunnelled HTTP request's cost goes: read and write system calls and CPU per request for the
# gateway, the agent and the demo upstream (a plain Vert.x server, for scale), and CPU per request for
# each gateway and agent thread (event loops, the C2 compiler, GC), around one `wrk -c50` run after a
# warm-up. docs/performance.md quotes it; bench/http.sh gives the throughput next to nginx.
#
#   bench/http-cost.sh                       (needs wrk and redis-server)
#   WARMUP=60s DURATION=10s bench/http-cost.sh
#   GATEWAY_JVM='-XX:+PrintCompilation' bench/http-cost.sh   (extra JVM options; also AGENT_JVM)
# The read and write columns are /proc/<pid>/io's syscr and syscw, which count read() and write()
# but not recvfrom() and sendto(): the gateway runs Netty's epoll transport, which reads and writes
# its sockets with those, so its columns show little. perf's syscall tracepoints count them all
# (docs/performance.md); GATEWAY_JVM=-Dquarkus.vertx.prefer-native-transport=false counts on NIO.
set -euo pipefail
# shellcheck source=bench/common.sh
source "$(dirname "$0")/common.sh"
bench_start "" wrk redis-server
duration="${DURATION:-10s}"

work=$(mktemp -d)
stop_on_exit 'rm -rf "$work"'

gateway_port=$(free_port); mgmt_port=$(free_port); upstream_port=$(free_port)
jvm=(--sun-misc-unsafe-memory-access=allow -Xmx512m)
start_redis cost-redis.log
# shellcheck disable=SC2086
QUARKUS_REDIS_HOSTS="redis://127.0.0.1:$redis_port" PORTHOLE_GATEWAY_HTTP_PORT=$gateway_port QUARKUS_HTTP_PORT=$mgmt_port \
  "$java" "${jvm[@]}" "${gateway_jvm[@]}" ${GATEWAY_JVM:-} -jar "$gateway_jar" > "$logs/cost-gateway.log" 2>&1 & pids+=($!); gateway_pid=$!
"$java" "${jvm[@]}" -jar "$agent_jar" demo-server --port "$upstream_port" > "$logs/cost-upstream.log" 2>&1 & pids+=($!); upstream_pid=$!
wait_port "$gateway_port"; wait_port "$upstream_port"
# shellcheck disable=SC2086
"$java" "${jvm[@]}" ${AGENT_JVM:-} -jar "$agent_jar" http "$upstream_port" --server "http://127.0.0.1:$gateway_port" \
  > "$work/agent.out" 2> "$logs/cost-agent.log" & pids+=($!); agent_pid=$!
for _ in $(seq 1 300); do grep -q '^http' "$work/agent.out" && break; sleep 0.1; done
url=$(grep -m1 '^http' "$work/agent.out"); host="${url#http://}"
tunnel="http://127.0.0.1:$gateway_port/hello"

# process_counters: "read-calls write-calls cpu-ticks" for the gateway, the agent and the upstream, a line each.
process_counters() {
  for pid in "$gateway_pid" "$agent_pid" "$upstream_pid"; do
    echo "$(awk '/^syscr|^syscw/ {printf "%s ", $2}' "/proc/$pid/io")$(awk '{print $14 + $15}' "/proc/$pid/stat")"
  done
}
# thread_ticks: "tid pid cpu-ticks" for every gateway and agent thread.
thread_ticks() {
  for pid in "$gateway_pid" "$agent_pid"; do
    for task in /proc/"$pid"/task/*; do echo "${task##*/} $pid $(awk '{print $14 + $15}' "$task/stat")"; done
  done | sort
}

wait_tunnel "$tunnel" "$host"
warm_up_tunnel "$warmup" -H "Host: $host" "$tunnel"
before=$(process_counters); thread_ticks > "$work/threads-before"
wrk -t2 -c50 -d"$duration" --latency -H "Host: $host" "$tunnel" > "$work/wrk.txt"
after=$(process_counters); thread_ticks > "$work/threads-after"
# Thread names by native id (jcmd prints nid in decimal on JDK 25).
for pid in "$gateway_pid" "$agent_pid"; do "$jcmd" "$pid" Thread.print; done \
  | sed -nE 's/^"([^"]*)".* nid=([0-9]+).*/\2 \1/p' | tr ' ' '_' | sed 's/_/ /' | sort > "$work/names"

requests=$(awk '/requests in/ {print $1}' "$work/wrk.txt")
us_per_tick=$((1000000 / $(getconf CLK_TCK)))
read -r rps p50 p99 errors < <(wrk_summary "$work/wrk.txt")
echo "Porthole HTTP request cost, $(date -u +%FT%RZ), load average $(cut -d' ' -f1-3 /proc/loadavg), wrk -c50 $duration after $warmup"
echo "tunnel: $rps req/s, p50 $p50, p99 $p99, errors $errors, $requests requests"
paste <(echo "$before") <(echo "$after") | awk -v n="$requests" -v us="$us_per_tick" '
  BEGIN { split("gateway agent upstream", name, " ") }
  { i++; printf "%-9s reads/request %.2f  writes/request %.2f  CPU %.1f us/request\n", name[i], ($4-$1)/n, ($5-$2)/n, ($6-$3)*us/n }'
echo "(the gateway's reads and writes on epoll are recvfrom/sendto, which these columns do not count)"
echo "threads (CPU us/request):"
join "$work/threads-before" "$work/threads-after" | join -a1 - "$work/names" \
  | awk -v n="$requests" -v us="$us_per_tick" -v gw="$gateway_pid" '
      { d = $5 - $3; if (d > 0) printf "  %-8s %-36s %.1f\n", ($2 == gw ? "gateway" : "agent"), ($6 == "" ? $1 : $6), d*us/n }' \
  | sort -k3 -rn | head -12
