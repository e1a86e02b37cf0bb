#!/usr/bin/env bash
# Where a tunnelled HTTP request's cost goes: CPU per request for the gateway, the agent and the demo
# upstream (a plain Vert.x server, for scale), and for each gateway and agent thread (event loops, the
# C2 compiler, GC), around one `wrk -c50` run after a warm-up; then, with perf, the system calls and
# context switches per request of each process, through the tunnel and through a one-hop nginx proxy
# to the same upstream (a second run each: counting slows them, so the CPU figures come from the
# first). docs/performance.md quotes it; bench/http.sh gives the throughput next to nginx.
#
#   bench/http-cost.sh                       (needs wrk, nginx and redis-server; perf for the counts)
#   WARMUP=60s DURATION=10s bench/http-cost.sh
#   GATEWAY_JVM='-XX:+PrintCompilation' bench/http-cost.sh   (extra JVM options; also AGENT_JVM)
#   AGENT_ARGS='--no-inspect' bench/http-cost.sh              (extra options of the agent's command)
#   CONNECTIONS=2 bench/http-cost.sh            (a pool of agent connections; the gateway takes a token)
# The counts are perf's raw_syscalls:sys_enter tracepoint (every system call: Netty's epoll transport
# reads and writes with recvfrom and sendto, which /proc/<pid>/io does not count) and its
# context-switches event. Without perf, or without the right to trace (root, or
# kernel.perf_event_paranoid at most 1), the script says so and skips them.
set -euo pipefail
# shellcheck source=bench/common.sh
source "$(dirname "$0")/common.sh"
bench_start "" wrk nginx redis-server
duration="${DURATION:-10s}"

work=$(mktemp -d)
stop_on_exit 'rm -rf "$work"'

nginx_port=$(free_port)
agent_connections
start_http_stack cost- "$stack_token"
start_nginx "$nginx_port" ""
# shellcheck disable=SC2086
"$java" "${jvm[@]}" ${AGENT_JVM:-} -jar "$agent_jar" http "$upstream_port" --server "http://127.0.0.1:$gateway_port" "${agent_options[@]}" ${AGENT_ARGS:-} \
  > "$work/agent.out" 2> "$logs/cost-agent.log" & pids+=($!); agent_pid=$!
for _ in $(seq 1 300); do grep -q '^http' "$work/agent.out" && break; sleep 0.1; done
url=$(grep -m1 '^http' "$work/agent.out"); host="${url#http://}"
tunnel="http://127.0.0.1:$gateway_port/hello"
proxy="http://127.0.0.1:$nginx_port/hello"

# process_ticks <pid>...: "user system" CPU ticks of each process, a line each.
process_ticks() {
  for pid in "$@"; do awk '{print $14, $15}' "/proc/$pid/stat"; done
}
# cpu_lines <requests> <before> <after> <name>...: each process's CPU per request, and its kernel share.
cpu_lines() {
  local n=$1 before=$2 after=$3; shift 3
  paste <(echo "$before") <(echo "$after") | awk -v n="$n" -v us="$us_per_tick" -v names="$*" '
    BEGIN { split(names, name, " ") }
    { i++; all = ($3 + $4 - $1 - $2) * us / n; sys = ($4 - $2) * us / n
      printf "%-9s CPU %5.1f us/request, in the kernel %5.1f\n", name[i], all, sys }'
}
# thread_ticks: "tid pid cpu-ticks" for every gateway and agent thread.
thread_ticks() {
  for pid in "$gateway_pid" "$agent_pid"; do
    for task in /proc/"$pid"/task/*; do echo "${task##*/} $pid $(awk '{print $14 + $15}' "$task/stat")"; done
  done | sort
}

wait_tunnel "$tunnel" "$host"
warm_up_tunnel "$warmup" -H "Host: $host" "$tunnel"
before=$(process_ticks "$gateway_pid" "$agent_pid" "$upstream_pid"); thread_ticks > "$work/threads-before"
wrk -t2 -c50 -d"$duration" --latency -H "Host: $host" "$tunnel" > "$work/wrk.txt"
after=$(process_ticks "$gateway_pid" "$agent_pid" "$upstream_pid"); thread_ticks > "$work/threads-after"
# Thread names by native id (jcmd prints nid in decimal on JDK 25).
for pid in "$gateway_pid" "$agent_pid"; do "$jcmd" "$pid" Thread.print; done \
  | sed -nE 's/^"([^"]*)".* nid=([0-9]+).*/\2 \1/p' | tr ' ' '_' | sed 's/_/ /' | sort > "$work/names"

