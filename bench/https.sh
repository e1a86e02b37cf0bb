#!/usr/bin/env bash
# Measures HTTPS through a Porthole tunnel (the gateway terminating TLS, the agent on wss://) against
# a one-hop nginx with TLS in front of the same upstream, in one run: requests/s and p50/p99 at 50
# connections (wrk, keep-alive, so the handshake cost is spread), the same with a new TLS connection
# per request (curl in parallel: handshakes/s), and MiB/s of a 100 MiB download (curl). A third column
# reaches the same nginx through a TLS passthrough tunnel (porthole tls: TLS ends at nginx); wrk
# cannot name the server (SNI) without DNS for it, so that column has the curl rows only.
#
#   bench/https.sh        (needs wrk, curl, openssl, nginx: apt-get install -y wrk curl nginx-light)
#   DURATION=20s WARMUP=30s bench/https.sh
set -euo pipefail
# shellcheck source=bench/common.sh
source "$(dirname "$0")/common.sh"
bench_start "https" wrk curl openssl nginx redis-server
duration="${DURATION:-10s}"
downloads="${DOWNLOADS:-3}"
handshakes="${HANDSHAKES:-400}"
size=$((100 * 1024 * 1024))

work=$(mktemp -d)
stop_on_exit 'rm -rf "$work"'

# A CA and a wildcard certificate, as an operator with a private CA would have (EC P-256, like Let's Encrypt's default).
domain=porthole.localhost
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$work/ca.key" -out "$work/ca.pem" -days 2 \
  -subj "/CN=bench CA" -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign > "$logs/openssl.log" 2>&1
printf 'subjectAltName=DNS:*.%s,DNS:%s,DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth\n' "$domain" "$domain" > "$work/ext"
openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$work/tls.key" -out "$work/tls.csr" -subj "/CN=*.$domain" >> "$logs/openssl.log" 2>&1
openssl x509 -req -in "$work/tls.csr" -CA "$work/ca.pem" -CAkey "$work/ca.key" -set_serial 1 -days 2 -extfile "$work/ext" \
  -out "$work/tls.pem" >> "$logs/openssl.log" 2>&1

gateway_port=$(free_port); mgmt_port=$(free_port); upstream_port=$(free_port); nginx_port=$(free_port)
passthrough_port=$(free_port); token=$bench_token
jvm=(--sun-misc-unsafe-memory-access=allow -Xmx512m)
start_redis redis.log
QUARKUS_REDIS_HOSTS="redis://127.0.0.1:$redis_port" PORTHOLE_GATEWAY_HTTP_PORT=$gateway_port PORTHOLE_GATEWAY_HTTP_HOST=127.0.0.1 \
  QUARKUS_HTTP_PORT=$mgmt_port PORTHOLE_GATEWAY_HTTP_DOMAIN=$domain \
  PORTHOLE_GATEWAY_TLS_CERT_FILES="$work/tls.pem" PORTHOLE_GATEWAY_TLS_KEY_FILES="$work/tls.key" \
  PORTHOLE_GATEWAY_TLS_PASSTHROUGH_PORT=$passthrough_port PORTHOLE_GATEWAY_TLS_PASSTHROUGH_HOST=127.0.0.1 PORTHOLE_GATEWAY_AUTH_TOKENS=$token \
  "$java" "${jvm[@]}" "${gateway_jvm[@]}" -jar "$gateway_jar" > "$logs/gateway.log" 2>&1 & pids+=($!); gateway_pid=$!
"$java" "${jvm[@]}" -jar "$agent_jar" demo-server --port "$upstream_port" > "$logs/upstream.log" 2>&1 & pids+=($!)
wait_port "$gateway_port"; wait_port "$upstream_port"
"$java" "${jvm[@]}" -jar "$agent_jar" http "$upstream_port" --server "https://localhost:$gateway_port" --ca "$work/ca.pem" --token "$token" \
  > "$logs/agent.out" 2> "$logs/agent.log" & pids+=($!); agent_pid=$!
wait_output "$logs/agent.out"
url=$(head -1 "$logs/agent.out"); host="${url#https://}"; host="${host%%:*}"
[ -n "$host" ] || { echo "bench: the agent printed no URL; see $logs/agent.log" >&2; exit 1; }

# nginx: TLS with the same certificate, one hop to the upstream over kept-alive connections, one worker per core.
start_nginx "$nginx_port" " ssl" "ssl_certificate $work/tls.pem; ssl_certificate_key $work/tls.key; ssl_protocols TLSv1.2 TLSv1.3;"
# The passthrough tunnel: the same nginx, its own certificate (the wildcard covers pt.<domain>) seen by curl.
"$java" "${jvm[@]}" -jar "$agent_jar" tls "$nginx_port" --subdomain pt --server "https://localhost:$gateway_port" --ca "$work/ca.pem" \
  --token "$token" > "$logs/agent-tls.out" 2> "$logs/agent-tls.log" & pids+=($!)
