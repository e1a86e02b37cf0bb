#!/usr/bin/env bash
# The agent's memory as the distribution runs it (bin/porthole: serial collector, bounded heap and
# direct memory, AOT cache): resident set (VmRSS) idle, 30 s after its tunnel is up, and the highest
# resident set sampled every 50 ms while it carries DOWNLOADS 100 MiB downloads (one after the other,
# then PARALLEL at once); with the JVM's defaults (`java -jar`, no launcher) for comparison. Targets
# (issue 18): idle < 96 MiB, < 160 MiB during the downloads.
#
#   bench/agent-memory.sh           (needs curl and redis-server; DOWNLOADS=5 PARALLEL=4 by default)
set -euo pipefail
# shellcheck source=bench/common.sh
source "$(dirname "$0")/common.sh"
bench_start "" curl redis-server
downloads="${DOWNLOADS:-5}"
parallel="${PARALLEL:-4}"
idle_wait="${IDLE_WAIT:-30}"
size=$((100 * 1024 * 1024))

tarball=$(ls client-agent/target/porthole-*.tar.gz 2>/dev/null | head -1 || true)
[ -n "$tarball" ] || { mvn -B -q -DskipTests -pl client-agent -am package; tarball=$(ls client-agent/target/porthole-*.tar.gz | head -1); }
rm -rf "$out/dist-memory"; mkdir -p "$out/dist-memory"
tar xzf "$tarball" -C "$out/dist-memory"
launcher=$(ls -d "$out"/dist-memory/porthole-*/bin/porthole)
export PORTHOLE_JAVA="$java"

start_token_gateway memory 512m
upstream_port=$(free_port)
"$java" -jar "$agent_jar" demo-server --port "$upstream_port" > "$logs/memory-upstream.log" 2>&1 & pids+=($!)
wait_port "$upstream_port"

# peak_rss <pid> <file>: samples VmRSS every 50 ms into <file> (the highest, in MiB) until killed.
peak_rss() {
  trap - EXIT INT TERM # a subshell: stopping it must not run the script's clean-up
  local peak=0 now
  while now=$(rss_mib "$1" 2>/dev/null); do
    [ "$now" -gt "$peak" ] && { peak=$now; echo "$peak" > "$2"; }
    sleep 0.05
  done
}

download() { # host -> "MiB/s" or ERROR
  curl -s -o /dev/null -w '%{speed_download} %{size_download} %{http_code}' -H "Host: $1" "http://127.0.0.1:$gateway_port/bytes/$size" \
    | awk -v want="$size" '{ if ($2 != want || $3 != 200) print "ERROR"; else printf "%.0f", $1/1048576 }'
}

# measure <label> <command>...: starts an agent, prints "label idle peak-sequential peak-parallel speeds".
measure() {
  local label=$1; shift
  "$@" http "$upstream_port" --server "http://127.0.0.1:$gateway_port" --token "$token" > "$logs/memory-$label.out" 2> "$logs/memory-$label.log" &
  local agent=$!; pids+=("$agent")
  for _ in $(seq 1 600); do [ -s "$logs/memory-$label.out" ] && break; sleep 0.1; done
  local url host; url=$(head -1 "$logs/memory-$label.out"); host="${url#http://}"
  case $url in http://*) ;; *) echo "bench: the $label agent printed no URL; see $logs/memory-$label.out and .log" >&2; exit 1 ;; esac
  sleep "$idle_wait"
  local idle; idle=$(rss_mib "$agent")
  local peakfile="$out/peak-$label"; echo 0 > "$peakfile"
  peak_rss "$agent" "$peakfile" & local sampler=$!
  local speeds=()
  for _ in $(seq 1 "$downloads"); do speeds+=("$(download "$host")"); done
  local sequential; sequential=$(cat "$peakfile")
  local at_once=()
  for i in $(seq 1 "$parallel"); do download "$host" > "$out/parallel-$label-$i" & at_once+=($!); done
  wait "${at_once[@]}"
  local parallel_errors; parallel_errors=$(cat "$out"/parallel-"$label"-* | grep -c ERROR || true)
  local peak; peak=$(cat "$peakfile")
  kill "$sampler" 2>/dev/null || true
  kill "$agent"; wait "$agent" 2>/dev/null || true
  printf '%-22s %10s %14s %14s   %s (parallel errors: %s)\n' "$label" "$idle" "$sequential" "$peak" "${speeds[*]}" "$parallel_errors"
}

{
echo "Agent memory, $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg), $("$java" -version 2>&1 | head -1)"
printf '%-22s %10s %14s %14s   %s\n' "agent" "idle MiB" "peak, 1 at once" "peak, $parallel at once" "MiB/s of each sequential download"
measure launcher "$launcher"
measure java-defaults "$java" --sun-misc-unsafe-memory-access=allow -jar "$agent_jar"
} | tee "$out/agent-memory.txt"
