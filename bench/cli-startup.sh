#!/usr/bin/env bash
# Time to the first byte of output of `porthole --help`, `porthole http --help` and `porthole version`, run through the
# distribution's launcher (client-agent/target/porthole-<version>.tar.gz, unpacked into
# bench/results/dist), with the start-up cache (JDK 25 AOT cache) and without (PORTHOLE_AOT=off).
# Prints the median and the fastest of RUNS runs each, in milliseconds; and the same for plain
# `java -jar quarkus-run.jar` (the JVM's defaults, no launcher) for comparison.
#
#   bench/cli-startup.sh            (RUNS=15 bench/cli-startup.sh for more runs;
#                                    BASELINE=old/porthole-0.1.0-SNAPSHOT.tar.gz to compare with another build)
set -euo pipefail
# shellcheck source=bench/common.sh
source "$(dirname "$0")/common.sh"
runs="${RUNS:-10}"
out="$root/bench/results"; mkdir -p "$out"

tarball=$(ls client-agent/target/porthole-*.tar.gz 2>/dev/null | head -1 || true)
if [ -z "$tarball" ]; then
  mvn -B -q -DskipTests -pl client-agent -am package
  tarball=$(ls client-agent/target/porthole-*.tar.gz | head -1)
fi
rm -rf "$out/dist"; mkdir -p "$out/dist"
tar xzf "$tarball" -C "$out/dist"
launcher=$(ls -d "$out"/dist/porthole-*/bin/porthole)
# BASELINE=<another porthole-<version>.tar.gz>: measured too, taking turns with this one (e.g. main's, before a change).
baseline=
if [ -n "${BASELINE:-}" ]; then
  rm -rf "$out/baseline"; mkdir -p "$out/baseline"
  tar xzf "$BASELINE" -C "$out/baseline"
  baseline=$(ls -d "$out"/baseline/porthole-*/bin/porthole)
fi
export PORTHOLE_JAVA="$java" XDG_CACHE_HOME="$out/dist/cache"

# first_byte <runs> <label>=<command> ...: milliseconds from the start of a process to its first byte on
# standard output, for each command, the commands taking turns run by run (so a change in the machine's
# load hits all alike); prints "label|median|fastest|median CPU time" per command (user + system time of
# all its threads, which moves much less with the machine's load than the wall time). A label's command is split on
# spaces; "env:NAME=value" words in front set environment variables.
first_byte() {
  python3 - "$@" <<'PY'
import os, statistics, subprocess, sys, time
runs, specs = int(sys.argv[1]), [a.split("=", 1) for a in sys.argv[2:]]
times = {label: [] for label, _ in specs}
for _ in range(runs):
    for label, spec in specs:
        env, command = dict(os.environ), spec.split()
        while command[0].startswith("env:"):
            name, value = command.pop(0)[4:].split("=", 1)
            env[name] = value
        start = time.perf_counter()
        p = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL, env=env)
        first = p.stdout.read(1)
        t = (time.perf_counter() - start) * 1000
        p.stdout.read()
        _, status, usage = os.wait4(p.pid, 0)
        code = os.waitstatus_to_exitcode(status)
        if not first or code != 0:
            sys.exit(f"{command} printed nothing or failed ({code})")
        times[label].append((t, (usage.ru_utime + usage.ru_stime) * 1000))
for label, t in times.items():
    print(f"{label}|{statistics.median(x for x, _ in t):.0f}|{min(x for x, _ in t):.0f}|{statistics.median(c for _, c in t):.0f}")
PY
}

echo "load average: $(cut -d' ' -f1-3 /proc/loadavg), $(nproc) cores, $("$java" -version 2>&1 | head -1)"
printf '%-44s %8s %8s %8s\n' "command" "median" "fastest" "CPU"
jar="$root/$agent_jar"
for args in "--help" "http --help" "version"; do
  variants=("porthole $args (AOT cache)=$launcher $args" "porthole $args (no cache)=env:PORTHOLE_AOT=off $launcher $args"
    "java -jar quarkus-run.jar $args=$java -jar $jar $args")
  [ -n "$baseline" ] && variants+=("porthole $args (BASELINE, AOT cache)=$baseline $args")
  first_byte "$runs" "${variants[@]}" | while IFS='|' read -r label med fast cpu; do
    printf '%-44s %6s ms %6s ms %6s ms\n' "$label" "$med" "$fast" "$cpu"
  done
done
