#!/usr/bin/env bash
# What a flooding agent costs a gateway (issue 25): a gateway with -Xmx256m, a second tunnel (the real
# agent in front of the demo server) measured with wrk, and for each flood kind (PING, PONG, NOTICE,
# OPEN, WINDOW, FIN, RST, RESPONSE frames, WebSocket pings) an anonymous agent that never reads
# flooding for FLOOD_SECONDS. Per kind: the gateway's resident memory before, at its peak (sampled
# every half second) and after; the log lines it wrote meanwhile; how many connections the flooder
# needed (it connects again at once whenever the gateway closes it) and when the first was closed;
# the second tunnel's p50/p99 just before the flood and its p99 during it.
#
#   bench/flood.sh                           (needs wrk, redis-server; the packaged services and
#                                            e2e-tests' test classes: mvn -B -q -DskipTests package)
#   FLOOD_SECONDS=10 KINDS="PING OPEN" bench/flood.sh
#   GATEWAY_HEAP=touched bench/flood.sh      (the gateway's heap committed at start: -Xms256m -XX:+AlwaysPreTouch)
#
# DURATION: the wrk run before each flood (default 5s); CONNECTIONS: wrk's connections (default 4).
# Targets (issue 25): resident growth < 64 MiB, < 100 log lines, the flooding connection closed,
# p99 during the flood < 10x before.
set -euo pipefail
# shellcheck source=bench/common.sh
source "$(dirname "$0")/common.sh"
bench_start "" wrk redis-server python3
flood_seconds="${FLOOD_SECONDS:-30}"
duration="${DURATION:-5s}"
connections="${CONNECTIONS:-4}"
# A kind's name as Flood.all() gives it, with '-' for a space.
kinds="${KINDS:-PING PONG NOTICE OPEN WINDOW FIN RST RESPONSE WebSocket-ping}"

flood_classes=e2e-tests/target/test-classes
[ -f "$flood_classes/dev/porthole/e2e/support/FloodAgent.class" ] || {
  echo "bench: $flood_classes has no FloodAgent (mvn -B -q -DskipTests package)" >&2; exit 1; }

stop_on_exit

gateway_port=$(free_port); mgmt_port=$(free_port); upstream_port=$(free_port)
jvm=(--sun-misc-unsafe-memory-access=allow)
start_redis flood-redis.log
# Anonymous agents are let in (no auth-service, no token): the flooder needs no credentials, as in issue 25.
gateway_log="$logs/flood-gateway.log"
# GATEWAY_HEAP=touched commits the heap at start (as HostileAgentIT does): growth is then what -Xmx
# does not bound (direct buffers, threads, sockets); by default the heap may grow up to -Xmx.
heap=(-Xmx256m); [ "${GATEWAY_HEAP:-}" = touched ] && heap=(-Xms256m -Xmx256m -XX:+AlwaysPreTouch)
QUARKUS_REDIS_HOSTS="redis://127.0.0.1:$redis_port" PORTHOLE_GATEWAY_HTTP_PORT=$gateway_port QUARKUS_HTTP_PORT=$mgmt_port \
  "$java" "${jvm[@]}" "${heap[@]}" "${gateway_jvm[@]}" -jar "$gateway_jar" > "$gateway_log" 2>&1 & pids+=($!); gateway_pid=$!
"$java" "${jvm[@]}" -Xmx128m -jar "$agent_jar" demo-server --port "$upstream_port" > "$logs/flood-upstream.log" 2>&1 & pids+=($!)
wait_port "$gateway_port"; wait_port "$upstream_port"
"$java" "${jvm[@]}" -Xmx256m -jar "$agent_jar" http "$upstream_port" --server "http://127.0.0.1:$gateway_port" \
  > "$logs/flood-agent.out" 2> "$logs/flood-agent.log" & pids+=($!)
wait_output "$logs/flood-agent.out"
url=$(head -1 "$logs/flood-agent.out"); host="${url#http://}"
[ -n "$host" ] || { echo "bench: the agent printed no tunnel address (see $logs/flood-agent.log)" >&2; exit 1; }
tunnel="http://127.0.0.1:$gateway_port"

# wrk_latency <label> <duration>: p50, p99 and errors of the second tunnel.
wrk_latency() {
  wrk -t1 -c"$connections" -d"$2" --latency -H "Host: $host" "$tunnel/hello" > "$out/wrk-flood-$1.txt" 2>&1
  wrk_summary "$out/wrk-flood-$1.txt" | awk '{print $2, $3, $4}'
}
# wrk's latency (850.00us, 1.20ms, 2.00s) in microseconds.
micros() { awk -v v="$1" 'BEGIN { n = v + 0; if (v ~ /us$/) m = 1; else if (v ~ /ms$/) m = 1000; else if (v ~ /s$/) m = 1e6; else m = 0; printf "%d", n * m }'; }
ratio() { awk -v a="$(micros "$1")" -v b="$(micros "$2")" 'BEGIN { if (b > 0 && a > 0) printf "%.1fx", a/b; else print "n/a" }'; }
log_lines() { wc -l < "$gateway_log"; }

wrk -t1 -c"$connections" -d"$warmup" -H "Host: $host" "$tunnel/hello" > /dev/null 2>&1

