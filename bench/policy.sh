#!/usr/bin/env bash
# What an edge policy costs: requests/s through one gateway to the same upstream by three tunnels
# in one run: without a policy, with basic auth (--basic-auth) and with an IP rule (--allow-cidr).
# Each is warmed, then measured in turn, ROUNDS times, so that drift of a shared machine hits all
# three alike; the summary gives the median of the rounds, p50/p99 and the load average.
#
#   bench/policy.sh                         (needs wrk, curl, redis-server: apt-get install -y wrk curl redis-server)
#   DURATION=20s WARMUP=20s ROUNDS=3 bench/policy.sh
set -euo pipefail
# shellcheck source=bench/common.sh
source "$(dirname "$0")/common.sh"
bench_start "policy" wrk curl redis-server
duration="${DURATION:-10s}"
rounds="${ROUNDS:-3}"

stop_on_exit

gateway_port=$(free_port); mgmt_port=$(free_port); upstream_port=$(free_port)
jvm=(--sun-misc-unsafe-memory-access=allow -Xmx512m)
start_redis redis.log
# Public mode (no tokens): the three agents get random names.
QUARKUS_REDIS_HOSTS="redis://127.0.0.1:$redis_port" PORTHOLE_GATEWAY_HTTP_PORT=$gateway_port PORTHOLE_GATEWAY_HTTP_HOST=127.0.0.1 \
  QUARKUS_HTTP_PORT=$mgmt_port "$java" "${jvm[@]}" "${gateway_jvm[@]}" -jar "$gateway_jar" > "$logs/gateway.log" 2>&1 & pids+=($!)
"$java" "${jvm[@]}" -jar "$agent_jar" demo-server --port "$upstream_port" > "$logs/upstream.log" 2>&1 & pids+=($!)
wait_port "$gateway_port"; wait_port "$upstream_port"

# start_agent <label> [policy flags...]: an agent for the upstream (no inspector: its port is 4040); prints its Host.
start_agent() {
  local label=$1; shift
  "$java" "${jvm[@]}" -jar "$agent_jar" http "$upstream_port" --server "http://127.0.0.1:$gateway_port" --no-inspect "$@" \
    > "$logs/agent-$label.out" 2> "$logs/agent-$label.log" & pids+=($!)
  wait_output "$logs/agent-$label.out"
  local url; url=$(head -1 "$logs/agent-$label.out"); url="${url#http://}"
  [ -n "$url" ] || { echo "bench: agent $label printed no URL; see $logs/agent-$label.log" >&2; exit 1; }
  echo "$url"
}
plain=$(start_agent plain)
basic=$(start_agent basic --basic-auth bench:bench-password)
ip=$(start_agent ip --allow-cidr 127.0.0.0/8 --allow-cidr ::1/128)
authorization="Authorization: Basic $(printf 'bench:bench-password' | base64)"
tunnel="http://127.0.0.1:$gateway_port/hello"

# Sanity: the policies are in force (401 without the password, 200 with it and for the IP rule).
[ "$(curl -s -o /dev/null -w '%{http_code}' -H "Host: $basic" "$tunnel")" = 401 ] || { echo "bench: basic auth not in force" >&2; exit 1; }
[ "$(curl -s -o /dev/null -w '%{http_code}' -H "Host: $basic" -H "$authorization" "$tunnel")" = 200 ] || { echo "bench: login refused" >&2; exit 1; }
[ "$(curl -s -o /dev/null -w '%{http_code}' -H "Host: $ip" "$tunnel")" = 200 ] || { echo "bench: IP rule refused loopback" >&2; exit 1; }

run_wrk() { # label round host [header]
  local args=(-t2 -c50 -d"$duration" --latency -H "Host: $3")
  [ -n "${4:-}" ] && args+=(-H "$4")
  wrk "${args[@]}" "$tunnel" > "$out/wrk-$1-$2.txt" 2>&1
  wrk_summary "$out/wrk-$1-$2.txt"
}
for target in "plain $plain" "basic $basic $authorization" "ip $ip"; do
  read -r label host header <<< "$target"
  wrk -t2 -c50 -d"$warmup" -H "Host: $host" ${header:+-H "$header"} "$tunnel" > /dev/null 2>&1
done
declare -A rps p50 p99 errors
for round in $(seq 1 "$rounds"); do
  read -r r a b e < <(run_wrk plain "$round" "$plain"); rps[plain]+="$r "; p50[plain]+="$a "; p99[plain]+="$b "; errors[plain]+="$e "
  read -r r a b e < <(run_wrk basic "$round" "$basic" "$authorization"); rps[basic]+="$r "; p50[basic]+="$a "; p99[basic]+="$b "; errors[basic]+="$e "
  read -r r a b e < <(run_wrk ip "$round" "$ip"); rps[ip]+="$r "; p50[ip]+="$a "; p99[ip]+="$b "; errors[ip]+="$e "
done
median() { printf '%s\n' $1 | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.0f%%", 100*a/b; else print "n/a" }'; }
base=$(median "${rps[plain]}")
{
echo "Porthole edge policy benchmark, $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg),"
echo "wrk -t2 -c50 $duration per run, $rounds rounds in turn, median of the rounds"
echo
printf "%-26s %12s %10s %22s %22s %8s\n" "" "requests/s" "of plain" "every round" "p50 / p99 (last)" "errors"
for label in plain basic ip; do
  m=$(median "${rps[$label]}")
  printf "%-26s %12s %10s %22s %22s %8s\n" "$label$( [ "$label" = basic ] && echo ' (--basic-auth)'; [ "$label" = ip ] && echo ' (--allow-cidr)')" "$m" \
    "$(ratio "$m" "$base")" "$(echo ${rps[$label]} | tr ' ' '/')" "$(echo ${p50[$label]} | awk '{print $NF}')/$(echo ${p99[$label]} | awk '{print $NF}')" \
    "$(echo ${errors[$label]} | tr ' ' '+')"
done
} | tee "$out/summary.txt"
