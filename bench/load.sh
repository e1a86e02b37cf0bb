#!/usr/bin/env bash
# Load through tunnels, each figure next to the same load sent straight to the upstream in the same
# run: wrk at 50 and 200 connections through one tunnel, at 200 connections spread over 50 tunnels
# (one agent serving 50 HTTP tunnels from a porthole.yml), and a mixed run where small requests share
# the gateway with large downloads. Reports requests/s, p50/p99, errors and requests that timed out
# (none may hang: wrk gives up on a request after TIMEOUT).
#
#   bench/load.sh                      (needs wrk, curl, redis-server)
#   DURATION=20s TUNNELS=50 bench/load.sh
set -euo pipefail
# shellcheck source=bench/common.sh
source "$(dirname "$0")/common.sh"
bench_start "" wrk curl redis-server
duration="${DURATION:-10s}"
tunnels="${TUNNELS:-50}"
timeout="${TIMEOUT:-10s}"
download=$((100 * 1024 * 1024))

stop_on_exit

gateway_port=$(free_port); mgmt_port=$(free_port); upstream_port=$(free_port)
token=$bench_token
domain=bench.test
jvm=(--sun-misc-unsafe-memory-access=allow -Xmx512m)
start_redis redis.log
QUARKUS_REDIS_HOSTS="redis://127.0.0.1:$redis_port" PORTHOLE_GATEWAY_HTTP_PORT=$gateway_port QUARKUS_HTTP_PORT=$mgmt_port \
  PORTHOLE_GATEWAY_HTTP_DOMAIN=$domain PORTHOLE_GATEWAY_AUTH_TOKENS=$token \
  PORTHOLE_GATEWAY_TUNNEL_MAX_TUNNELS_PER_SESSION=$((tunnels + 1)) \
  "$java" "${jvm[@]}" "${gateway_jvm[@]}" -jar "$gateway_jar" > "$logs/load-gateway.log" 2>&1 & pids+=($!)
"$java" "${jvm[@]}" -jar "$agent_jar" demo-server --port "$upstream_port" > "$logs/load-upstream.log" 2>&1 & pids+=($!)
wait_port "$gateway_port"; wait_port "$upstream_port"

config="$logs/load-porthole.yml"
{
  echo "server: http://127.0.0.1:$gateway_port"
  echo "tunnels:"
  for i in $(seq 1 "$tunnels"); do
    printf '  t%02d:\n    type: http\n    upstream: %s\n    subdomain: t%02d\n' "$i" "$upstream_port" "$i"
  done
} > "$config"
TOKEN=$token "$java" "${jvm[@]}" -jar "$agent_jar" start -c "$config" --no-inspect > "$logs/load-agent.out" 2> "$logs/load-agent.log" & pids+=($!)
for _ in $(seq 1 300); do [ "$(grep -c "^t[0-9]" "$logs/load-agent.out" 2>/dev/null || true)" -ge "$tunnels" ] && break; sleep 0.1; done
[ "$(grep -c "^t[0-9]" "$logs/load-agent.out")" -ge "$tunnels" ] || { echo "bench: the agent did not get $tunnels tunnels (see $logs/load-agent.log)" >&2; exit 1; }

direct="http://127.0.0.1:$upstream_port"
tunnel="http://127.0.0.1:$gateway_port"
one="t01.$domain:$gateway_port"

# Spreads requests over the tunnels by Host header, one after the other per connection.
spread="$logs/load-spread.lua"
cat > "$spread" <<LUA
local n = 0
request = function()
  n = n + 1
  return wrk.format(nil, "/hello", { ["Host"] = string.format("t%02d.$domain:$gateway_port", (n % $tunnels) + 1) })
end
LUA

# run_wrk <label> <connections> <url> [-H host | -s script]: "rps p50 p99 errors timeouts"
run_wrk() {
  local label=$1 connections=$2 target=$3; shift 3
  wrk -t2 -c"$connections" -d"$duration" --timeout "$timeout" --latency "$@" "$target/hello" > "$out/wrk-load-$label.txt" 2>&1
  awk '/Requests\/sec/ {rps=$2} $1=="50%" {p50=$2} $1=="99%" {p99=$2}
       /Non-2xx/ {errors+=$NF}
       /Socket errors/ {gsub(/,/,""); errors+=$4+$6+$8; timeouts=$10}
       END {printf "%s %s %s %d %d\n", rps, p50, p99, errors, timeouts}' "$out/wrk-load-$label.txt"
}

# Downloads in a loop until the file named by $1 exists; one line per download: MiB/s or ERROR.
download_loop() {
  local stop=$1 target=$2 host=${3:-}
  local args=(-s -o /dev/null --max-time 120 -w '%{speed_download} %{size_download} %{http_code}\n')
  [ -n "$host" ] && args+=(-H "Host: $host")
  while [ ! -e "$stop" ]; do
    curl "${args[@]}" "$target/bytes/$download" || echo "0 0 000"
  done | awk -v want="$download" '{ if ($2 != want || $3 != 200) print "ERROR"; else printf "%.0f\n", $1/1048576 }'
}

