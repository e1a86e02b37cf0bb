#!/usr/bin/env bash
# Is one agent connection the limit at 50 connections? Measures, in turns on one set of processes,
# requests/s and the machine's idle CPU share with 50 visitor connections through one tunnel (one
# agent, one connection to the gateway), spread over AGENTS tunnels (AGENTS agent processes on the
# same upstream, one connection each, wrk split evenly), and through one tunnel whose agent keeps a
# pool of AGENTS connections (--connections), with a one-hop nginx to the same upstream for scale.
# docs/performance.md quotes it ("System calls, kernel time and one agent connection").
#
#   bench/http-agents.sh                  (needs wrk, nginx and redis-server)
#   AGENTS=3 ROUNDS=5 DURATION=8s bench/http-agents.sh
set -euo pipefail
# shellcheck source=bench/common.sh
source "$(dirname "$0")/common.sh"
bench_start "" wrk nginx redis-server
agents="${AGENTS:-2}"
rounds="${ROUNDS:-3}"
duration="${DURATION:-6s}"
[[ $agents =~ ^[2-9]$ ]] || { echo "bench: AGENTS must be 2 to 9 (was '$agents')" >&2; exit 1; }
(( 50 % agents == 0 )) || echo "bench: 50 connections do not split evenly over $agents agents: $(( 50 / agents )) each" >&2

work=$(mktemp -d)
stop_on_exit 'rm -rf "$work"'

nginx_port=$(free_port)
# With a token: a public session's names are its own alone, so the gateway offers it no pool.
token=$bench_token
start_http_stack agents- "$token"
start_nginx "$nginx_port" ""
tunnel="http://127.0.0.1:$gateway_port/hello"
proxy="http://127.0.0.1:$nginx_port/hello"

# start_agent <label> [agent options]: an agent serving the upstream, in pids; sets agent_host, its
# tunnel's host (not printed: in a $(...) subshell the pid would not reach pids).
start_agent() {
  local label=$1; shift
  # shellcheck disable=SC2086
  "$java" "${jvm[@]}" ${AGENT_JVM:-} -jar "$agent_jar" http "$upstream_port" --server "http://127.0.0.1:$gateway_port" --token "$token" "$@" \
    > "$logs/agents-$label.out" 2> "$logs/agents-$label.log" & pids+=($!)
  wait_output "$logs/agents-$label.out"
  local url; url=$(head -1 "$logs/agents-$label.out")
  agent_host="${url#http://}"
  wait_tunnel "$tunnel" "$agent_host"
}
hosts=()
for i in $(seq 1 "$agents"); do start_agent "$i"; hosts+=("$agent_host"); done
start_agent pool --connections "$agents"; pooled=$agent_host

# measure <key> <label> <wrk output file>...: runs stdin's lines (a wrk command each) in parallel, then
# prints the label, their summed requests/s, the machine's idle share and the summed errors; keeps the
# requests/s in $work/rps-<key> for the medians.
measure() {
  local key=$1 label=$2; shift 2
  local before; before=$(machine_jiffies)
  local runs=()
  while read -r line; do eval "$line" & runs+=($!); done
  wait "${runs[@]}"
  local idle; idle=$(idle_percent_since "$before")
  local rps=0 errors=0 r e
  for file in "$@"; do
    read -r r _ _ e < <(wrk_summary "$file")
    rps=$(awk -v a="$rps" -v b="$r" 'BEGIN { printf "%.0f", a + b }'); errors=$((errors + e))
  done
  printf "%-34s %8s req/s  machine idle %3s%%  errors %s\n" "$label" "$rps" "$idle" "$errors"
  echo "$rps" >> "$work/rps-$key"
}

# Every tunnel and nginx warmed up the same way first (bench/common.sh's warm_up_tunnel).
for host in "${hosts[@]}" "$pooled"; do warm_up_tunnel "$warmup" -H "Host: $host" "$tunnel"; done
warm_up_tunnel 8s "$proxy"
# ...and the split load too, once, unmeasured: wrk's start and stop with other connections sends the
# JVMs down other paths (bench/common.sh), and the first split run measured less than the later ones.
lines=""
for i in "${!hosts[@]}"; do lines+="wrk -t1 -c$(( 50 / agents )) -d${warmup} -H 'Host: ${hosts[$i]}' $tunnel > /dev/null 2>&1"$'\n'; done
measure warm "(warm-up, not counted)" <<< "${lines%$'\n'}" > /dev/null

each=$(( 50 / agents ))
echo "Porthole: one agent connection against $agents, $(date -u +%FT%RZ), load average $(cut -d' ' -f1-3 /proc/loadavg), wrk $duration per run"
for round in $(seq 1 "$rounds"); do
  measure one "one tunnel, c50" "$work/one.txt" <<< "wrk -t2 -c50 -d$duration -H 'Host: ${hosts[0]}' $tunnel > $work/one.txt 2>&1"
  files=(); lines=""
  for i in "${!hosts[@]}"; do
    files+=("$work/split-$i.txt"); lines+="wrk -t1 -c$each -d$duration -H 'Host: ${hosts[$i]}' $tunnel > $work/split-$i.txt 2>&1"$'\n'
  done
  measure split "$agents tunnels, c$each each" "${files[@]}" <<< "${lines%$'\n'}"
  measure pool "one tunnel, $agents connections, c50" "$work/pool.txt" <<< "wrk -t2 -c50 -d$duration -H 'Host: $pooled' $tunnel > $work/pool.txt 2>&1"
  measure nginx "nginx, c50" "$work/nginx.txt" <<< "wrk -t2 -c50 -d$duration $proxy > $work/nginx.txt 2>&1"
done
median() { sort -n "$1" | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
one=$(median "$work/rps-one"); split=$(median "$work/rps-split"); pool=$(median "$work/rps-pool"); nginx=$(median "$work/rps-nginx")
awk -v o="$one" -v s="$split" -v p="$pool" -v n="$nginx" -v a="$agents" 'BEGIN {
  printf "medians: one tunnel %d (%.2fx nginx), %d tunnels %d (%.2fx nginx, %.2fx one), ", o, o / n, a, s, s / n, s / o
  printf "one tunnel over %d connections %d (%.2fx nginx, %.2fx one), nginx %d req/s\n", a, p, p / n, p / o, n }'
