#!/usr/bin/env bash
# Holds many idle tunnels on one gateway: one load process (dev.porthole.agent.load.LoadAgents, the
# real agent library, one WebSocket per agent) connects agents holding COUNT HTTP tunnels in all,
# TUNNELS_PER_AGENT on each agent connection (1 by default; at most the gateway's 32 per connection).
# Prints the time to connect them all and the gateway's heap after a full GC and resident memory,
# before and after, per idle tunnel. Targets: under 4 KiB heap per idle tunnel (issue 19; 20 KiB
# before), all connected in under 60 s.
#
#   bench/idle.sh                  (needs redis-server; COUNT defaults to 10000)
#   COUNT=2000 bench/idle.sh
#   HISTOGRAM=1 bench/idle.sh     (also: the classes whose instances grew most, in bytes per tunnel)
#   HEAP_DUMP=/tmp/idle.hprof bench/idle.sh   (also: the gateway's heap with the tunnels, to read)
#   COUNT=50000 TUNNELS_PER_AGENT=5 bench/idle.sh   (50,000 tunnels on 10,000 connections: each
#                                   connection is a descriptor on both sides, and `ulimit -Hn` bounds them)
set -euo pipefail
# shellcheck source=bench/common.sh
source "$(dirname "$0")/common.sh"
bench_start "" redis-server redis-cli python3
count="${COUNT:-10000}"
per_agent="${TUNNELS_PER_AGENT:-1}"
[ $((count % per_agent)) -eq 0 ] || { echo "bench: COUNT ($count) must be a multiple of TUNNELS_PER_AGENT ($per_agent)" >&2; exit 1; }
agents=$((count / per_agent))
in_flight="${IN_FLIGHT:-200}"

# Each agent connection is a descriptor on both sides of loopback; the loopback ephemeral ports (see
# /proc/sys/net/ipv4/ip_local_port_range) must outnumber the agents too.
open_files_for "$agents"

start_token_gateway idle 1g

heap_before=$(heap_after_gc_kib "$gateway_pid"); rss_before=$(rss_mib "$gateway_pid")
[ -z "${HISTOGRAM:-}" ] || "$jcmd" "$gateway_pid" GC.class_histogram > "$logs/idle-histogram-before.txt"
LOAD_JVM=-Xmx3g load_agents idle "http://127.0.0.1:$gateway_port" "$token" "$agents" "$in_flight" "$per_agent" \
  > "$logs/idle-load.out" 2> "$logs/idle-load.log" & pids+=($!); load_pid=$!
for _ in $(seq 1 600); do grep -q '^connected .* ms' "$logs/idle-load.out" && break; kill -0 "$load_pid" || break; sleep 1; done
connected_line=$(grep -m1 '^connected .* ms' "$logs/idle-load.out" || echo "connected nothing (see $logs/idle-load.log)")
# The registry records are written just after each WELCOME: wait until they are all there.
for _ in $(seq 1 60); do [ "$(redis-cli -p "$redis_port" zcard porthole:sessions)" -ge "$agents" ] && break; sleep 1; done
sessions=$(redis-cli -p "$redis_port" zcard porthole:sessions)
heap_after=$(heap_after_gc_kib "$gateway_pid"); rss_after=$(rss_mib "$gateway_pid")
[ -z "${HISTOGRAM:-}" ] || "$jcmd" "$gateway_pid" GC.class_histogram > "$logs/idle-histogram-after.txt"
[ -z "${HEAP_DUMP:-}" ] || "$jcmd" "$gateway_pid" GC.heap_dump "$HEAP_DUMP" > /dev/null

{
  echo "idle tunnels on one gateway ($(date -u +%FT%TZ), load average $(cut -d' ' -f1-3 /proc/loadavg))"
  echo "$count tunnels, $per_agent per agent connection; load process: $connected_line; sessions in the registry: $sessions"
  echo "gateway heap after full GC: $((heap_before / 1024)) MiB before, $((heap_after / 1024)) MiB with the tunnels:" \
       "$(awk -v a="$heap_after" -v b="$heap_before" -v n="$count" 'BEGIN {printf "%.1f", (a - b) / n}') KiB per idle tunnel (target < 4)," \
       "$(awk -v a="$heap_after" -v b="$heap_before" -v n="$agents" 'BEGIN {printf "%.1f", (a - b) / n}') KiB per agent connection"
  echo "gateway resident memory: $rss_before MiB before, $rss_after MiB with the tunnels:" \
       "$(( (rss_after - rss_before) * 1024 / count )) KiB per idle tunnel"
} | tee "$out/idle.txt"

if [ -n "${HISTOGRAM:-}" ]; then
  # "num: instances bytes class" lines of both histograms; the growth per tunnel, largest first.
  awk -v count="$count" '
    FNR == NR && $1 ~ /^[0-9]+:$/ { before[$4] = $3; next }
    $1 ~ /^[0-9]+:$/ { grew = $3 - before[$4]; if (grew > 0) printf "%8.1f  %6.2f  %s\n", grew / count, ($2 - 0) / count, $4 }
  ' "$logs/idle-histogram-before.txt" "$logs/idle-histogram-after.txt" \
    | sort -rn | head -"${HISTOGRAM_TOP:-45}" | { echo "bytes/tunnel  instances/tunnel (after)  class"; cat; } \
    | tee "$out/idle-histogram.txt"
fi
