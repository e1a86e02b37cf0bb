#!/usr/bin/env bash
# Measures TCP through a Porthole tunnel, through `ssh -R` (an sshd on loopback) and direct, in one
# run: download throughput on one connection and on eight in parallel, the CPU time the relaying
# processes spend per GiB (which a busy machine does not distort the way it distorts throughput), and
# the round-trip time of one-byte ping-pongs (p50/p99), with the ratios. Porthole runs without TLS here (ws://), ssh
# encrypts: the comparison is "what a user would run", not cipher against cipher.
#
#   bench/tcp.sh                       (needs redis-server, sshd, ssh, ssh-keygen, python3)
#   SIZE_MIB=2048 RUNS=5 ROUND_TRIPS=5000 WARMUP_MIB=4096 bench/tcp.sh
#
# Each throughput figure is the median of RUNS downloads (default 3) per path, taken in turns
# (direct, tunnel, ssh -R, then again): on 2 cores one download through four processes varies by
# a third from run to run with how the scheduler places them, and a single one decides nothing.
set -euo pipefail
# shellcheck source=bench/common.sh
source "$(dirname "$0")/common.sh"
[ -x /usr/sbin/sshd ] || { echo "bench: /usr/sbin/sshd is missing (apt-get install -y openssh-server)" >&2; exit 1; }
bench_start "" redis-server ssh ssh-keygen python3
size_mib="${SIZE_MIB:-1024}"
round_trips="${ROUND_TRIPS:-2000}"
runs="${RUNS:-3}"
work="$(mktemp -d)"

stop_on_exit 'rm -rf "$work"'

# The upstream and the client: a source that sends what it is asked for, an echo for round trips.
cat > "$work/tcpbench.py" <<'PY'
import socket, statistics, sys, threading, time

def serve(port):
    server = socket.socket(); server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    server.bind(("127.0.0.1", port)); server.listen(128)
    block = bytes(1024 * 1024)
    def one(conn):
        with conn:
            conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            head = b""
            while not head.endswith(b"\n"):
                chunk = conn.recv(1)
                if not chunk: return
                head += chunk
            if head.startswith(b"echo"):
                while True:
                    data = conn.recv(65536)
                    if not data: return
                    conn.sendall(data)
            left = int(head.split()[1])
            view = memoryview(block)
            while left > 0:
                n = min(left, len(block)); conn.sendall(view[:n]); left -= n
    while True:
        conn, _ = server.accept(); threading.Thread(target=one, args=(conn,), daemon=True).start()

def download(port, size, connections):
    per = size // connections; done = []
    def one():
        s = socket.create_connection(("127.0.0.1", port)); s.sendall(b"send %d\n" % per)
        buf = bytearray(1024 * 1024); got = 0
        while got < per:
            n = s.recv_into(buf)
            if n == 0: break
            got += n
        s.close(); done.append(got)
    start = time.perf_counter()
    threads = [threading.Thread(target=one) for _ in range(connections)]
    for t in threads: t.start()
    for t in threads: t.join()
    elapsed = time.perf_counter() - start
    if sum(done) != per * connections: print("ERROR short read", file=sys.stderr); sys.exit(1)
    print("%.0f" % (sum(done) / elapsed / 1048576))

def rtt(port, count):
    s = socket.create_connection(("127.0.0.1", port)); s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    s.sendall(b"echo\n"); times = []
    for i in range(count + 200):
        start = time.perf_counter(); s.sendall(b"x")
        if s.recv(1) != b"x": print("ERROR echo", file=sys.stderr); sys.exit(1)
        if i >= 200: times.append((time.perf_counter() - start) * 1e6)
    times.sort()
    print("%.0f %.0f" % (times[len(times) // 2], times[int(len(times) * 0.99)]))

mode = sys.argv[1]
if mode == "serve": serve(int(sys.argv[2]))
elif mode == "download": download(int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]))
elif mode == "rtt": rtt(int(sys.argv[2]), int(sys.argv[3]))
PY

gateway_port=$(free_port); mgmt_port=$(free_port); upstream_port=$(free_port)
sshd_port=$(free_port); ssh_r_port=$(free_port); tcp_port=$(free_port)
token="bench-token-0123456789abcdef"
jvm=(--sun-misc-unsafe-memory-access=allow -Xmx512m ${JVM_OPTS:-})

python3 "$work/tcpbench.py" serve "$upstream_port" > "$logs/tcp-upstream.log" 2>&1 & pids+=($!)
start_redis tcp-redis.log
QUARKUS_REDIS_HOSTS="redis://127.0.0.1:$redis_port" PORTHOLE_GATEWAY_HTTP_PORT=$gateway_port QUARKUS_HTTP_PORT=$mgmt_port \
  PORTHOLE_GATEWAY_AUTH_TOKENS=$token PORTHOLE_GATEWAY_TCP_PORT_RANGE="$tcp_port-$tcp_port" \
  "$java" "${jvm[@]}" "${gateway_jvm[@]}" -jar "$gateway_jar" > "$logs/tcp-gateway.log" 2>&1 & pids+=($!); gateway_pid=$!
wait_port "$gateway_port"; wait_port "$upstream_port"
"$java" "${jvm[@]}" -jar "$agent_jar" tcp "$upstream_port" --server "http://127.0.0.1:$gateway_port" --token "$token" \
  > "$logs/tcp-agent.out" 2> "$logs/tcp-agent.log" & pids+=($!); agent_pid=$!
wait_port "$tcp_port"

# sshd on loopback with its own keys, and `ssh -R` forwarding a port on it to the same upstream.
ssh-keygen -q -t ed25519 -N '' -f "$work/host_key"; ssh-keygen -q -t ed25519 -N '' -f "$work/client_key"
cp "$work/client_key.pub" "$work/authorized_keys"
cat > "$work/sshd_config" <<CFG
Port $sshd_port
ListenAddress 127.0.0.1
HostKey $work/host_key
AuthorizedKeysFile $work/authorized_keys
PidFile $work/sshd.pid
StrictModes no
UsePAM no
PasswordAuthentication no
CFG
[ "$(id -u)" = 0 ] && mkdir -p /run/sshd
/usr/sbin/sshd -D -e -f "$work/sshd_config" > "$logs/tcp-sshd.log" 2>&1 & pids+=($!); sshd_pid=$!
wait_port "$sshd_port"
ssh -N -i "$work/client_key" -p "$sshd_port" -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o BatchMode=yes \
  -o ExitOnForwardFailure=yes -R "$ssh_r_port:127.0.0.1:$upstream_port" 127.0.0.1 > "$logs/tcp-ssh.log" 2>&1 & pids+=($!); ssh_pid=$!
wait_port "$ssh_r_port"

size=$((size_mib * 1024 * 1024))
bench() { python3 "$work/tcpbench.py" "$@"; }
relay_pids() { case $1 in direct) echo "" ;; tunnel) echo "$gateway_pid $agent_pid" ;; ssh) echo "$sshd_pid $ssh_pid" ;; esac; }
# Warm-up: the JIT compiles the relay before anything is measured. After the 256 MiB this used to
# be, C2 was still compiling during the measured download on a busy machine (and its CPU counts as
# the relay's; in a loop of 512 MiB downloads the CPU per GiB settled only after about 2 GiB), so
# half of WARMUP_MIB goes over 4 connections, half over one, as measured.
warmup_mib="${WARMUP_MIB:-2048}"
bench download "$tcp_port" $((warmup_mib / 2 * 1024 * 1024)) 4 > /dev/null
bench download "$tcp_port" $((warmup_mib / 2 * 1024 * 1024)) 1 > /dev/null
bench rtt "$tcp_port" 2000 > /dev/null

