# Shared by the bench scripts (sourced, from the repository root): the JDK, the packaged jars, ports.
[ -d /usr/lib/jvm/temurin-25-jdk-amd64 ] && export JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
java="${JAVA_HOME:+$JAVA_HOME/bin/}java"
gateway_jar=gateway-service/target/quarkus-app/quarkus-run.jar
agent_jar=client-agent/target/quarkus-app/quarkus-run.jar

# require_tools <tool>...: stops with the package to install when one is missing.
require_tools() {
  for tool in "$@"; do
    command -v "$tool" >/dev/null || { echo "bench: $tool is missing (apt-get install -y $tool)" >&2; exit 1; }
  done
}

# Builds the gateway and agent once if their packaged applications are missing.
ensure_jars() {
  if [ ! -f "$gateway_jar" ] || [ ! -f "$agent_jar" ]; then
    mvn -B -q -DskipTests -pl gateway-service,client-agent -am package
  fi
}

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
wait_port() { for _ in $(seq 1 300); do (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0; sleep 0.1; done; echo "port $1 never opened" >&2; exit 1; }
rss_mib() { awk '/VmRSS/ {printf "%d", $2/1024}' "/proc/$1/status"; }
