#!/bin/sh
# One-shot container of docker-compose.yml: writes the secrets the services share into the
# "secrets" volume, so that `docker compose up` works from a fresh clone without baking any secret
# into an image. A value given in the environment (.env) is used as is; otherwise one is generated
# the first time and kept in the volume. The services read the file through QUARKUS_CONFIG_LOCATIONS;
# a variable set in their own environment still wins over it.
set -eu
file=/porthole-secrets/secrets.properties
random_hex() { head -c "$1" /dev/urandom | od -An -tx1 | tr -d ' \n'; }
kept() { [ -f "$file" ] && sed -n "s/^$1=//p" "$file" | head -1; }
pick() { # property, value from the environment
  if [ -n "$2" ]; then echo "$2"; elif [ -n "$(kept "$1")" ]; then kept "$1"; else echo "$3"; fi
}
internal=$(pick porthole.internal.token "${PORTHOLE_INTERNAL_TOKEN:-}" "$(random_hex 16)")
admin=$(pick porthole.admin.key "${PORTHOLE_ADMIN_KEY:-}" "$(random_hex 24)")
# Static tokens: the ones given, else one generated for the demo agent (docker compose --profile demo).
static=$(pick porthole.auth.static-tokens "${PORTHOLE_AUTH_STATIC_TOKENS:-}" "demo-$(random_hex 16)")
umask 077
cat > "$file.new" <<PROPERTIES
# Written by init-secrets (docker-compose.yml); delete the volume to get new ones.
porthole.internal.token=$internal
porthole.admin.key=$admin
porthole.auth.static-tokens=$static
PROPERTIES
mv "$file.new" "$file"
# The services run as uid 10001; only they (and root) may read it.
chown 10001 "$file"
echo "init-secrets: shared secrets are in the volume 'secrets' (secrets.properties);" \
  "read the admin key with: docker compose exec auth-service cat /porthole-secrets/secrets.properties"
