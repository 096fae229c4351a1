#!/usr/bin/env bash
# Start-up benchmark of the CLI (not a test): median wall time of `switchman --lockname x -- true`
# against a local ZooKeeper server, next to `flock -n /tmp/x true`. Needs hyperfine (Debian:
# apt-get install hyperfine). From the repository root:
#
#   ./mvnw -B -pl switchman-cli -am package -DskipTests
#   switchman-cli/src/test/sh/bench-startup.sh [RUNS]
set -euo pipefail
cd "$(dirname "$0")/../../.."
runs=${1:-30}
work=$(mktemp -d)
trap 'kill "$zk_pid" 2>/dev/null; rm -rf "$work"' EXIT

../mvnw -B -q dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile="$work/cp.txt" >/dev/null
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
java -cp "$(cat "$work/cp.txt")" org.apache.zookeeper.server.ZooKeeperServerMain "$port" "$work/data" \
  >"$work/zk.log" 2>&1 &
zk_pid=$!
printf '{"zkhosts": "127.0.0.1:%s", "prefix": "/bench"}\n' "$port" >"$work/switchman.conf"
for _ in $(seq 50); do
  target/switchman -c "$work/switchman.conf" --lockname x -- true 2>/dev/null && break
  sleep 0.2
done

echo "load before: $(cut -d' ' -f1-3 /proc/loadavg), $(nproc) CPUs, $(java -version 2>&1 | head -1)"
hyperfine -N -w 3 -r "$runs" --export-json "$work/bench.json" \
  "target/switchman -c $work/switchman.conf --lockname x -- true" \
  "env SWITCHMAN_CDS=off target/switchman -c $work/switchman.conf --lockname x -- true" \
  "java -jar target/switchman.jar -c $work/switchman.conf --lockname x -- true" \
  "flock -n /tmp/x true" >/dev/null
echo "load after hyperfine: $(cut -d' ' -f1-3 /proc/loadavg)"

python3 - "$work/bench.json" <<'PY'
import json, sys
for r in json.load(open(sys.argv[1]))["results"]:
    cmd = r["command"].replace(sys.argv[1].rsplit("/", 1)[0], "$work")
    cpu = (r["user"] + r["system"]) * 1000
    print(f'{r["median"]*1000:8.1f} ms median  {r["min"]*1000:7.1f} min  {r["max"]*1000:7.1f} max'
          f'  {cpu:7.1f} ms CPU (user+sys, mean)  {cmd}')
PY

# The same, interleaved (one run of each per round), which is fairer when the load changes.
for _ in $(seq "$runs"); do
  for v in cds no-cds java-jar flock; do
    t0=$(date +%s%N)
    case $v in
    cds) target/switchman -c "$work/switchman.conf" --lockname x -- true ;;
    no-cds) SWITCHMAN_CDS=off target/switchman -c "$work/switchman.conf" --lockname x -- true ;;
    java-jar) java -jar target/switchman.jar -c "$work/switchman.conf" --lockname x -- true ;;
    flock) flock -n /tmp/x true ;;
    esac
    echo "$v $((($(date +%s%N) - t0) / 1000))"
  done
done >"$work/interleaved.txt" 2>/dev/null
echo "load after interleaved: $(cut -d' ' -f1-3 /proc/loadavg)"
python3 - "$work/interleaved.txt" <<'PY'
import statistics, sys
times = {}
for line in open(sys.argv[1]):
    name, us = line.split()
    times.setdefault(name, []).append(int(us) / 1000)
for name, ms in times.items():
    print(f'{statistics.median(ms):8.1f} ms median  {min(ms):7.1f} min  {max(ms):7.1f} max'
          f'  interleaved {name} ({len(ms)} runs)')
PY