requests=$(awk '/requests in/ {print $1}' "$work/wrk.txt")
us_per_tick=$((1000000 / $(getconf CLK_TCK)))
read -r rps p50 p99 errors < <(wrk_summary "$work/wrk.txt")
echo "Porthole HTTP request cost, $(date -u +%FT%RZ), load average $(cut -d' ' -f1-3 /proc/loadavg), wrk -c50 $duration after $warmup"
echo "tunnel: $rps req/s, p50 $p50, p99 $p99, errors $errors, $requests requests"
cpu_lines "$requests" "$before" "$after" gateway agent upstream
echo "threads (CPU us/request):"
join "$work/threads-before" "$work/threads-after" | join -a1 - "$work/names" \
  | awk -v n="$requests" -v us="$us_per_tick" -v gw="$gateway_pid" '
      { d = $5 - $3; if (d > 0) printf "  %-8s %-36s %.1f\n", ($2 == gw ? "gateway" : "agent"), ($6 == "" ? $1 : $6), d*us/n }' \
  | sort -k3 -rn | head -12

# The same through the one-hop nginx: its workers' CPU, and the upstream's for the same requests.
warm_up_tunnel 8s -H "Host: 127.0.0.1:$nginx_port" "$proxy"
workers=$(pgrep -P "$nginx_pid" | tr '\n' ' ')
# shellcheck disable=SC2086
before=$(process_ticks $workers "$upstream_pid")
wrk -t2 -c50 -d"$duration" --latency "$proxy" > "$work/wrk-nginx.txt"
# shellcheck disable=SC2086
after=$(process_ticks $workers "$upstream_pid")
read -r nginx_rps nginx_p50 _ nginx_errors < <(wrk_summary "$work/wrk-nginx.txt")
echo "nginx: $nginx_rps req/s, p50 $nginx_p50, errors $nginx_errors"
sum_ticks() { awk -v k="$1" 'NR <= k { u += $1; s += $2; next } { print u, s; print; exit }'; }
worker_count=$(echo "$workers" | wc -w)
cpu_lines "$(awk '/requests in/ {print $1}' "$work/wrk-nginx.txt")" \
  "$(echo "$before" | sum_ticks "$worker_count")" "$(echo "$after" | sum_ticks "$worker_count")" nginx upstream

# count_run <label> <url> <Host header> <name>=<pid>...: one more wrk -c50 run with perf counting each
# process's system calls and context switches; prints them per request.
count_run() {
  local label=$1 url=$2 host_header=$3; shift 3
  local names=() counters=()
  for named in "$@"; do
    names+=("${named%%=*}")
    perf stat -x, -e raw_syscalls:sys_enter,context-switches -p "${named#*=}" -o "$work/perf-$label-${named%%=*}.txt" &
    counters+=($!)
  done
  sleep 0.5 # perf attaches
  wrk -t2 -c50 -d"$duration" -H "Host: $host_header" "$url" > "$work/wrk-count-$label.txt"
  kill -INT "${counters[@]}"; wait "${counters[@]}" 2>/dev/null || true
  local n; n=$(awk '/requests in/ {print $1}' "$work/wrk-count-$label.txt")
  echo "$label ($(awk '/Requests\/sec/ {printf "%d", $2}' "$work/wrk-count-$label.txt") req/s while counted):"
  for name in "${names[@]}"; do
    awk -F, -v n="$n" -v name="$name" '$3 ~ /sys_enter/ {s=$1} $3 ~ /context-switches/ {c=$1}
      END {printf "  %-9s system calls %.2f/request  context switches %.2f/request\n", name, s/n, c/n}' "$work/perf-$label-$name.txt"
  done
}
if ! command -v perf > /dev/null; then
  echo "system calls per request: skipped (no perf: apt-get install -y linux-perf)"
elif ! perf stat -e raw_syscalls:sys_enter -p "$gateway_pid" -- sleep 0.1 > /dev/null 2>&1; then
  echo "system calls per request: skipped (perf may not trace here: run as root, or sysctl kernel.perf_event_paranoid=1)"
else
  count_run tunnel "$tunnel" "$host" gateway="$gateway_pid" agent="$agent_pid" upstream="$upstream_pid"
  count_run nginx "$proxy" "127.0.0.1:$nginx_port" nginx="$(echo $workers | tr ' ' ,)" upstream="$upstream_pid"
fi
