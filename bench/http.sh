#!/usr/bin/env bash
# Measures HTTP through a Porthole tunnel against the same upstream reached directly and through a
# one-hop nginx reverse proxy (the peer a tunnel is compared with: a tunnel is two hops), in one run:
# requests/s and p50/p99 latency at 50 connections and at 1 connection (wrk), MiB/s for a 100 MiB
# download (curl), errors, the CPU time the gateway and agent spend per request (next to nginx's) and
# per GiB (which a busy machine distorts less than throughput), the share of the machine's CPU left
# idle at 50 connections, and their resident memory across repeated downloads.
#
#   bench/http.sh              (needs wrk, curl and nginx: apt-get install -y wrk curl nginx-light)
#   DURATION=20s WARMUP=30s bench/http.sh   (WARMUP: load on each path before measuring, default 20s)
#   CONNECTIONS=2 bench/http.sh             (the agent keeps a pool of that many connections; the gateway
#                                            then takes a token, since a public session gets no pool)
set -euo pipefail
# shellcheck source=bench/common.sh
source "$(dirname "$0")/common.sh"
bench_start "" wrk curl nginx redis-server
duration="${DURATION:-10s}"
downloads="${DOWNLOADS:-5}"
size=$((100 * 1024 * 1024))

stop_on_exit 'rm -rf "$work"'

nginx_port=$(free_port)
work=$(mktemp -d)
agent_connections
start_http_stack "" "$stack_token"
start_nginx "$nginx_port" ""
"$java" "${jvm[@]}" -jar "$agent_jar" http "$upstream_port" --server "http://127.0.0.1:$gateway_port" "${agent_options[@]}" > "$logs/agent.out" 2> "$logs/agent.log" & pids+=($!); agent_pid=$!
wait_output "$logs/agent.out"
url=$(head -1 "$logs/agent.out"); host="${url#http://}"
direct="http://127.0.0.1:$upstream_port"
tunnel="http://127.0.0.1:$gateway_port"
proxy="http://127.0.0.1:$nginx_port"

# wrk <label> <connections> <threads> <url> [Host header]; also writes the share of the machine's CPU
# left idle during the run to $out/cpu-idle-<label>.txt.
run_wrk() {
  local label=$1 connections=$2 threads=$3 target=$4 header=${5:-}
  local args=(-t"$threads" -c"$connections" -d"$duration" --latency)
  [ -n "$header" ] && args+=(-H "Host: $header")
  local before; before=$(machine_jiffies)
  wrk "${args[@]}" "$target/hello" > "$out/wrk-$label.txt" 2>&1
  echo "$(idle_percent_since "$before")%" > "$out/cpu-idle-$label.txt"
  wrk_summary "$out/wrk-$label.txt"
}

# Warm both paths up so that the JIT has compiled the hot code before we measure.
wrk -t2 -c50 -d5s "$direct/hello" > /dev/null 2>&1
wrk -t2 -c50 -d5s "$proxy/hello" > /dev/null 2>&1
wait_tunnel "$tunnel/hello" "$host"
warm_up_tunnel "$warmup" -H "Host: $host" "$tunnel/hello"

read -r d50_rps d50_p50 d50_p99 d50_err < <(run_wrk direct-c50 50 2 "$direct")
ticks_before=$(cpu_ticks "$nginx_pid")
read -r n50_rps n50_p50 n50_p99 n50_err < <(run_wrk nginx-c50 50 2 "$proxy")
nginx_ticks_c50=$(( $(cpu_ticks "$nginx_pid") - ticks_before ))
n50_requests=$(awk '/requests in/ {print $1}' "$out/wrk-nginx-c50.txt")
ticks_before=$(cpu_ticks "$gateway_pid" "$agent_pid")
read -r t50_rps t50_p50 t50_p99 t50_err < <(run_wrk tunnel-c50 50 2 "$tunnel" "$host")
ticks_c50=$(( $(cpu_ticks "$gateway_pid" "$agent_pid") - ticks_before ))
t50_requests=$(awk '/requests in/ {print $1}' "$out/wrk-tunnel-c50.txt")
# wrk counts failed responses but does not say what they were: one request made now shows it.
t50_sample=""
if [ "$t50_err" -gt 0 ]; then
  t50_sample=$(curl -s -H "Host: $host" -w ' (HTTP %{http_code})' "$tunnel/hello" | tr '\n' ' ' | head -c 300)
fi
read -r d1_rps d1_p50 d1_p99 d1_err < <(run_wrk direct-c1 1 1 "$direct")
read -r n1_rps n1_p50 n1_p99 n1_err < <(run_wrk nginx-c1 1 1 "$proxy")
read -r t1_rps t1_p50 t1_p99 t1_err < <(run_wrk tunnel-c1 1 1 "$tunnel" "$host")