wait_output "$logs/agent-tls.out"
[ -s "$logs/agent-tls.out" ] || { echo "bench: the TLS agent printed no address; see $logs/agent-tls.log" >&2; exit 1; }
passthrough="https://127.0.0.1:$passthrough_port"

tunnel="https://127.0.0.1:$gateway_port"
direct="https://127.0.0.1:$nginx_port"

run_wrk() { # label url [Host header]
  local args=(-t2 -c50 -d"$duration" --latency)
  [ -n "${3:-}" ] && args+=(-H "Host: $3")
  wrk "${args[@]}" "$2/hello" > "$out/wrk-$1.txt" 2>&1
  wrk_summary "$out/wrk-$1.txt"
}
# handshakes <url> <host>: requests/s with a new TLS connection each (curl, 8 in parallel), verified against the CA.
handshakes_per_second() {
  local start end
  start=$(date +%s.%N)
  seq 1 "$handshakes" | xargs -P 8 -I{} curl -s -o /dev/null --cacert "$work/ca.pem" --resolve "$2:${1##*:}:127.0.0.1" \
    "https://$2:${1##*:}/hello"
  end=$(date +%s.%N)
  awk -v n="$handshakes" -v s="$start" -v e="$end" 'BEGIN { printf "%.0f", n / (e - s) }'
}
speed() { # url host -> MiB/s of a 100 MiB download over HTTPS
  curl -s -o /dev/null --cacert "$work/ca.pem" --resolve "$2:${1##*:}:127.0.0.1" -w '%{speed_download} %{size_download} %{http_code}' \
    "https://$2:${1##*:}/bytes/$size" | awk -v want="$size" '{ if ($2 != want || $3 != 200) print "ERROR"; else printf "%.0f", $1/1048576 }'
}

wrk -t2 -c50 -d5s "$direct/hello" > /dev/null 2>&1
wrk -t2 -c50 -d"$warmup" -H "Host: $host" "$tunnel/hello" > /dev/null 2>&1
read -r d_rps d_p50 d_p99 d_err < <(run_wrk nginx "$direct")
read -r t_rps t_p50 t_p99 t_err < <(run_wrk tunnel "$tunnel" "$host")
d_hs=$(handshakes_per_second "$direct" "localhost")
t_hs=$(handshakes_per_second "$tunnel" "$host")
p_hs=$(handshakes_per_second "$passthrough" "pt.$domain")
for _ in 1 2; do speed "$direct" localhost > /dev/null; speed "$tunnel" "$host" > /dev/null; speed "$passthrough" "pt.$domain" > /dev/null; done
direct_speeds=(); tunnel_speeds=(); passthrough_speeds=()
for _ in $(seq 1 "$downloads"); do
  direct_speeds+=("$(speed "$direct" localhost)"); tunnel_speeds+=("$(speed "$tunnel" "$host")")
  passthrough_speeds+=("$(speed "$passthrough" "pt.$domain")")
done
median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.0f%%", 100*a/b; else print "n/a" }'; }
dmb=$(median "${direct_speeds[@]}"); tmb=$(median "${tunnel_speeds[@]}"); pmb=$(median "${passthrough_speeds[@]}")

{
echo "Porthole HTTPS benchmark, $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg), wrk $duration per run"
echo
printf "%-36s %14s %14s %9s %14s %9s\n" "" "nginx (TLS)" "tunnel (TLS)" "tunnel/nginx" "passthrough" "pass/nginx"
printf "%-36s %14s %14s %9s %14s\n" "requests/s, 50 kept-alive connections" "$d_rps" "$t_rps" "$(ratio "$t_rps" "$d_rps")" "n/a"
printf "%-36s %14s %14s\n" "  p50 / p99 latency" "$d_p50/$d_p99" "$t_p50/$t_p99"
printf "%-36s %14s %14s %9s %14s %9s\n" "requests/s, new TLS connection each" "$d_hs" "$t_hs" "$(ratio "$t_hs" "$d_hs")" "$p_hs" "$(ratio "$p_hs" "$d_hs")"
printf "%-36s %14s %14s %9s %14s %9s\n" "100 MiB download, MiB/s" "$dmb" "$tmb" "$(ratio "$tmb" "$dmb")" "$pmb" "$(ratio "$pmb" "$dmb")"
printf "%-36s %14s %14s %9s %14s\n" "  every run, MiB/s" "${direct_speeds[*]}" "${tunnel_speeds[*]}" "" "${passthrough_speeds[*]}"
echo "errors (non-2xx + socket): nginx $d_err, tunnel $t_err"
} | tee "$out/summary.txt"
