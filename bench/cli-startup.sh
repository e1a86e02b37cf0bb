#!/usr/bin/env bash
# Time to the first byte of output of `porthole --help` and `porthole version`, run through the
# distribution's launcher (client-agent/target/porthole-<version>.tar.gz, unpacked into
# bench/results/dist), with the start-up cache (JDK 25 AOT cache) and without (PORTHOLE_AOT=off).
# Prints the median and the fastest of RUNS runs each, in milliseconds; and the same for plain
# `java -jar quarkus-run.jar` (the JVM's defaults, no launcher) for comparison.
#
#   bench/cli-startup.sh            (RUNS=15 bench/cli-startup.sh for more runs)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
runs="${RUNS:-10}"
out="$root/bench/results"; mkdir -p "$out"

# shellcheck source=bench/common.sh
source bench/common.sh
tarball=$(ls client-agent/target/porthole-*.tar.gz 2>/dev/null | head -1 || true)
if [ -z "$tarball" ]; then
  mvn -B -q -DskipTests -pl client-agent -am package
  tarball=$(ls client-agent/target/porthole-*.tar.gz | head -1)
fi
rm -rf "$out/dist"; mkdir -p "$out/dist"
tar xzf "$tarball" -C "$out/dist"
launcher=$(ls -d "$out"/dist/porthole-*/bin/porthole)
export PORTHOLE_JAVA="$java" XDG_CACHE_HOME="$out/dist/cache"

# first_byte <runs> <command>...: milliseconds from the start of the process to its first byte on
# standard output; prints "median fastest".
first_byte() {
  python3 - "$@" <<'PY'
import os, statistics, subprocess, sys, time
runs, command = int(sys.argv[1]), sys.argv[2:]
times = []
for _ in range(runs):
    start = time.perf_counter()
    p = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL)
    first = p.stdout.read(1)
    t = (time.perf_counter() - start) * 1000
    p.stdout.read(); p.wait()
    if not first or p.returncode != 0:
        sys.exit(f"{command} printed nothing or failed ({p.returncode})")
    times.append(t)
print(f"{statistics.median(times):.0f} {min(times):.0f}")
PY
}

echo "load average: $(cut -d' ' -f1-3 /proc/loadavg), $(nproc) cores, $("$java" -version 2>&1 | head -1)"
printf '%-34s %8s %8s\n' "command" "median" "fastest"
for args in "--help" "version"; do
  # shellcheck disable=SC2086 # $args: one or two words on purpose
  read -r med fast < <(first_byte "$runs" "$launcher" $args)
  printf '%-34s %6s ms %6s ms\n' "porthole $args (AOT cache)" "$med" "$fast"
  read -r med fast < <(PORTHOLE_AOT=off first_byte "$runs" "$launcher" $args)
  printf '%-34s %6s ms %6s ms\n' "porthole $args (no cache)" "$med" "$fast"
  read -r med fast < <(first_byte "$runs" "$java" -jar "$root/$agent_jar" $args)
  printf '%-34s %6s ms %6s ms\n' "java -jar quarkus-run.jar $args" "$med" "$fast"
done
