#!/usr/bin/env bash
# Measures UDP through a Porthole UDP tunnel against the same work done directly, in one run: a
# client offers a fixed rate of datagrams (default 20,000 a second of 512 bytes for 10 s) to a UDP
# echo server, directly and through `porthole udp`, and counts the echoes: received per second and
# loss. UDP may lose datagrams; the tunnel drops rather than queues, so loss is the number to watch.
#
#   bench/udp.sh                      (needs redis-server, python3)
#   RATE=5000 SIZE=1200 SECONDS_EACH=20 bench/udp.sh
set -euo pipefail
# shellcheck source=bench/common.sh
source "$(dirname "$0")/common.sh"
bench_start "" redis-server python3
rate="${RATE:-20000}"
size="${SIZE:-512}"
seconds="${SECONDS_EACH:-10}"
work="$(mktemp -d)"

stop_on_exit 'rm -rf "$work"'

# The echo server and the paced client: the client sends in batches every millisecond, so that the
# rate holds on a busy machine, and counts echoes for a second after the last datagram.
cat > "$work/udpbench.py" <<'PY'
import socket, sys, threading, time

def serve(port):
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 << 20)
    sock.bind(("127.0.0.1", port))
    while True:
        data, sender = sock.recvfrom(65536)
        sock.sendto(data, sender)

def offer(port, rate, size, seconds):
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 << 20)
    sock.connect(("127.0.0.1", port))
    received = [0]
    done = threading.Event()
    def count():
        sock.settimeout(0.2)
        while not done.is_set():
            try:
                sock.recv(65536); received[0] += 1
            except socket.timeout:
                pass
            except ConnectionRefusedError:
                pass
    reader = threading.Thread(target=count, daemon=True); reader.start()
    payload = bytes(size); sent = 0; total = rate * seconds
    start = time.monotonic()
    while sent < total:
        due = min(total, int((time.monotonic() - start) * rate) + 1)
        while sent < due:
            try:
                sock.send(payload)
            except (BlockingIOError, ConnectionRefusedError):
                pass
            sent += 1
        time.sleep(0.001)
    elapsed = time.monotonic() - start
    time.sleep(1.0); done.set(); reader.join()
    print(f"{sent} {received[0]} {elapsed:.2f}")

if sys.argv[1] == "serve":
    serve(int(sys.argv[2]))
else:
    offer(int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5]))
PY

echo_port=$(free_port); gateway_port=$(free_port); mgmt_port=$(free_port); udp_port=$(free_port)
token="bench-token-0123456789abcdef"
jvm=(--sun-misc-unsafe-memory-access=allow -Xmx512m ${JVM_OPTS:-})

python3 "$work/udpbench.py" serve "$echo_port" > "$logs/udp-echo.log" 2>&1 & pids+=($!)
start_redis udp-redis.log
QUARKUS_REDIS_HOSTS="redis://127.0.0.1:$redis_port" PORTHOLE_GATEWAY_HTTP_PORT=$gateway_port QUARKUS_HTTP_PORT=$mgmt_port \
  PORTHOLE_GATEWAY_AUTH_TOKENS=$token PORTHOLE_GATEWAY_UDP_PORT_RANGE="$udp_port-$udp_port" \
  "$java" "${jvm[@]}" "${gateway_jvm[@]}" -jar "$gateway_jar" > "$logs/udp-gateway.log" 2>&1 & pids+=($!)
wait_port "$gateway_port"
"$java" "${jvm[@]}" -jar "$agent_jar" udp "$echo_port" --server "http://127.0.0.1:$gateway_port" --token "$token" \
  > "$logs/udp-agent.out" 2> "$logs/udp-agent.log" & pids+=($!)
for _ in $(seq 1 300); do grep -q '^udp://' "$logs/udp-agent.out" 2>/dev/null && break; sleep 0.1; done
grep -q '^udp://' "$logs/udp-agent.out" || { echo "bench: the agent printed no udp:// address" >&2; exit 1; }

# Warm-up through the tunnel (the JIT), then direct and tunnel in turns.
python3 "$work/udpbench.py" offer "$udp_port" "$rate" "$size" 5 > /dev/null
report() {
  read -r sent received elapsed <<< "$2"
  python3 -c "s,r,e=$sent,$received,$elapsed; print(f'| $1 | {s/e:,.0f} | {r/e:,.0f} | {100*(s-r)/s:.2f} % |')"
}
echo "UDP: $rate datagrams/s offered of $size bytes for $seconds s (load average: $(cut -d' ' -f1-3 /proc/loadavg))"
echo "| path | offered/s | echoed/s | loss |"
echo "|---|---|---|---|"
report direct "$(python3 "$work/udpbench.py" offer "$echo_port" "$rate" "$size" "$seconds")"
report "porthole udp" "$(python3 "$work/udpbench.py" offer "$udp_port" "$rate" "$size" "$seconds")"
# Where the tunnel lost what it lost: the gateway's own counts.
python3 - "$mgmt_port" <<'PY'
import sys, urllib.request
text = urllib.request.urlopen(f"http://127.0.0.1:{sys.argv[1]}/q/metrics").read().decode()
lines = [l for l in text.splitlines() if l.startswith("porthole_gateway_udp_")]
print("gateway: " + ("; ".join(lines) if lines else "no UDP counts"))
PY
