#!/usr/bin/env bash
# Connects and disconnects agents on one gateway for a while (one load process,
# dev.porthole.agent.load.LoadAgents, the real agent library) and compares the gateway's heap after
# a full GC at the start and at the end: what a session leaves behind shows up as growth.
#
#   bench/churn.sh                     (needs redis-server; 1000 cycles a minute for 10 minutes)
#   MINUTES=2 PER_MINUTE=1000 bench/churn.sh
set -euo pipefail
# shellcheck source=bench/common.sh
source "$(dirname "$0")/common.sh"
bench_start "" redis-server redis-cli python3
minutes="${MINUTES:-10}"
per_minute="${PER_MINUTE:-1000}"

start_token_gateway churn 512m

# Warm up: one minute's worth of cycles at full speed, so that start-up allocations and JIT are not counted.
(load_agents churn "http://127.0.0.1:$gateway_port" "$token" 2000 1 \
  > "$logs/churn-warmup.out" 2> "$logs/churn-warmup.log")
heap_start=$(heap_after_gc_kib "$gateway_pid"); rss_start=$(rss_mib "$gateway_pid")
start=$(date +%s)
(load_agents churn "http://127.0.0.1:$gateway_port" "$token" "$per_minute" "$minutes" \
  > "$logs/churn-load.out" 2> "$logs/churn-load.log")
elapsed=$(( $(date +%s) - start ))
# Sessions that just ended leave their registry records until the gateway has released them.
for _ in $(seq 1 30); do [ "$(redis-cli -p "$redis_port" zcard porthole:sessions)" -eq 0 ] && break; sleep 1; done
heap_end=$(heap_after_gc_kib "$gateway_pid"); rss_end=$(rss_mib "$gateway_pid")

{
  echo "session churn on one gateway ($(date -u +%FT%TZ), load average $(cut -d' ' -f1-3 /proc/loadavg))"
  echo "load process: $(tail -1 "$logs/churn-load.out") in ${elapsed} s (asked: $per_minute a minute for $minutes min)"
  now_ms=$(( $(date +%s) * 1000 ))
  echo "sessions left in the registry: $(redis-cli -p "$redis_port" zcard porthole:sessions)" \
       "($(redis-cli -p "$redis_port" zcount porthole:sessions "$now_ms" +inf) not yet expired)"
  echo "gateway heap after full GC: $((heap_start / 1024)) MiB at the start, $((heap_end / 1024)) MiB at the end" \
       "($(( heap_end - heap_start )) KiB difference)"
  echo "gateway resident memory: $rss_start MiB at the start, $rss_end MiB at the end"
} | tee "$out/churn.txt"
