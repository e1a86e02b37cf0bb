#!/usr/bin/env bash
# Several gateways as one: requests/s through the gateway holding the tunnel, through a gateway that
# forwards every request to it, and through haproxy (TCP, round robin) to three gateways, where two
# requests in three are forwarded; then the time from SIGKILL of the agent's gateway to the first
# request served again through haproxy. In between, a TCP tunnel: a download through the gateway
# holding the port and through one that carries the connection to it (every gateway listens on the
# port, each on its own loopback address, 127.0.0.2-4).
#
#   bench/cluster.sh           (needs wrk, curl, haproxy, redis-server: apt-get install -y wrk curl haproxy redis-server)
#   DURATION=20s SIZE_MIB=2048 bench/cluster.sh
set -euo pipefail
# shellcheck source=bench/common.sh
source "$(dirname "$0")/common.sh"
bench_start "cluster" wrk curl haproxy redis-server redis-cli python3
duration="${DURATION:-10s}"
size_mib="${SIZE_MIB:-1024}"

stop_on_exit

jvm=(--sun-misc-unsafe-memory-access=allow -Xmx512m)
token=$bench_token
internal=bench-internal-token-0123456789
upstream_port=$(free_port); lb_port=$(free_port); source_port=$(free_port); tcp_port=$(free_port)
start_redis redis.log

# The TCP upstream: after one byte from the client, sends it SIZE_MIB MiB and closes.
python3 - "$source_port" "$size_mib" > "$logs/tcp-source.log" 2>&1 <<'PY' & pids+=($!)
import socket, sys, threading
server = socket.socket(); server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
server.bind(("127.0.0.1", int(sys.argv[1]))); server.listen(64)
block = bytes(1024 * 1024)
def one(conn):
    with conn:
        try:
            if conn.recv(1):
                for _ in range(int(sys.argv[2])):
                    conn.sendall(block)
        except OSError:
            pass
while True:
    threading.Thread(target=one, args=(server.accept()[0],), daemon=True).start()
PY

declare -A port_of pid_of addr_of
n=2
for id in gw-a gw-b gw-c; do
  addr_of[$id]=127.0.0.$n; n=$((n + 1))
  port=$(free_port); mgmt=$(free_port)
  QUARKUS_REDIS_HOSTS="redis://127.0.0.1:$redis_port" PORTHOLE_GATEWAY_HTTP_PORT=$port PORTHOLE_GATEWAY_HTTP_HOST=127.0.0.1 \
    QUARKUS_HTTP_PORT=$mgmt PORTHOLE_GATEWAY_AUTH_TOKENS=$token PORTHOLE_GATEWAY_INSTANCE_ID=$id \
    PORTHOLE_GATEWAY_CLUSTER_INTERNAL_ADDRESS="127.0.0.1:$port" PORTHOLE_INTERNAL_TOKEN=$internal \
    PORTHOLE_GATEWAY_REGISTRY_TTL=4s PORTHOLE_GATEWAY_REGISTRY_REFRESH_INTERVAL=1s \
    PORTHOLE_GATEWAY_TCP_HOST=${addr_of[$id]} PORTHOLE_GATEWAY_TCP_PORT_RANGE=$tcp_port-$tcp_port PORTHOLE_GATEWAY_TCP_PUBLIC_HOST=127.0.0.1 \
    "$java" "${jvm[@]}" "${gateway_jvm[@]}" -jar "$gateway_jar" > "$logs/$id.log" 2>&1 & pids+=($!)
  port_of[$id]=$port; pid_of[$id]=$!
done
"$java" "${jvm[@]}" -jar "$agent_jar" demo-server --port "$upstream_port" > "$logs/upstream.log" 2>&1 & pids+=($!)
for id in gw-a gw-b gw-c; do wait_port "${port_of[$id]}"; done
wait_port "$upstream_port"

{
  printf 'global\n    maxconn 4000\ndefaults\n    mode tcp\n    timeout connect 2s\n    timeout client 5m\n    timeout server 5m\n'
  printf '    retries 2\n    option redispatch\nfrontend lb\n    bind 127.0.0.1:%s\n    default_backend gateways\n' "$lb_port"
  printf 'backend gateways\n    balance roundrobin\n'
  for id in gw-a gw-b gw-c; do printf '    server %s 127.0.0.1:%s check inter 500ms fall 2 rise 1\n' "$id" "${port_of[$id]}"; done
} > "$out/haproxy.cfg"
haproxy -f "$out/haproxy.cfg" -db > "$logs/haproxy.log" 2>&1 & pids+=($!)
wait_port "$lb_port"

"$java" "${jvm[@]}" -jar "$agent_jar" http "$upstream_port" --server "http://127.0.0.1:$lb_port" --token "$token" --subdomain bench --no-inspect \
  > "$logs/agent.out" 2> "$logs/agent.log" & pids+=($!)
