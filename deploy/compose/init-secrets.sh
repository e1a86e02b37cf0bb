#!/bin/sh
# One-shot container of docker-compose.yml: writes the secrets the services share into the
# "secrets" volume, so that `docker compose up` works from a fresh clone without baking any secret
# into an image. A value given in the environment (.env) is used as is; otherwise one is generated
# the first time and kept in the volume.
#
# Each service gets a file with only the settings it reads (<module>.properties, read through
# QUARKUS_CONFIG_LOCATIONS; a service refuses a file that names settings it does not have), and
# the demo agent gets its token in agent-token. A variable set in a service's own environment
# still wins over its file.
set -eu
dir=${SECRETS_DIR:-/porthole-secrets}
random_hex() { head -c "$1" /dev/urandom | od -An -tx1 | tr -d ' \n'; }
kept() { [ -f "$dir/auth-service.properties" ] && sed -n "s/^$1=//p" "$dir/auth-service.properties" | head -1; }
pick() { # property, value from the environment, generated value
  if [ -n "$2" ]; then echo "$2"; elif [ -n "$(kept "$1")" ]; then kept "$1"; else echo "$3"; fi
}
internal=$(pick porthole.internal.token "${PORTHOLE_INTERNAL_TOKEN:-}" "$(random_hex 16)")
admin=$(pick porthole.admin.key "${PORTHOLE_ADMIN_KEY:-}" "$(random_hex 24)")
# Static tokens: the ones given, else one generated for the demo agent (docker compose --profile demo).
static=$(pick porthole.auth.static-tokens "${PORTHOLE_AUTH_STATIC_TOKENS:-}" "demo-$(random_hex 16)")
# Redis's ACL user "porthole": every service logs in with it (QUARKUS_REDIS_HOSTS names the user).
redis_password=$(pick quarkus.redis.password "${QUARKUS_REDIS_PASSWORD:-}" "$(random_hex 24)")

umask 077
write() { # file, then its lines
  file="$dir/$1"; shift
  printf '%s\n' "$@" > "$file.new"
  mv "$file.new" "$file"
  # The services run as uid 10001; only they (and root) may read it.
  chown 10001 "$file" 2>/dev/null || true
}
note="# Written by init-secrets (docker-compose.yml); delete the volume to get new ones."
write auth-service.properties "$note" "porthole.internal.token=$internal" "porthole.admin.key=$admin" "porthole.auth.static-tokens=$static" \
  "quarkus.redis.password=$redis_password"
write gateway-service.properties "$note" "porthole.internal.token=$internal" "quarkus.redis.password=$redis_password"
write notification-service.properties "$note" "porthole.admin.key=$admin" "quarkus.redis.password=$redis_password"
# Redis reads its users from this file as its own user, so the file holds the password's SHA-256
# only ('#<hex>') and is readable by all; the password itself is for the health check (root).
write redis-users.acl "user default off" "user porthole on #$(printf %s "$redis_password" | sha256sum | cut -d' ' -f1) ~* &* +@all"
chmod 644 "$dir/redis-users.acl"
write redis-password "$redis_password"
chown 0 "$dir/redis-password" 2>/dev/null || true
write agent-token "${static%%,*}"
echo "init-secrets: secrets are in the volume 'secrets'; read the admin key with:" \
  "docker compose exec auth-service cat /porthole-secrets/auth-service.properties"
