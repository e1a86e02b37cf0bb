#!/usr/bin/env bash
# End-to-end check of docker-compose.yml on a machine with Docker: builds and starts everything
# (demo profile), waits until the services are healthy, gets the demo page through the gateway,
# exchanges the admin key from the secrets volume for an admin token, creates a client and a token
# over the admin API, connects an agent container with that token, checks that its HTTP tunnel and
# a TCP tunnel (on a published port of the range) answer,
# checks that `down` and `up` keep Redis's data and the secrets, and ends with `down -v`
# (also when a step fails; the services' logs are printed then).
#
# Usage, from anywhere: deploy/compose/smoke-test.sh
# It runs as its own Compose project (COMPOSE_PROJECT_NAME, default porthole-smoke) with its own
# volumes, and ignores .env, so it neither reads nor touches a deployment of this clone. It needs
# the host ports of the compose defaults (8080, 8081, 8082, 4040 and the TCP tunnel range) free;
# set GATEWAY_PORT, AUTH_PORT, NOTIFICATION_PORT, DEMO_INSPECT_PORT, TCP_TUNNEL_PORT_FIRST and
# TCP_TUNNEL_PORT_LAST otherwise.
# Environment: DOCKER (default docker), COMPOSE (default `docker compose` if present, else
# docker-compose), WAIT_TIMEOUT (seconds per wait, default 300), and curl on PATH.
# A machine without a registry: run deploy/compose/local-base-images.sh first.
set -euo pipefail
cd "$(dirname "$0")/../.."

DOCKER=${DOCKER:-docker}
if [ -z "${COMPOSE:-}" ]; then
  if "$DOCKER" compose version >/dev/null 2>&1; then COMPOSE="$DOCKER compose"; else COMPOSE=docker-compose; fi
fi
# BuildKit builds the Dockerfile (RUN --mount); Compose v1 needs the CLI build for it.
export DOCKER_BUILDKIT=${DOCKER_BUILDKIT:-1} COMPOSE_DOCKER_CLI_BUILD=${COMPOSE_DOCKER_CLI_BUILD:-1}
export COMPOSE_PROJECT_NAME=${COMPOSE_PROJECT_NAME:-porthole-smoke}
WAIT_TIMEOUT=${WAIT_TIMEOUT:-300}
GATEWAY_PORT=${GATEWAY_PORT:-8080}
AUTH_PORT=${AUTH_PORT:-8081}
DOMAIN=localhost
CLIENT=smoke-client
SUBDOMAIN=smoke
no_env=$(mktemp)
compose() { $COMPOSE --env-file "$no_env" --profile demo "$@"; }

step=start
started=$(date +%s)
step_started=$started
summary=()
agent=""
# Messages go to fd 3 (the script's stdout), so that a check run with its output discarded can still say why it failed.
exec 3>&1
say() { printf '[smoke] %s\n' "$*" >&3; }
begin() { step=$1; step_started=$(date +%s); say "== $step"; }
ok() { local took=$(( $(date +%s) - step_started )); summary+=("$(printf '%-44s ok %4ss' "$step" "$took")"); say "ok: $step (${took}s)${1:+: $1}"; }
fail() { say "FAILED in step '$step': $*"; exit 1; }

finish() {
  local status=$?
  set +e
  if [ "$status" != 0 ]; then
    say "---- logs of the services (step '$step' failed) ----"
    compose logs --no-color --tail=150
    [ -n "$agent" ] && { say "---- logs of the agent container ----"; "$DOCKER" logs --tail=100 "$agent"; }
  fi
  [ -n "$agent" ] && "$DOCKER" rm -f "$agent" >/dev/null 2>&1
  say "== down -v"
  compose down -v --remove-orphans >/dev/null 2>&1 || say "down -v failed"
  rm -f "$no_env"
  say "---- summary ----"
  printf '[smoke] %s\n' "${summary[@]}"
  if [ "$status" = 0 ]; then
    say "PASSED in $(( $(date +%s) - started ))s"
  else
    say "FAILED in step '$step' after $(( $(date +%s) - started ))s"
  fi
  exit "$status"
}
trap finish EXIT
trap 'exit 130' INT TERM

# Polls "$@" (quietly) until it succeeds or WAIT_TIMEOUT passes.
wait_for() {
  local what=$1 deadline=$(( $(date +%s) + WAIT_TIMEOUT )); shift
  until "$@" >/dev/null 2>&1; do
    [ "$(date +%s)" -lt "$deadline" ] || fail "$what: not within ${WAIT_TIMEOUT}s"
    sleep 2
  done
}

# Every service with a health check is healthy, every other long-running one is running, and
# init-secrets has exited with 0.
all_healthy() {
  local service id state
  for service in redis auth-service notification-service gateway demo-upstream demo-agent init-secrets; do
    id=$(compose ps -q "$service" 2>/dev/null)
    [ -n "$id" ] || return 1
    state=$("$DOCKER" inspect --format '{{.State.Status}} {{if .State.Health}}{{.State.Health.Status}}{{else}}none{{end}} {{.State.ExitCode}}' "$id")
    case "$service:$state" in
      init-secrets:"exited none 0") ;;
      init-secrets:*) [ "${state%% *}" = exited ] && fail "init-secrets exited with: $state"; return 1 ;;
      *:"running healthy "*|*:"running none "*) ;;
      *) return 1 ;;
    esac
  done
}

