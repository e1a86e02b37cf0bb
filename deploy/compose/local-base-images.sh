#!/usr/bin/env bash
# Prepares a Debian machine that has no Docker engine running and no image registry within reach
# for `docker compose up --build` (and deploy/compose/smoke-test.sh):
#
#   1. installs what is missing (docker.io, docker-compose, debootstrap, curl, maven) with apt-get;
#   2. starts a Docker engine if none answers (needs root): dockerd with overlay2, else vfs;
#   3. builds local stand-ins for the base images that Dockerfile and docker-compose.yml name,
#      from this machine's own sources only:
#        porthole-local/debian:bookworm  debootstrap --variant=minbase of bookworm from the Debian
#                                        mirror in this machine's apt sources
#        eclipse-temurin:25-jre          that base plus the machine's JDK 25 in /opt/java/openjdk
#        maven:3.9-eclipse-temurin-25    that plus Maven's own distribution, fetched with
#                                        `mvn dependency:copy` from the configured Maven repository
#        redis:7-alpine                  the base plus Debian's redis-server, redis-tools, busybox
#      An image that already exists is kept (delete it to rebuild), so a rerun takes seconds.
#
# On a machine that can pull images none of this is needed. Usage (as root):
#   deploy/compose/local-base-images.sh
# Then use Debian's client and Compose with BuildKit (the environment this script prints), e.g.
#   DOCKER=/usr/bin/docker COMPOSE=docker-compose deploy/compose/smoke-test.sh
# Environment: JDK (default /usr/lib/jvm/temurin-25-jdk-amd64), MAVEN_DIST_VERSION (3.9.11),
# DOCKERD_LOG (/var/log/porthole-dockerd.log).
set -euo pipefail

JDK=${JDK:-/usr/lib/jvm/temurin-25-jdk-amd64}
MAVEN_DIST_VERSION=${MAVEN_DIST_VERSION:-3.9.11}
DOCKERD_LOG=${DOCKERD_LOG:-/var/log/porthole-dockerd.log}
BASE_IMAGE=porthole-local/debian:bookworm
# Debian's docker client (20.10) drives the engine's built-in BuildKit; a newer client earlier on
# PATH would want the buildx plugin for DOCKER_BUILDKIT=1.
export DOCKER_BUILDKIT=1
DOCKER=/usr/bin/docker

say() { printf '[local-base-images] %s\n' "$*"; }
fail() { printf '[local-base-images] FAILED: %s\n' "$*" >&2; exit 1; }
elapsed() { echo "$(( $(date +%s) - started ))s"; }
started=$(date +%s)