declare -A one eight p50 p99 cpu ticks ones eights
port_of() { case $1 in direct) echo "$upstream_port" ;; tunnel) echo "$tcp_port" ;; ssh) echo "$ssh_r_port" ;; esac; }
median() { tr ' ' '\n' | grep . | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
for ((run = 1; run <= runs; run++)); do
  for path in direct tunnel ssh; do
    before=$(cpu_ticks $(relay_pids $path))
    ones[$path]+=" $(bench download "$(port_of $path)" "$size" 1)"
    after=$(cpu_ticks $(relay_pids $path))
    ticks[$path]=$(( ${ticks[$path]:-0} + after - before ))
    eights[$path]+=" $(bench download "$(port_of $path)" "$size" 8)"
  done
done
for path in direct tunnel ssh; do
  port=$(port_of $path)
  one[$path]=$(echo "${ones[$path]}" | median)
  eight[$path]=$(echo "${eights[$path]}" | median)
  cpu[$path]=$(awk -v t="${ticks[$path]}" -v hz="$tick_hz" -v mib=$((size_mib * runs)) 'BEGIN { printf "%.2f", t / hz / (mib / 1024) }')
  read -r p50[$path] p99[$path] < <(bench rtt "$port" "$round_trips")
done
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2fx", a/b; else print "n/a" }'; }

{
echo "Porthole TCP benchmark, $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, ${size_mib} MiB per download, median of $runs, $round_trips round trips"
echo
printf "%-32s %10s %10s %10s %14s %14s\n" "" "direct" "tunnel" "ssh -R" "tunnel/ssh -R" "tunnel/direct"
printf "%-32s %10s %10s %10s %14s %14s\n" "MiB/s, 1 connection" "${one[direct]}" "${one[tunnel]}" "${one[ssh]}" \
  "$(ratio "${one[tunnel]}" "${one[ssh]}")" "$(ratio "${one[tunnel]}" "${one[direct]}")"
printf "%-32s %10s %10s %10s %14s %14s\n" "MiB/s, 8 connections" "${eight[direct]}" "${eight[tunnel]}" "${eight[ssh]}" \
  "$(ratio "${eight[tunnel]}" "${eight[ssh]}")" "$(ratio "${eight[tunnel]}" "${eight[direct]}")"
printf "%-32s %10s %10s %10s %14s\n" "relay CPU s per GiB, 1 conn." "-" "${cpu[tunnel]}" "${cpu[ssh]}" \
  "$(ratio "${cpu[ssh]}" "${cpu[tunnel]}")"
printf "%-32s %10s %10s %10s\n" "round trip p50, us" "${p50[direct]}" "${p50[tunnel]}" "${p50[ssh]}"
printf "%-32s %10s %10s %10s\n" "round trip p99, us" "${p99[direct]}" "${p99[tunnel]}" "${p99[ssh]}"
echo "each run, MiB/s, 1 connection: tunnel${ones[tunnel]}; ssh -R${ones[ssh]}; direct${ones[direct]}"
echo "relay CPU: gateway + agent for the tunnel, sshd + ssh for ssh -R; its ratio column is ssh -R / tunnel (above 1: the tunnel is cheaper)"
echo "added by the tunnel at p50: $(( ${p50[tunnel]} - ${p50[direct]} )) us (target: at most 2000 us);" \
  "1-connection throughput vs ssh -R: $(ratio "${one[tunnel]}" "${one[ssh]}") (target: at least 2x)"
} | tee "$out/tcp-summary.txt"
