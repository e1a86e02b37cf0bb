# Shared by the bench scripts (sourced as "$(dirname "$0")/common.sh"): the repository root (root, and
# the working directory), the JDK, the packaged jars, ports.
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
[ -d /usr/lib/jvm/temurin-25-jdk-amd64 ] && export JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
java="${JAVA_HOME:+$JAVA_HOME/bin/}java"
gateway_jar=gateway-service/target/quarkus-app/quarkus-run.jar
# The JVM options the gateway's image adds (Dockerfile): 8-byte object headers, about 9% less heap
# per idle tunnel (docs/performance.md, "Idle tunnels").
gateway_jvm=(-XX:+UseCompactObjectHeaders)
# How long each path is loaded before it is measured: on 2 cores the gateway's and agent's JIT
# needs about 15 s of traffic before a tunnel reaches its steady rate (5 s measured a third of it).
warmup="${WARMUP:-20s}"
agent_jar=client-agent/target/quarkus-app/quarkus-run.jar
# The static token of the scripts whose gateway takes agents with one (PORTHOLE_GATEWAY_AUTH_TOKENS).
bench_token=bench-token-0123456789

# require_tools <tool>...: stops with the package to install when one is missing.
require_tools() {
  for tool in "$@"; do
    command -v "$tool" >/dev/null || { echo "bench: $tool is missing (apt-get install -y $tool)" >&2; exit 1; }
  done
}

# Builds the gateway and agent once if their packaged applications are missing.
ensure_jars() {
  if [ ! -f "$gateway_jar" ] || [ ! -f "$agent_jar" ]; then
    mvn -B -q -DskipTests -pl gateway-service,client-agent -am package
  fi
}