install_missing() {
  local missing=()
  [ -x /usr/bin/docker ] && command -v dockerd >/dev/null 2>&1 || missing+=(docker.io)
  command -v docker-compose >/dev/null 2>&1 || missing+=(docker-compose)
  command -v debootstrap >/dev/null 2>&1 || missing+=(debootstrap)
  command -v curl >/dev/null 2>&1 || missing+=(curl)
  command -v mvn >/dev/null 2>&1 || missing+=(maven)
  if [ ${#missing[@]} -gt 0 ]; then
    say "installing ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  fi
}

engine_answers() { "$DOCKER" info >/dev/null 2>&1; }

start_engine() {
  if engine_answers; then
    say "Docker engine already running ($("$DOCKER" info --format '{{.Driver}}') storage)"
    return
  fi
  [ "$(id -u)" = 0 ] || fail "no Docker engine answers, and starting one needs root"
  local driver pid i
  for driver in overlay2 vfs; do
    say "starting dockerd (storage driver $driver), log in $DOCKERD_LOG"
    # setsid: the engine outlives this script (the smoke test and the user need it afterwards).
    setsid dockerd --storage-driver="$driver" >>"$DOCKERD_LOG" 2>&1 < /dev/null &
    pid=$!
    for i in $(seq 1 60); do
      engine_answers && { say "Docker engine up (pid $pid, $driver)"; return; }
      kill -0 "$pid" 2>/dev/null || break
      sleep 1
    done
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
    say "dockerd did not come up with $driver"
  done
  tail -20 "$DOCKERD_LOG" >&2
  fail "could not start a Docker engine"
}

image_exists() { "$DOCKER" image inspect "$1" >/dev/null 2>&1; }

# The Debian mirror this machine's apt uses (deb822 sources first, then the one-line format).
debian_mirror() {
  local mirror=""
  if [ -f /etc/apt/sources.list.d/debian.sources ]; then
    mirror=$(awk '
      /^$/ { if (uris != "" && suites ~ /(^| )bookworm( |$)/) { print uris; exit } uris = ""; suites = "" }
      /^URIs:/ { uris = $2 }
      /^Suites:/ { suites = substr($0, 8) }
      END { if (uris != "" && suites ~ /(^| )bookworm( |$)/) print uris }' /etc/apt/sources.list.d/debian.sources | head -1)
  fi
  if [ -z "$mirror" ] && [ -f /etc/apt/sources.list ]; then
    mirror=$(awk '$1 == "deb" && $3 == "bookworm" { print $2; exit }' /etc/apt/sources.list)
  fi
  [ -n "$mirror" ] || fail "no Debian bookworm mirror in /etc/apt/sources.list.d/debian.sources or /etc/apt/sources.list"
  echo "$mirror"
}

build() { # image, context directory (with its Dockerfile)
  say "building $1"
  "$DOCKER" build -q -t "$1" "$2" >/dev/null || fail "docker build of $1"
}

build_base() {
  image_exists "$BASE_IMAGE" && { say "$BASE_IMAGE exists"; return; }
  local root="$work/rootfs" mirror
  mirror=$(debian_mirror)
  say "debootstrap bookworm (minbase) into $root"
  debootstrap --variant=minbase bookworm "$root" "$mirror" > "$work/debootstrap.log" 2>&1 \
    || { tail -20 "$work/debootstrap.log" >&2; fail "debootstrap"; }
  rm -rf "$root"/var/cache/apt/archives/*.deb "$root"/var/lib/apt/lists/*
  tar -C "$root" -c . | "$DOCKER" import -c 'CMD ["bash"]' - "$BASE_IMAGE" >/dev/null
  rm -rf "$root"
  say "imported $BASE_IMAGE"
}

build_temurin() {
  image_exists eclipse-temurin:25-jre && { say "eclipse-temurin:25-jre exists"; return; }
  [ -x "$JDK/bin/java" ] || fail "no JDK at $JDK (set JDK=...)"
  local ctx="$work/temurin"
  mkdir -p "$ctx"
  cp -rL "$JDK" "$ctx/openjdk"
  cat > "$ctx/Dockerfile" <<EOF
FROM $BASE_IMAGE
RUN apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \\
      ca-certificates fontconfig tzdata locales && rm -rf /var/lib/apt/lists/*
ENV JAVA_HOME=/opt/java/openjdk LANG=C.UTF-8
ENV PATH=/opt/java/openjdk/bin:\$PATH
COPY openjdk /opt/java/openjdk
RUN java -version
EOF
  build eclipse-temurin:25-jre "$ctx"
  rm -rf "$ctx"
}

build_maven() {
  image_exists maven:3.9-eclipse-temurin-25 && { say "maven:3.9-eclipse-temurin-25 exists"; return; }
  local ctx="$work/maven"
  mkdir -p "$ctx"
  say "fetching Maven $MAVEN_DIST_VERSION's distribution from the configured Maven repository"
  (cd "$ctx" && mvn -B org.apache.maven.plugins:maven-dependency-plugin:3.8.1:copy \
      -Dartifact="org.apache.maven:apache-maven:$MAVEN_DIST_VERSION:tar.gz:bin" -DoutputDirectory=.) > "$work/maven.log" 2>&1 \
    || { tail -20 "$work/maven.log" >&2; fail "mvn dependency:copy of apache-maven $MAVEN_DIST_VERSION"; }
  cat > "$ctx/Dockerfile" <<EOF
FROM eclipse-temurin:25-jre
ADD apache-maven-$MAVEN_DIST_VERSION-bin.tar.gz /usr/share/
RUN ln -s /usr/share/apache-maven-$MAVEN_DIST_VERSION /usr/share/maven \\
 && ln -s /usr/share/maven/bin/mvn /usr/bin/mvn && mvn -v
ENV MAVEN_HOME=/usr/share/maven MAVEN_CONFIG=/root/.m2
CMD ["mvn"]
EOF
  build maven:3.9-eclipse-temurin-25 "$ctx"
  rm -rf "$ctx"
}

build_redis() {
  image_exists redis:7-alpine && { say "redis:7-alpine exists"; return; }
  local ctx="$work/redis"
  mkdir -p "$ctx"
  # Like the official image's entrypoint: `redis-server ...` runs as the redis user in /data, and
  # protected mode is off (the official build turns it off; other containers must connect).
  cat > "$ctx/docker-entrypoint.sh" <<'EOF'
#!/bin/sh
set -e
case "$1" in -*|*.conf) set -- redis-server "$@" ;; esac
if [ "$1" = redis-server ]; then
  shift
  set -- redis-server "$@" --protected-mode no
  if [ "$(id -u)" = 0 ]; then
    chown -R redis:redis /data
    exec setpriv --reuid=redis --regid=redis --init-groups "$@"
  fi
fi
exec "$@"
EOF
  cat > "$ctx/Dockerfile" <<EOF
FROM $BASE_IMAGE
RUN apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \\
      redis-server redis-tools busybox && rm -rf /var/lib/apt/lists/* \\
 && mkdir /data && chown redis:redis /data
COPY docker-entrypoint.sh /usr/local/bin/docker-entrypoint.sh
RUN chmod 755 /usr/local/bin/docker-entrypoint.sh
WORKDIR /data
VOLUME /data
EXPOSE 6379
ENTRYPOINT ["docker-entrypoint.sh"]
CMD ["redis-server"]
EOF
  build redis:7-alpine "$ctx"
  rm -rf "$ctx"
}

install_missing
start_engine
work=$(mktemp -d /var/tmp/porthole-base-images.XXXXXX)
cleanup() {
  # A failed debootstrap can leave /proc or /sys mounted in the root file system: unmount first.
  local mounts
  mounts=$(findmnt -rn -o TARGET | grep "^$work/" | sort -r) || true
  [ -z "$mounts" ] || xargs -r -n1 umount -l <<<"$mounts"
  rm -rf "$work"
}
trap cleanup EXIT
build_base
build_temurin
build_maven
build_redis
say "done in $(elapsed); build with: DOCKER_BUILDKIT=1 COMPOSE_DOCKER_CLI_BUILD=1 docker-compose (client $DOCKER)"