speed() { # url [host] -> MiB/s of a 100 MiB download
  local args=(-s -o /dev/null -w '%{speed_download} %{size_download} %{http_code}')
  [ -n "${2:-}" ] && args+=(-H "Host: $2")
  curl "${args[@]}" "$1/bytes/$size" | awk -v want="$size" '{ if ($2 != want || $3 != 200) print "ERROR"; else printf "%.0f", $1/1048576 }'
}
# Warm the download path up too (not counted), as the request path was: for WARMUP through the
# tunnel, as three downloads left the JVMs' C2 compiler with a third of their CPU still to spend.
for i in 1 2 3; do speed "$direct" > /dev/null; speed "$proxy" > /dev/null; done
warm_until=$((SECONDS + ${warmup%s}))
while [ "$SECONDS" -lt "$warm_until" ]; do speed "$tunnel" "$host" > /dev/null; done
direct_speeds=(); proxy_speeds=(); tunnel_speeds=(); gateway_rss=(); agent_rss=()
tunnel_ticks=0
for i in $(seq 1 "$downloads"); do
  direct_speeds+=("$(speed "$direct")")
  proxy_speeds+=("$(speed "$proxy")")
  ticks_before=$(cpu_ticks "$gateway_pid" "$agent_pid")
  tunnel_speeds+=("$(speed "$tunnel" "$host")")
  tunnel_ticks=$(( tunnel_ticks + $(cpu_ticks "$gateway_pid" "$agent_pid") - ticks_before ))
  gateway_rss+=("$(rss_mib "$gateway_pid")"); agent_rss+=("$(rss_mib "$agent_pid")")
done
median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
dmb=$(median "${direct_speeds[@]}"); nmb=$(median "${proxy_speeds[@]}"); tmb=$(median "${tunnel_speeds[@]}")
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.0f%%", 100*a/b; else print "n/a" }'; }

{
echo "Porthole HTTP benchmark, $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, wrk $duration per run, agent connections $connections"
echo
printf "%-28s %12s %12s %12s %9s %9s\n" "" "direct" "nginx" "tunnel" "t/direct" "t/nginx"
printf "%-28s %12s %12s %12s %9s %9s\n" "requests/s, 50 connections" "$d50_rps" "$n50_rps" "$t50_rps" "$(ratio "$t50_rps" "$d50_rps")" "$(ratio "$t50_rps" "$n50_rps")"
printf "%-28s %12s %12s %12s\n" "  p50 / p99 latency" "$d50_p50/$d50_p99" "$n50_p50/$n50_p99" "$t50_p50/$t50_p99"
printf "%-28s %12s %12s %12s\n" "  machine CPU left idle" "$(cat "$out/cpu-idle-direct-c50.txt")" "$(cat "$out/cpu-idle-nginx-c50.txt")" "$(cat "$out/cpu-idle-tunnel-c50.txt")"
printf "%-28s %12s %12s %12s %9s %9s\n" "requests/s, 1 connection" "$d1_rps" "$n1_rps" "$t1_rps" "$(ratio "$t1_rps" "$d1_rps")" "$(ratio "$t1_rps" "$n1_rps")"
printf "%-28s %12s %12s %12s\n" "  p50 / p99 latency" "$d1_p50/$d1_p99" "$n1_p50/$n1_p99" "$t1_p50/$t1_p99"
printf "%-28s %12s %12s %12s %9s %9s\n" "100 MiB download, MiB/s" "$dmb" "$nmb" "$tmb" "$(ratio "$tmb" "$dmb")" "$(ratio "$tmb" "$nmb")"
printf "%-28s %s | %s | %s\n" "  every run, MiB/s" "${direct_speeds[*]}" "${proxy_speeds[*]}" "${tunnel_speeds[*]}"
awk -v t="$ticks_c50" -v hz="$tick_hz" -v n="$t50_requests" -v nt="$nginx_ticks_c50" -v nn="$n50_requests" 'BEGIN {
  if (n > 0 && nn > 0) printf "gateway + agent CPU per request, 50 connections: %.1f us (nginx: %.1f us)\n", t / hz / n * 1e6, nt / hz / nn * 1e6 }'
awk -v t="$tunnel_ticks" -v hz="$tick_hz" -v n="$downloads" 'BEGIN { printf "gateway + agent CPU per GiB downloaded: %.2f s\n", t / hz / (n * 100 / 1024) }'
echo "errors (non-2xx + socket): direct $((d50_err + d1_err)), nginx $((n50_err + n1_err)), tunnel $((t50_err + t1_err))"
[ -z "$t50_sample" ] || echo "  a request through the tunnel right after its 50-connection run: $t50_sample"
echo "resident MiB after each download: gateway ${gateway_rss[*]}; agent ${agent_rss[*]}"
} | tee "$out/summary.txt"