page_answers() { # host name, text the page must contain
  curl -fsS --max-time 5 -H "Host: $1" "http://127.0.0.1:$GATEWAY_PORT/" | grep -q "$2"
}

json() { # field, JSON text: the field's string value
  sed -n "s/.*\"$1\" *: *\"\\([^\"]*\\)\".*/\\1/p" <<<"$2" | head -1
}

admin_key() {
  compose exec -T auth-service cat /porthole-secrets/auth-service.properties | sed -n 's/^porthole.admin.key=//p'
}

admin_token() { # admin key
  local answer
  answer=$(curl -fsS --max-time 10 -X POST "http://127.0.0.1:$AUTH_PORT/api/v1/admin/token" -H "Authorization: Bearer $1") \
    || fail "POST /api/v1/admin/token was refused"
  json accessToken "$answer"
}

wait_up() {
  wait_for "services healthy" all_healthy
  wait_for "demo page through the gateway" page_answers "demo.$DOMAIN" "came through your Porthole tunnel"
}

command -v curl >/dev/null || { step=prerequisites; fail "curl is needed"; }
say "using '$COMPOSE' (project $COMPOSE_PROJECT_NAME) and '$DOCKER'"
compose down -v --remove-orphans >/dev/null 2>&1 || true

begin "up --build (demo profile)"
compose up --build -d || fail "docker compose up --build"
ok

begin "services healthy, demo page through the gateway"
wait_up
ok "http://demo.$DOMAIN:$GATEWAY_PORT/"

begin "admin key (secrets volume) for an admin token"
key=$(admin_key)
[ -n "$key" ] || fail "no porthole.admin.key in the secrets volume"
token=$(admin_token "$key")
[ -n "$token" ] || fail "no accessToken in the answer"
ok

begin "create a client and a token (admin API)"
H="Authorization: Bearer $token"
curl -fsS --max-time 10 "http://127.0.0.1:$AUTH_PORT/api/v1/clients" -H "$H" -H 'Content-Type: application/json' \
  -d "{\"id\":\"$CLIENT\",\"description\":\"smoke test\",\"grants\":{\"subdomains\":[\"$SUBDOMAIN\"],\"tcpPortCount\":1}}" >/dev/null \
  || fail "POST /api/v1/clients"
answer=$(curl -fsS --max-time 10 "http://127.0.0.1:$AUTH_PORT/api/v1/clients/$CLIENT/tokens" -H "$H" \
  -H 'Content-Type: application/json' -d '{"kind":"STATIC","description":"smoke test"}') || fail "POST /api/v1/clients/$CLIENT/tokens"
agent_token=$(json value "$answer")
[ -n "$agent_token" ] || fail "no token value in the answer"
ok "client $CLIENT"

begin "agent container with that token, its tunnel answers"
image=$("$DOCKER" inspect --format '{{.Config.Image}}' "$(compose ps -q demo-upstream)")
network=$("$DOCKER" inspect --format '{{range $name, $_ := .NetworkSettings.Networks}}{{$name}} {{end}}' "$(compose ps -q gateway)")
agent=$("$DOCKER" run -d --network "${network%% *}" -e TOKEN="$agent_token" --name "$COMPOSE_PROJECT_NAME-agent" \
  "$image" http demo-upstream:3000 --server http://gateway:8080 --subdomain "$SUBDOMAIN" --no-inspect) \
  || fail "docker run of the agent"
wait_for "the agent's tunnel http://$SUBDOMAIN.$DOMAIN:$GATEWAY_PORT/" page_answers "$SUBDOMAIN.$DOMAIN" "came through your Porthole tunnel"
ok "http://$SUBDOMAIN.$DOMAIN:$GATEWAY_PORT/"

begin "TCP tunnel on a published port of the range"
"$DOCKER" rm -f "$agent" >/dev/null
agent=$("$DOCKER" run -d --network "${network%% *}" -e TOKEN="$agent_token" --name "$COMPOSE_PROJECT_NAME-agent" \
  "$image" tcp demo-upstream:3000 --server http://gateway:8080) || fail "docker run of the TCP agent"
tcp_address() { "$DOCKER" logs "$agent" 2>/dev/null | grep -o 'tcp://[^ ]*' | head -1; }
wait_for "the agent's tcp:// address" tcp_address
tcp_port=$(tcp_address); tcp_port=${tcp_port##*:}
tcp_answers() { curl -fsS --max-time 5 "http://127.0.0.1:$tcp_port/" | grep -q "came through your Porthole tunnel"; }
wait_for "the demo page through TCP port $tcp_port on the host" tcp_answers
"$DOCKER" rm -f "$agent" >/dev/null
agent=""
ok "tcp://127.0.0.1:$tcp_port"

begin "down, up: Redis data and secrets kept"
compose down || fail "docker compose down"
compose up -d || fail "docker compose up"
wait_up
[ "$(admin_key)" = "$key" ] || fail "the admin key changed across down/up"
token=$(admin_token "$key")
curl -fsS --max-time 10 "http://127.0.0.1:$AUTH_PORT/api/v1/clients/$CLIENT" -H "Authorization: Bearer $token" | grep -q "\"$CLIENT\"" \
  || fail "client $CLIENT is gone after down/up"
ok