wait_output "$logs/agent.out"
[ -s "$logs/agent.out" ] || { echo "the agent never printed its URL; see $logs/agent.log" >&2; exit 1; }
holder=$(redis-cli -p "$redis_port" --raw GET "porthole:route:http:{bench}" | sed 's/.*"gatewayId":"\([^"]*\)".*/\1/')
other=gw-a; [ "$holder" = gw-a ] && other=gw-b
host_for() { echo "bench.localhost:$1"; }

# wrk <label> <port>: 50 connections, 2 threads; prints requests/s, p50, p99, errors.
run_wrk() {
  wrk -t2 -c50 -d"$duration" --latency -H "Host: $(host_for "$2")" "http://127.0.0.1:$2/hello" > "$out/wrk-$1.txt" 2>&1
  wrk_summary "$out/wrk-$1.txt"
}
# Warm every path up (wrk keeps its connections, so through haproxy they spread over the three gateways).
for port in "${port_of[$holder]}" "${port_of[$other]}" "$lb_port"; do
  wrk -t2 -c50 -d"$warmup" -H "Host: $(host_for "$port")" "http://127.0.0.1:$port/hello" > /dev/null 2>&1
done
read -r h_rps h_p50 h_p99 h_err < <(run_wrk holder "${port_of[$holder]}")
read -r f_rps f_p50 f_p99 f_err < <(run_wrk forwarded "${port_of[$other]}")
read -r l_rps l_p50 l_p99 l_err < <(run_wrk haproxy "$lb_port")

# The TCP tunnel; its agent connects through haproxy, so it may be on any gateway.
"$java" "${jvm[@]}" -jar "$agent_jar" tcp "$source_port" --server "http://127.0.0.1:$lb_port" --token "$token" \
  > "$logs/tcp-agent.out" 2> "$logs/tcp-agent.log" & pids+=($!)
wait_output "$logs/tcp-agent.out"
[ -s "$logs/tcp-agent.out" ] || { echo "the TCP agent never printed its address; see $logs/tcp-agent.log" >&2; exit 1; }
tcp_holder=$(redis-cli -p "$redis_port" --raw GET "porthole:route:tcp:{tcp:$tcp_port}" | sed 's/.*"gatewayId":"\([^"]*\)".*/\1/')
tcp_other=gw-a; [ "$tcp_holder" = gw-a ] && tcp_other=gw-b
# download <address>: one connection, SIZE_MIB MiB; prints MiB/s.
download() {
  python3 - "$1" "$tcp_port" "$size_mib" <<'PY'
import socket, sys, time
for _ in range(100):
    try:
        s = socket.create_connection((sys.argv[1], int(sys.argv[2])), timeout=60); break
    except OSError:
        time.sleep(0.1)
start = time.monotonic(); s.sendall(b"g"); total = 0
while True:
    data = s.recv(1 << 20)
    if not data: break
    total += len(data)
elapsed = time.monotonic() - start
if total != int(sys.argv[3]) << 20: sys.exit(f"received {total} bytes of {int(sys.argv[3]) << 20}")
print(f"{total / elapsed / (1 << 20):.0f}")
PY
}
download "${addr_of[$tcp_holder]}" > /dev/null; download "${addr_of[$tcp_other]}" > /dev/null   # warm-up
t_direct=$(download "${addr_of[$tcp_holder]}")
t_carried=$(download "${addr_of[$tcp_other]}")

# SIGKILL the agent's gateway; poll through haproxy until a request is served again.
start=$(date +%s%N)
kill -9 "${pid_of[$holder]}"
served=""
for _ in $(seq 1 3000); do
  code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 -H "Host: $(host_for "$lb_port")" "http://127.0.0.1:$lb_port/hello" || true)
  if [ "$code" = 200 ]; then served=$(( ($(date +%s%N) - start) / 1000000 )); break; fi
  sleep 0.02
done

{
echo "Porthole cluster benchmark, $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, wrk $duration per run, 50 connections"
echo "three gateways on one Redis; the agent is on $holder"
echo
printf "%-44s %10s %18s %7s\n" "" "requests/s" "p50 / p99" "errors"
printf "%-44s %10s %18s %7s\n" "through $holder (holds the tunnel)" "$h_rps" "$h_p50/$h_p99" "$h_err"
printf "%-44s %10s %18s %7s\n" "through $other (forwards every request)" "$f_rps" "$f_p50/$f_p99" "$f_err"
printf "%-44s %10s %18s %7s\n" "through haproxy to three (2 in 3 forwarded)" "$l_rps" "$l_p50/$l_p99" "$l_err"
echo
echo "TCP tunnel (agent on $tcp_holder), one connection, $size_mib MiB download:"
echo "  through $tcp_holder (holds the port):      $t_direct MiB/s"
echo "  through $tcp_other (carries it to $tcp_holder): $t_carried MiB/s"
echo
echo "SIGKILL of $holder to the first request served through haproxy: ${served:-never (30 s+)} ms"
} | tee "$out/summary.txt"