# bench_start <folder below bench/results, or ""> <tool>...: sets out (bench/results/<folder>) and logs
# (<out>/logs) and makes them, stops when a tool is missing, builds the jars if they are missing.
# The last run's *.out files go: a script reads the tunnel's URL from the agent's, and a process started
# with `> file &` empties its file only once it runs, so a wait right after the start could still see
# (and read) the last run's URL, or an empty file, as one bench/http.sh did (no Host header: every
# request through the tunnel answered 421).
bench_start() {
  out="$root/bench/results${1:+/$1}"; logs="$out/logs"; mkdir -p "$logs"; shift
  rm -f "$logs"/*.out
  require_tools "$@"
  ensure_jars
}

# wrk_summary <wrk --latency output>: prints requests/s, p50, p99 and errors (non-2xx plus socket errors).
wrk_summary() {
  local rps p50 p99 errors
  rps=$(awk '/Requests\/sec/ {print $2}' "$1")
  p50=$(awk '$1=="50%" {print $2}' "$1")
  p99=$(awk '$1=="99%" {print $2}' "$1")
  errors=$(awk '/Non-2xx/ {n+=$NF} /Socket errors/ {gsub(/,/,""); n+=$4+$6+$8+$10} END {print n+0}' "$1")
  echo "$rps $p50 $p99 $errors"
}

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
# warm_up_tunnel <duration, e.g. 20s> <wrk arguments...>: loads a path with wrk -t2 -c50 for that long
# in four rounds rather than one. Each start and stop of wrk (connections opened and closed, a pause)
# sends the JVMs down code paths the steady load never took, and C2 recompiles what it had compiled
# for the steady load alone: after a single round, a 10 s measurement right after it still had the
# gateway's C2 thread at 5-7 us per request (bench/http-cost.sh), after four rounds under 1.
warm_up_tunnel() {
  [[ $1 =~ ^[0-9]+s$ ]] || { echo "bench: WARMUP must be whole seconds, like 20s (was '$1')" >&2; exit 1; }
  local total=${1%s}; shift
  local round=$(( total / 4 > 1 ? total / 4 : 1 ))
  for _ in 1 2 3 4; do wrk -t2 -c50 -d"${round}s" "$@" > /dev/null 2>&1; done
}
wait_port() { for _ in $(seq 1 300); do (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0; sleep 0.1; done; echo "port $1 never opened" >&2; exit 1; }
# wait_output <file>: waits up to 30 s until a process started in the background has written to <file>.
wait_output() { for _ in $(seq 1 300); do [ -s "$1" ] && break; sleep 0.1; done; }
# wait_tunnel <url> <Host header>: waits up to 10 s for a 200 through the tunnel; stops with the last
# answer otherwise (a run that measures error pages says nothing about the tunnel).
wait_tunnel() {
  local answer=""
  for _ in $(seq 1 50); do
    answer=$(curl -s -m 2 -H "Host: $2" -w '\n(HTTP %{http_code})' "$1" 2>&1 || true)
    [[ $answer == *"(HTTP 200)" ]] && return 0
    sleep 0.2
  done
  echo "bench: the tunnel at $2 does not answer 200; its last answer: $(echo "$answer" | tr '\n' ' ' | head -c 400)" >&2
  exit 1
}
rss_mib() { awk '/VmRSS/ {printf "%d", $2/1024}' "/proc/$1/status"; }
load_cp="client-agent/target/quarkus-app/app/*:client-agent/target/quarkus-app/lib/main/*:client-agent/target/quarkus-app/lib/boot/*"
jcmd="${JAVA_HOME:+$JAVA_HOME/bin/}jcmd"
jstat="${JAVA_HOME:+$JAVA_HOME/bin/}jstat"

# start_redis <log file in logs>: a Redis without persistence on a free port (sets redis_port), in pids.
start_redis() {
  redis_port=$(free_port)
  redis-server --port "$redis_port" --bind 127.0.0.1 --save '' --appendonly no > "$logs/$1" 2>&1 & pids+=($!)
  wait_port "$redis_port"
}

# start_http_stack <log prefix> [token]: a Redis, a gateway (JVM options from gateway_jvm and
# GATEWAY_JVM; in public mode, or taking agents with the static token if given) and the demo upstream
# (a plain Vert.x server), the three in pids, waited for; sets jvm (the options every bench JVM gets),
# redis_port, gateway_port, gateway_pid, upstream_port and upstream_pid. Logs go to
# $logs/<prefix>gateway.log and <prefix>upstream.log.
start_http_stack() {
  jvm=(--sun-misc-unsafe-memory-access=allow -Xmx512m)
  gateway_port=$(free_port); upstream_port=$(free_port)
  local mgmt_port; mgmt_port=$(free_port)
  start_redis "${1}redis.log"
  local auth=()
  [ -n "${2:-}" ] && auth=(PORTHOLE_GATEWAY_AUTH_TOKENS="$2")
  # shellcheck disable=SC2086
  env "${auth[@]}" QUARKUS_REDIS_HOSTS="redis://127.0.0.1:$redis_port" PORTHOLE_GATEWAY_HTTP_PORT=$gateway_port \
    QUARKUS_HTTP_PORT=$mgmt_port "$java" "${jvm[@]}" "${gateway_jvm[@]}" ${GATEWAY_JVM:-} -jar "$gateway_jar" > "$logs/${1}gateway.log" 2>&1 & pids+=($!); gateway_pid=$!
  "$java" "${jvm[@]}" -jar "$agent_jar" demo-server --port "$upstream_port" > "$logs/${1}upstream.log" 2>&1 & pids+=($!); upstream_pid=$!
  wait_port "$gateway_port"; wait_port "$upstream_port"
}

# agent_connections: reads CONNECTIONS (default 1); above 1 it sets stack_token (pass it to
# start_http_stack: a public session is offered no pool, so the gateway must take a token) and
# agent_options (--token and --connections for the agent's command). Sets connections too.
agent_connections() {
  connections="${CONNECTIONS:-1}"; stack_token=""; agent_options=()
  [[ $connections =~ ^[0-9]+$ ]] || { echo "bench: CONNECTIONS must be a whole number (was '$connections')" >&2; exit 1; }
  if [ "$connections" -gt 1 ]; then
    stack_token=$bench_token
    agent_options=(--token "$stack_token" --connections "$connections")
  fi
}

# machine_jiffies: the machine's idle (idle + iowait) and total CPU time, from /proc/stat.
machine_jiffies() { awk '/^cpu / { t = 0; for (i = 2; i <= 9; i++) t += $i; print $5 + $6, t }' /proc/stat; }
# idle_percent_since <machine_jiffies output>: the share of the machine's CPU left idle since then, e.g. 18.
idle_percent_since() { machine_jiffies | awk -v b="$1" '{ split(b, x, " "); printf "%.0f\n", 100 * ($1 - x[1]) / ($2 - x[2]) }'; }

# start_nginx <port> <listen parameters> [server directives]: nginx on 127.0.0.1:<port> in front of the
# upstream on upstream_port, one hop over kept-alive connections, one worker per core, unbuffered; its
# files in work, its master's pid in pids and nginx_pid.
# E.g. start_nginx "$nginx_port" " ssl" "ssl_certificate ...;".
start_nginx() {
  mkdir -p "$work/nginx"
  cat > "$work/nginx.conf" <<CONF
worker_processes auto;
pid $work/nginx.pid;
error_log $logs/nginx-error.log warn;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path $work/nginx; proxy_temp_path $work/nginx; fastcgi_temp_path $work/nginx;
  uwsgi_temp_path $work/nginx; scgi_temp_path $work/nginx;
  upstream app { server 127.0.0.1:$upstream_port; keepalive 64; }
  server {
    listen 127.0.0.1:$1$2;
    ${3:-}
    location / { proxy_pass http://app; proxy_http_version 1.1; proxy_set_header Connection ""; proxy_buffering off; }
  }
}
CONF
  nginx -c "$work/nginx.conf" -g 'daemon off;' > "$logs/nginx.log" 2>&1 & pids+=($!); nginx_pid=$!
  wait_port "$1"
}

# open_files_for <agents>: raises the open-file limit to the hard limit; stops when that is too low for
# <agents> agent connections (each is a socket on both sides of loopback: the gateway and the load
# process each need one descriptor per agent).
open_files_for() {
  ulimit -n "$(ulimit -Hn)"
  [ "$(ulimit -n)" -gt $(($1 + 1000)) ] || { echo "bench: ulimit -n $(ulimit -n) is too low for $1 agent connections" >&2; exit 1; }
}

# heap_after_gc_kib <pid>: forces a full GC in the JVM and prints the heap it still uses, in KiB.
heap_after_gc_kib() {
  "$jcmd" "$1" GC.run > /dev/null
  "$jstat" -gc "$1" | awk 'NR==1 {for (i=1;i<=NF;i++) col[$i]=i} NR==2 {printf "%d", $col["S0U"]+$col["S1U"]+$col["EU"]+$col["OU"]}'
}

# stop_on_exit [shell code]: on exit kills every process whose pid the script added to pids
# (pids+=($!)), the last started first, waits for them, then runs the shell code if given (e.g.
# 'rm -rf "$work"'). Ctrl-C and TERM end the script (a trap alone would run the cleanup and then let
# the script go on without its processes). Call it in the script itself, not in a subshell, before
# starting anything.
stop_on_exit() {
  pids=()
  on_exit_also="${1:-}"
  trap stop_started EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM
}

stop_started() {
  for ((i=${#pids[@]}-1; i>=0; i--)); do kill "${pids[$i]}" 2>/dev/null || true; done
  wait 2>/dev/null || true
  if [ -n "$on_exit_also" ]; then eval "$on_exit_also"; fi
}

# Load-process benchmarks (idle.sh, churn.sh): a Redis and a gateway with a static token, stopped on
# exit (stop_on_exit). Usage: start_token_gateway <log name> <max heap>; sets redis_port,
# gateway_port, gateway_pid, token and pids. Run it in the script itself (not in a subshell) so that
# the trap sees the pids.
start_token_gateway() {
  stop_on_exit
  gateway_port=$(free_port); local mgmt_port; mgmt_port=$(free_port)
  token=$bench_token
  start_redis redis.log
  # One log line per agent at INFO would be tens of thousands: the session package logs warnings only.
  QUARKUS_REDIS_HOSTS="redis://127.0.0.1:$redis_port" PORTHOLE_GATEWAY_HTTP_PORT=$gateway_port QUARKUS_HTTP_PORT=$mgmt_port \
    PORTHOLE_GATEWAY_AUTH_TOKENS=$token QUARKUS_LOG_CATEGORY__DEV_PORTHOLE_GATEWAY_CONTROL__LEVEL=WARN \
    "$java" "-Xmx$2" "${gateway_jvm[@]}" ${GATEWAY_JVM:-} -jar "$gateway_jar" > "$logs/$1-gateway.log" 2>&1 & pids+=($!); gateway_pid=$!
  wait_port "$gateway_port"
}

# load_agents <args>...: becomes dev.porthole.agent.load.LoadAgents (the real agent library, the
# agent's classpath). It replaces the shell it runs in: call it in the background or in ( ).
load_agents() {
  exec "$java" -Djava.util.logging.manager=org.jboss.logmanager.LogManager ${LOAD_JVM:-} -cp "$load_cp" dev.porthole.agent.load.LoadAgents "$@"
}

# CPU time (user + system, clock ticks) of processes and all their descendants: what relaying cost,
# independent of how busy the machine is (the throughput numbers are not, on shared cores).
cpu_ticks() {
  python3 - "$@" <<'PY'
import os, sys
stats = {}
for pid in os.listdir("/proc"):
    if pid.isdigit():
        try:
            fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
            stats[int(pid)] = (int(fields[1]), int(fields[11]) + int(fields[12]))
        except (OSError, IndexError):
            pass
roots = {int(p) for p in sys.argv[1:]}
def inside(pid):
    while pid > 1:
        if pid in roots: return True
        pid = stats.get(pid, (0, 0))[0]
    return False
print(sum(ticks for pid, (_, ticks) in stats.items() if inside(pid)))
PY
}
tick_hz=$(getconf CLK_TCK)
