#!/usr/bin/env bash
# Start-up benchmark of the CLI (not a test): wall time and CPU time (user + system of the process
# and the children it waited for) of `switchman --lockname x -- true` against a local ZooKeeper
# server, interleaved (one run of each variant per round, so that a changing load hits all alike):
#
#   java17-cds    the launcher on Java 17 with its AppCDS archive
#   java25-aot    the launcher on Java 25 with its ahead-of-time cache (JEP 483/514)
#   java17-plain  the launcher on Java 17, SWITCHMAN_CDS=off
#   java25-plain  the launcher on Java 25, SWITCHMAN_CDS=off
#   jvm17, jvm25  `java -version` with the launcher's flags: the JVM's own start
#   flock         `flock -n FILE true`: the floor of any locking wrapper
#   perl-1.16     switchman 1.16 itself, when SWITCHMAN_PERL names it (same config file)
#   base17-cds, base25-aot  another build's launcher with its cache, when SWITCHMAN_BASELINE names
#                 it (e.g. main's target/switchman, to compare a change in one interleaved run)
#
# Needs only python3 besides the JDKs. From the repository root:
#
#   ./mvnw -B -pl switchman-cli -am package -DskipTests
#   switchman-cli/src/test/sh/bench-startup.sh [ROUNDS]
#
# JAVA17 and JAVA25 (JDK homes) default to /usr/lib/jvm/java-17-openjdk-amd64 and
# /usr/lib/jvm/temurin-25-jdk-amd64; a variant whose JDK is missing is left out.
set -euo pipefail
cd "$(dirname "$0")/../../.."
rounds=${1:-30}
java17=${JAVA17:-/usr/lib/jvm/java-17-openjdk-amd64}
java25=${JAVA25:-/usr/lib/jvm/temurin-25-jdk-amd64}
work=$(mktemp -d)
zk_pid=
trap '[ -n "$zk_pid" ] && kill "$zk_pid" 2>/dev/null; rm -rf "$work"' EXIT

# The server's class path (the last module of the reactor, switchman-cli, writes it last)
(cd .. && ./mvnw -B -q -o -pl switchman-cli -am dependency:build-classpath \
  -Dmdep.includeScope=test -Dmdep.outputFile="$work/cp.txt" >/dev/null)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
"$java17/bin/java" -cp "$(cat "$work/cp.txt")" org.apache.zookeeper.server.ZooKeeperServerMain \
  "$port" "$work/data" >"$work/zk.log" 2>&1 &
zk_pid=$!
printf '{"zkhosts": "127.0.0.1:%s", "prefix": "/bench"}\n' "$port" >"$work/switchman.conf"

# Each launcher's cache is made by its first run (a training run of a few seconds); the caches
# live in the user's cache at the jar's path (here a fresh one in $work): switchman.jsa (Java 17)
# and switchman.aot (Java 25).
export XDG_CACHE_HOME=$work/cache
caches=$XDG_CACHE_HOME/switchman$PWD/target
for home in "$java17" "$java25"; do
  [ -x "$home/bin/java" ] || continue
  for launcher in target/switchman ${SWITCHMAN_BASELINE:+"$SWITCHMAN_BASELINE"}; do
    for _ in $(seq 50); do
      JAVA_HOME=$home "$launcher" -c "$work/switchman.conf" --lockname x -- true 2>/dev/null && break
      sleep 0.2
    done
  done
done
ls -l "$caches/switchman.jsa" "$caches/switchman.aot" 2>/dev/null | sed 's/^/cache: /'

python3 - "$rounds" "$work" "$java17" "$java25" <<'PY'
import os, statistics, subprocess, sys, time
rounds, work, j17, j25 = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
conf = f"{work}/switchman.conf"
job = ["target/switchman", "-c", conf, "--lockname", "x", "--", "true"]
flags = ["-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-XX:-UsePerfData"]
variants = {}
for name, home in (("17", j17), ("25", j25)):
    if os.access(f"{home}/bin/java", os.X_OK):
        cache = "cds" if name == "17" else "aot"
        variants[f"java{name}-{cache}"] = (job, {"JAVA_HOME": home})
        if os.environ.get("SWITCHMAN_BASELINE"):
            base = [os.environ["SWITCHMAN_BASELINE"], *job[1:]]
            variants[f"base{name}-{cache}"] = (base, {"JAVA_HOME": home})
        variants[f"java{name}-plain"] = (job, {"JAVA_HOME": home, "SWITCHMAN_CDS": "off"})
        variants[f"jvm{name}"] = ([f"{home}/bin/java", *flags, "-version"], {})
variants["flock"] = (["flock", "-n", f"{work}/x", "true"], {})
if os.environ.get("SWITCHMAN_PERL"):
    variants["perl-1.16"] = ([os.environ["SWITCHMAN_PERL"], "-c", conf, "--lockname", "x", "--", "true"], {})

def once(cmd, env):
    e = dict(os.environ, **env)
    t0 = time.monotonic()
    p = subprocess.Popen(cmd, env=e, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, ru = os.wait4(p.pid, 0)
    wall = time.monotonic() - t0
    p.returncode = os.waitstatus_to_exitcode(status)
    if p.returncode != 0:
        raise SystemExit(f"{cmd} exited {p.returncode}")
    return wall * 1000, (ru.ru_utime + ru.ru_stime) * 1000

for name, (cmd, env) in variants.items():  # warm-up
    for _ in range(3):
        once(cmd, env)
wall = {n: [] for n in variants}
cpu = {n: [] for n in variants}
load0 = open("/proc/loadavg").read().split()[:3]
for _ in range(rounds):
    for name, (cmd, env) in variants.items():
        w, c = once(cmd, env)
        wall[name].append(w)
        cpu[name].append(c)
load1 = open("/proc/loadavg").read().split()[:3]
print(f"{rounds} rounds interleaved, load {' '.join(load0)} -> {' '.join(load1)}, {os.cpu_count()} CPUs")
print("| variant | wall median ms | wall min ms | wall p90 ms | CPU median ms (user+sys) |")
print("| --- | --- | --- | --- | --- |")
for name in variants:
    ws, cs = sorted(wall[name]), sorted(cpu[name])
    p90 = ws[min(len(ws) - 1, int(len(ws) * 0.9))]
    print(f"| {name} | {statistics.median(ws):.1f} | {ws[0]:.1f} | {p90:.1f} | {statistics.median(cs):.1f} |")
PY
