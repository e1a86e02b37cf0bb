#!/usr/bin/env bash
# Measures how closely a bandwidth-limited tunnel holds its rate: the gateway runs with
# limits.bandwidth.download (RATE, default 5M = 5 MiB/s), and curl downloads SIZE_MIB (default
# 50 MiB) through the tunnel RUNS times (default 3). Prints the achieved MiB/s of each run and its
# deviation from the limit; the same download straight from the upstream shows the unlimited speed.
#
#   bench/limits.sh            (needs curl and redis-server)
#   RATE=20M SIZE_MIB=200 bench/limits.sh
set -euo pipefail
# shellcheck source=bench/common.sh
source "$(dirname "$0")/common.sh"
bench_start "" curl redis-server
rate="${RATE:-5M}"
size_mib="${SIZE_MIB:-50}"
runs="${RUNS:-3}"
size=$((size_mib * 1024 * 1024))

stop_on_exit

# The limit in bytes per second, read as the gateway reads a MemorySize (K, M, G are powers of 1024).
limit_bytes=$(python3 -c 'import re,sys; m=re.fullmatch(r"(\d+)([KMG]?)B?", sys.argv[1].upper()); print(int(m[1]) * 1024 ** " KMG".index(m[2] or " "))' "$rate")

gateway_port=$(free_port); mgmt_port=$(free_port); upstream_port=$(free_port)
jvm=(--sun-misc-unsafe-memory-access=allow -Xmx512m)
start_redis redis.log
QUARKUS_REDIS_HOSTS="redis://127.0.0.1:$redis_port" PORTHOLE_GATEWAY_HTTP_PORT=$gateway_port QUARKUS_HTTP_PORT=$mgmt_port \
  PORTHOLE_GATEWAY_LIMITS_BANDWIDTH_DOWNLOAD="$rate" \
  "$java" "${jvm[@]}" "${gateway_jvm[@]}" -jar "$gateway_jar" > "$logs/gateway-limits.log" 2>&1 & pids+=($!)
"$java" "${jvm[@]}" -jar "$agent_jar" demo-server --port "$upstream_port" > "$logs/upstream-limits.log" 2>&1 & pids+=($!)
wait_port "$gateway_port"; wait_port "$upstream_port"
"$java" "${jvm[@]}" -jar "$agent_jar" http "$upstream_port" --server "http://127.0.0.1:$gateway_port" \
  > "$logs/agent-limits.out" 2> "$logs/agent-limits.log" & pids+=($!)
wait_output "$logs/agent-limits.out"
url=$(head -1 "$logs/agent-limits.out"); host="${url#http://}"

# download <url> [host] -> "<bytes/s> <bytes> <status> <seconds>"
download() {
  local args=(-s -o /dev/null -w '%{speed_download} %{size_download} %{http_code} %{time_total}')
  [ -n "${2:-}" ] && args+=(-H "Host: $2")
  curl "${args[@]}" "$1/bytes/$size"; echo
}

read -r direct_speed _ _ _ < <(download "http://127.0.0.1:$upstream_port")
results=()
for i in $(seq 1 "$runs"); do
  read -r speed bytes status seconds < <(download "http://127.0.0.1:$gateway_port" "$host")
  [ "$bytes" = "$size" ] && [ "$status" = 200 ] || { echo "run $i: got $bytes bytes, status $status" >&2; exit 1; }
  results+=("$(awk -v s="$speed" -v l="$limit_bytes" -v t="$seconds" \
    'BEGIN { printf "%.2f MiB/s in %.1f s, %+.1f%% from the limit", s/1048576, t, 100*(s-l)/l }')")
done
hits=$(curl -s "http://127.0.0.1:$mgmt_port/q/metrics" | awk '/^porthole_gateway_limit_hits_total.*download/ {print $2}')

{
echo "Porthole bandwidth limit benchmark, $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores"
echo "limit: limits.bandwidth.download=$rate ($(awk -v l="$limit_bytes" 'BEGIN { printf "%.2f", l/1048576 }') MiB/s); download of $size_mib MiB"
printf "unlimited (straight from the upstream): %.0f MiB/s\n" "$(awk -v s="$direct_speed" 'BEGIN { print s/1048576 }')"
for i in "${!results[@]}"; do echo "through the tunnel, run $((i + 1)): ${results[$i]}"; done
echo "pauses for tokens (porthole_gateway_limit_hits_total{kind=download}): ${hits:-0}"
} | tee "$out/limits-summary.txt"