# mixed <label> <url> [host]: small requests at 50 connections while two downloads run in a loop.
mixed() {
  local label=$1 target=$2 host=${3:-} stop="$logs/load-stop-$1"
  rm -f "$stop"
  download_loop "$stop" "$target" "$host" > "$logs/load-downloads-$label.txt" & local d1=$!
  download_loop "$stop" "$target" "$host" >> "$logs/load-downloads-$label.txt" & local d2=$!
  if [ -n "$host" ]; then run_wrk "$label" 50 "$target" -H "Host: $host"; else run_wrk "$label" 50 "$target"; fi
  touch "$stop"; wait "$d1" "$d2"
}
download_summary() { # "<downloads> <errors> <median MiB/s>"
  local total errors median
  total=$(wc -l < "$1"); errors=$(grep -c ERROR "$1" || true)
  median=$({ grep -v ERROR "$1" || true; } | sort -n | awk '{v[NR]=$1} END {print NR ? v[int((NR+1)/2)] : "n/a"}')
  echo "$total $errors $median"
}

# Warm both paths up so that the JIT has compiled the hot code before we measure.
wrk -t2 -c50 -d5s "$direct/hello" > /dev/null 2>&1
wrk -t2 -c50 -d"$warmup" -H "Host: $one" "$tunnel/hello" > /dev/null 2>&1
wrk -t2 -c50 -d"$warmup" -s "$spread" "$tunnel/hello" > /dev/null 2>&1

read -r d50 d50_p50 d50_p99 d50_err d50_to < <(run_wrk direct-c50 50 "$direct")
read -r t50 t50_p50 t50_p99 t50_err t50_to < <(run_wrk one-c50 50 "$tunnel" -H "Host: $one")
read -r d200 d200_p50 d200_p99 d200_err d200_to < <(run_wrk direct-c200 200 "$direct")
read -r t200 t200_p50 t200_p99 t200_err t200_to < <(run_wrk one-c200 200 "$tunnel" -H "Host: $one")
read -r s200 s200_p50 s200_p99 s200_err s200_to < <(run_wrk spread-c200 200 "$tunnel" -s "$spread")
# Not through < <(...): read would go on at the first line, before the downloads have stopped.
mixed direct-mixed "$direct" > "$logs/load-mixed-direct.txt"
mixed tunnel-mixed "$tunnel" "t02.$domain:$gateway_port" > "$logs/load-mixed-tunnel.txt"
read -r dm dm_p50 dm_p99 dm_err dm_to < "$logs/load-mixed-direct.txt"
read -r tm tm_p50 tm_p99 tm_err tm_to < "$logs/load-mixed-tunnel.txt"
read -r dm_n dm_derr dm_mib < <(download_summary "$logs/load-downloads-direct-mixed.txt")
read -r tm_n tm_derr tm_mib < <(download_summary "$logs/load-downloads-tunnel-mixed.txt")

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.0f%%", 100*a/b; else print "n/a" }'; }
row() { printf "%-44s %10s %10s %8s   %-17s %-17s %s\n" "$@"; }
{
  echo "Porthole load benchmark, $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg), wrk $duration per run, timeout $timeout"
  echo
  row "" "direct" "tunnel" "ratio" "p50/p99 direct" "p50/p99 tunnel" "errors/timeouts (tunnel)"
  row "one tunnel, 50 connections (req/s)" "$d50" "$t50" "$(ratio "$t50" "$d50")" "$d50_p50/$d50_p99" "$t50_p50/$t50_p99" "$t50_err/$t50_to"
  row "one tunnel, 200 connections" "$d200" "$t200" "$(ratio "$t200" "$d200")" "$d200_p50/$d200_p99" "$t200_p50/$t200_p99" "$t200_err/$t200_to"
  row "$tunnels tunnels, 200 connections" "$d200" "$s200" "$(ratio "$s200" "$d200")" "$d200_p50/$d200_p99" "$s200_p50/$s200_p99" "$s200_err/$s200_to"
  row "mixed: 50 connections + 2 downloads" "$dm" "$tm" "$(ratio "$tm" "$dm")" "$dm_p50/$dm_p99" "$tm_p50/$tm_p99" "$tm_err/$tm_to"
  echo "  downloads of 100 MiB alongside: direct $dm_n ($dm_derr failed), median $dm_mib MiB/s; tunnel $tm_n ($tm_derr failed), median $tm_mib MiB/s"
  echo "direct errors/timeouts: $((d50_err + d200_err + dm_err))/$((d50_to + d200_to + dm_to))"
} | tee "$out/load.txt"
