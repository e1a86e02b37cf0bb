#!/usr/bin/env bash
# How much Redis work tunnels cost: one gateway (static-token auth) and one load process
# (dev.porthole.agent.load.LoadAgents, the real agent library) connect COUNT agents with one HTTP
# tunnel each. From `redis-cli INFO commandstats` deltas it prints the Redis commands per handshake
# (connect, claim, registry records) and, with every tunnel idle for IDLE seconds, the commands per
# minute per 1,000 idle tunnels, with the busiest commands of each phase, and the bytes Redis read
# from its clients while idle (INFO stats total_net_input_bytes).
#
#   bench/redis-load.sh                    (needs redis-server and redis-cli; COUNT=1000, IDLE=60)
#   COUNT=2000 IDLE=120 bench/redis-load.sh
set -euo pipefail
# shellcheck source=bench/common.sh
source "$(dirname "$0")/common.sh"
bench_start "" redis-server redis-cli python3
count="${COUNT:-1000}"
idle="${IDLE:-60}"
in_flight="${IN_FLIGHT:-100}"

open_files_for "$count"

start_token_gateway redis-load 1g

# commandstats <file>: writes "command calls" lines (INFO commandstats, INFO itself left out).
commandstats() {
  redis-cli -p "$redis_port" info commandstats | tr -d '\r' \
    | sed -n 's/^cmdstat_\([^:]*\):calls=\([0-9]*\),.*/\1 \2/p' | grep -v '^info ' > "$1"
}
# input_bytes: the bytes Redis has read from its clients so far.
input_bytes() {
  redis-cli -p "$redis_port" info stats | tr -d '\r' | sed -n 's/^total_net_input_bytes:\([0-9]*\)/\1/p'
}
# delta <before> <after>: the total of calls between two snapshots, then the five busiest commands.
delta() {
  python3 - "$1" "$2" <<'PY'
import sys
def read(path):
    return {c: int(n) for c, n in (line.split() for line in open(path) if line.strip())}
before, after = read(sys.argv[1]), read(sys.argv[2])
diff = {c: after[c] - before.get(c, 0) for c in after if after[c] - before.get(c, 0) > 0}
print(sum(diff.values()))
print(", ".join(f"{c} {n}" for c, n in sorted(diff.items(), key=lambda e: -e[1])[:6]))
PY
}

# Let the gateway's own start-up work settle before the first snapshot.
sleep 5
commandstats "$logs/redis-load.0"
LOAD_JVM=-Xmx1g load_agents idle "http://127.0.0.1:$gateway_port" "$token" "$count" "$in_flight" \
  > "$logs/redis-load-agents.out" 2> "$logs/redis-load-agents.log" & pids+=($!); load_pid=$!
for _ in $(seq 1 600); do grep -q '^connected .* ms' "$logs/redis-load-agents.out" && break; kill -0 "$load_pid" || break; sleep 1; done
connected_line=$(grep -m1 '^connected .* ms' "$logs/redis-load-agents.out" || echo "connected nothing (see $logs/redis-load-agents.log)")
for _ in $(seq 1 60); do [ "$(redis-cli -p "$redis_port" zcard porthole:sessions)" -ge "$count" ] && break; sleep 1; done
commandstats "$logs/redis-load.1"; bytes_before_idle=$(input_bytes)
# Idle: every agent connected, nothing else happening but heartbeats and registry refreshes.
sleep "$idle"
commandstats "$logs/redis-load.2"; bytes_after_idle=$(input_bytes)
sessions=$(redis-cli -p "$redis_port" zcard porthole:sessions)

mapfile -t connect < <(delta "$logs/redis-load.0" "$logs/redis-load.1")
mapfile -t quiet < <(delta "$logs/redis-load.1" "$logs/redis-load.2")
{
  echo "Redis commands for $count tunnels on one gateway ($(date -u +%FT%TZ), load average $(cut -d' ' -f1-3 /proc/loadavg))"
  echo "load process: $connected_line; sessions in the registry: $sessions"
  echo "handshakes: ${connect[0]} commands for $count agents: $(python3 -c "print(round(${connect[0]} / $count, 1))") per handshake (${connect[1]})"
  echo "idle for $idle s: ${quiet[0]} commands:" \
       "$(python3 -c "print(round(${quiet[0]} * 60 / $idle * 1000 / $count))") per minute per 1,000 idle tunnels (${quiet[1]})"
  echo "idle for $idle s: Redis read $((bytes_after_idle - bytes_before_idle)) bytes:" \
       "$(python3 -c "print(round(($bytes_after_idle - $bytes_before_idle) * 60 / $idle * 1000 / $count / 1024))") KiB per minute per 1,000 idle tunnels"
} | tee "$out/redis-load.txt"