rows=()
for kind in $kinds; do
  kill -0 "$gateway_pid" 2>/dev/null || { rows+=("$(printf '%-15s the gateway is gone (see %s)' "$kind" "$gateway_log")"); break; }
  read -r b50 b99 _ < <(wrk_latency "$kind-before" "$duration")
  rss_before=$(rss_mib "$gateway_pid"); lines_before=$(log_lines)
  samples="$out/flood-$kind-rss.txt"; : > "$samples"
  ( while kill -0 "$gateway_pid" 2>/dev/null; do rss_mib "$gateway_pid" >> "$samples"; echo >> "$samples"; sleep 0.5; done ) & pids+=($!); sampler=$!
  "$java" "${jvm[@]}" -Xmx256m -Djava.util.logging.manager=org.jboss.logmanager.LogManager -cp "$flood_classes:$load_cp" dev.porthole.e2e.support.FloodAgent "$gateway_port" "${kind//-/ }" "$flood_seconds" \
    > "$out/flood-$kind.out" 2> "$logs/flood-$kind.log" & pids+=($!); flooder=$!
  for _ in $(seq 1 300); do grep -q "open at" "$logs/flood-$kind.log" 2>/dev/null && break; sleep 0.1; done
  # wrk runs while the flood does (the flooder's clock started a moment before its first connection).
  read -r _ d99 derr < <(wrk_latency "$kind-during" "$((flood_seconds > 2 ? flood_seconds - 1 : 1))s")
  wait "$flooder" || true
  sleep 2 # the gateway's lines about the last close
  kill "$sampler" 2>/dev/null || true; wait "$sampler" 2>/dev/null || true
  rss_after=$(rss_mib "$gateway_pid" 2>/dev/null || echo gone)
  peak=$(grep . "$samples" | sort -n | tail -1); peak=${peak:-$rss_before}
  lines=$(( $(log_lines) - lines_before ))
  read -r conns closed frames failures seen_ms code reason < "$out/flood-$kind.out" || true
  # The gateway's side: its FLOOD closes, and how long it let the first flooding connection live.
  during="$out/flood-$kind-gateway.log"; tail -n "+$((lines_before + 1))" "$gateway_log" > "$during"
  flood_closes=$(grep -c "protocol error FLOOD" "$during" || true)
  # wrk hanging up at its end, mid-response, makes the gateway log a Netty stack trace (HttpExchange.abort
  # closing a visitor connection that is closing already): counted apart, it is not the flood's.
  hangup=$(awk '/^[0-9][0-9]:[0-9][0-9]:/ { inside = /Failed to mark a promise as failure/ } inside { n++ } END { print n + 0 }' "$during")
  # An anonymous agent's disconnect lines are budgeted per address: a flood may have none of its own.
  first_life=$( (grep -m1 "agent disconnected: .*client public-anonymous.*FLOOD" "$during" || true) | sed -n 's/.*after \([0-9]*\) ms.*/\1/p')
  alive=yes; kill -0 "$gateway_pid" 2>/dev/null || alive=NO
  rows+=("$(printf '%-15s %6s %5s %5s %6s %8s %13s %9s %6s %7s %18s %10s %7s %7s %5s %5s' "$kind" \
    "$rss_before" "$peak" "$rss_after" "$((peak - rss_before))" "$lines/$hangup" "${conns:-?}/${closed:-?}/$flood_closes" "${frames:-?}" "${first_life:--}" "${seen_ms:--}" \
    "$b50/$b99" "$d99" "$(ratio "$d99" "$b99")" "$derr" "$alive" "$(cut -d' ' -f1 /proc/loadavg)")")
  echo "${rows[-1]}   first close: ${reason:--}" >&2
done

{
echo "Porthole flooding agent, $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, gateway -Xmx256m${GATEWAY_HEAP:+ (heap $GATEWAY_HEAP)}, ${flood_seconds} s per flood," \
  "wrk $connections connections on a second tunnel ($duration before each flood)"
echo
printf '%-15s %6s %5s %5s %6s %8s %13s %9s %6s %7s %18s %10s %7s %7s %5s %5s\n' "flood" "RSS<" "peak" "RSS>" "growth" "lines/wrk" \
  "conn/seen/log" "frames" "log ms" "seen ms" "p50/p99 before" "p99 during" "ratio" "errors" "alive" "load"
printf '%s\n' "${rows[@]}"
echo
echo "RSS< / peak / RSS>: the gateway's VmRSS in MiB before, at its peak during (every 0.5 s) and 2 s after the flood;"
echo "growth = peak - before; lines/wrk: gateway log lines from before the flood to 2 s after it / of them, the stack"
echo "trace the gateway logs when wrk hangs up mid-response at the end of its run (not the flood's); conn/seen/log: connections"
echo "the flooder made / closes it saw (it reads after its flood stalled for 1 s, to see them) / 'protocol error FLOOD'"
echo "closes in the gateway's log; log ms: how long the first flooding connection lived by the gateway's log (its"
echo "'agent disconnected' line); seen ms: from the flooder opening the first connection it saw closed to seeing the close;"
echo "errors: wrk's non-2xx and socket errors during the flood; load: the 1-minute load average after the row."
echo "Targets (issue 25): growth < 64 MiB, < 100 lines, the flooding connection closed, p99 during < 10x before."
} | tee "$out/flood-summary.txt"
