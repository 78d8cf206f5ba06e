#!/usr/bin/env bash
# Many clients at once: netlab's file server against nginx, in one run, on 127.0.0.1.
#
#   benchmarks/load.sh [SIZE_MIB] [ROUNDS] [N...]        (defaults: 100 MiB, 3 rounds, N = 1 10 50)
#
# For each N, round after round (netlab then nginx, the order swapped every round):
#   netlab  N concurrent fetches through the real client code in one JVM (io.netlab.bench.LoadDriver, 1 MiB blocks,
#           each verified with CRC-32C against the server's END frame — DIGEST=none: size only, so the server uses
#           sendfile as nginx does; an uncounted first round warms that JVM)
#           from `java -jar netlab-server.jar`
#   nginx   N parallel `curl -o /dev/null` from nginx (worker_processes auto, sendfile on); curl checks the size only
# It reports the median aggregate MiB/s (N x size / wall time), the median p50 and p99 of the per-transfer times,
# the netlab/nginx ratio, and each server's peak RSS over the whole run (VmHWM; nginx: the largest worker), and
# writes benchmarks/results/load.csv and benchmarks/results/load.md. Only 127.0.0.1; every loop is bounded.
# PIN=1 runs both servers on CPU 0 and every client (LoadDriver, the curls) on CPU 1 (taskset), so that the clients'
# work is not counted against the server: the results go to load-pinned.md (load-none-pinned.md with DIGEST=none).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(dirname "$here")
size_mib=${1:-100}
rounds=${2:-3}
shift $(( $# >= 2 ? 2 : $# ))
ns=("$@"); [ ${#ns[@]} -gt 0 ] || ns=(1 10 50)
results="$here/results"
tag=${DIGEST:+-$DIGEST}
srv_pin=(); cli_pin=()
if [ "${PIN:-0}" = 1 ]; then
  command -v taskset >/dev/null || { echo "PIN=1 needs taskset (util-linux)" >&2; exit 2; }
  srv_pin=(taskset -c 0); cli_pin=(taskset -c 1); tag="$tag-pinned"
fi
mkdir -p "$results"

need=()
command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || need+=(nginx-light)
command -v curl >/dev/null || need+=(curl)
if [ ${#need[@]} -gt 0 ]; then
  echo "installing ${need[*]} from Debian packages"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
fi
NGINX=$(command -v nginx || echo /usr/sbin/nginx)
if [ ! -f "$top/netlab-server/target/netlab-server.jar" ] || [ ! -f "$here/target/benchmarks.jar" ]; then
  (cd "$top" && mvn -B -q -DskipTests package)
fi

work=$(mktemp -d /tmp/netlab-load.XXXXXX)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  [ -f "$work/nginx.pid" ] && kill "$(cat "$work/nginx.pid")" 2>/dev/null || true
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
mkdir -p "$work/root" "$work/nginx-tmp"
chmod 755 "$work"
head -c $((size_mib * 1048576)) /dev/urandom >"$work/root/big.bin"
chmod 644 "$work/root/big.bin"
size=$((size_mib * 1048576))

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
"${srv_pin[@]}" java -jar "$top/netlab-server/target/netlab-server.jar" 0 --root "$work/root" --bind 127.0.0.1 \
  --max-connections-per-client 1024 >"$work/netlab.log" 2>&1 &
netlab_pid=$!; pids+=("$netlab_pid")
for _ in $(seq 1 200); do grep -qs 'listening on' "$work/netlab.log" && break; sleep 0.05; done
NP=$(grep -o 'listening on [0-9.]*:[0-9]*' "$work/netlab.log" | grep -o '[0-9]*$')

GP=$(free_port)
cat >"$work/nginx.conf" <<CONF
worker_processes auto;
pid $work/nginx.pid;
error_log $work/nginx-error.log;
daemon on;
events { worker_connections 1024; }
http {
  access_log off;
  sendfile on;
  tcp_nopush on;
  client_body_temp_path $work/nginx-tmp;
  proxy_temp_path $work/nginx-tmp;
  fastcgi_temp_path $work/nginx-tmp;
  uwsgi_temp_path $work/nginx-tmp;
  scgi_temp_path $work/nginx-tmp;
  server { listen 127.0.0.1:$GP; root $work/root; }
}
CONF
"${srv_pin[@]}" "$NGINX" -c "$work/nginx.conf" -e "$work/nginx-error.log" 2>/dev/null || "${srv_pin[@]}" "$NGINX" -c "$work/nginx.conf"
for _ in $(seq 1 100); do curl -s -o /dev/null "http://127.0.0.1:$GP/" && break; sleep 0.05; done

# netlab N: one LoadDriver run; prints "wall_ms p50_ms p99_ms"
run_netlab() {
  local line
  # benchmarks.jar carries logback for JMH without a configuration: keep only the result line
  line=$(timeout 600 "${cli_pin[@]}" java -cp "$here/target/benchmarks.jar" io.netlab.bench.LoadDriver 127.0.0.1 "$NP" big.bin "$1" \
    1048576 "${DIGEST:-crc32c}" 2>"$work/driver.err" | grep '^n=' || true)
  echo "$line" | grep -q 'failures=0' || { echo "netlab: $line" >&2; exit 1; }
  echo "$line" | sed -E 's/.*wall_ms=([0-9]+).*p50_ms=([0-9]+) p99_ms=([0-9]+).*/\1 \2 \3/'
}
# nginx N: N parallel curls; prints "wall_ms p50_ms p99_ms"
run_nginx() {
  local n=$1 t0 t1 i curls=()
  rm -f "$work"/curl.*
  t0=$(date +%s%N)
  for i in $(seq 1 "$n"); do
    timeout 600 "${cli_pin[@]}" curl -sf -o /dev/null -w '%{size_download} %{time_total}\n' "http://127.0.0.1:$GP/big.bin" >"$work/curl.$i" &
    curls+=("$!")
  done
  for i in "${curls[@]}"; do wait "$i" || { echo "nginx: a curl failed" >&2; exit 1; }; done
  t1=$(date +%s%N)
  if awk -v s="$size" '$1 != s { bad = 1 } END { exit bad }' "$work"/curl.*; then :; else echo "nginx: a short download" >&2; exit 1; fi
  python3 - "$(( (t1 - t0) / 1000000 ))" "$work"/curl.* <<'PY'
import math, sys
wall = int(sys.argv[1])
t = sorted(float(open(f).read().split()[1]) * 1000 for f in sys.argv[2:])
pct = lambda p: t[max(0, min(len(t) - 1, math.ceil(p / 100 * len(t)) - 1))]
print(wall, round(pct(50)), round(pct(99)))
PY
}

csv="$results/load$tag.csv"
echo "server,n,round,wall_ms,aggregate_mib_s,p50_ms,p99_ms" >"$csv"
run_netlab 1 >/dev/null; run_nginx 1 >/dev/null      # warm-up, not counted
for n in "${ns[@]}"; do
  for round in $(seq 1 "$rounds"); do
    order=(netlab nginx); [ $((round % 2)) -eq 0 ] && order=(nginx netlab)
    for server in "${order[@]}"; do
      read -r wall p50 p99 < <("run_$server" "$n")
      agg=$(python3 -c "print(round($n * $size_mib / ($wall / 1000), 1))")
      echo "n=$n round $round $server: $agg MiB/s aggregate, p50 ${p50} ms, p99 ${p99} ms"
      echo "$server,$n,$round,$wall,$agg,$p50,$p99" >>"$csv"
    done
  done
done
netlab_hwm=$(awk '/VmHWM/ {print $2}' /proc/"$netlab_pid"/status)
nginx_hwm=0
for p in $(pgrep -f "nginx: worker process" || true); do
  h=$(awk '/VmHWM/ {print $2}' /proc/"$p"/status 2>/dev/null || echo 0); [ "${h:-0}" -gt "$nginx_hwm" ] && nginx_hwm=$h
done

python3 - "$csv" "$size_mib" "$rounds" "$netlab_hwm" "$nginx_hwm" <<'PY' | tee "$results/load$tag.md"
import csv, statistics, sys, datetime, os, platform
rows = list(csv.DictReader(open(sys.argv[1])))
size, rounds, nh, gh = sys.argv[2], sys.argv[3], int(sys.argv[4]), int(sys.argv[5])
model = next((l.split(':', 1)[1].strip() for l in open('/proc/cpuinfo') if l.startswith('model name')), '?')
print(f"Load run of {datetime.date.today()} on {os.cpu_count()} cores ({model}), kernel {platform.release()}: "
      f"{size} MiB file, medians of {rounds} interleaved rounds, benchmarks/load.sh"
      + (" with PIN=1: both servers on CPU 0, all clients on CPU 1" if os.environ.get('PIN') == '1' else "") + ".\n")
print("| N | netlab MiB/s | nginx MiB/s | netlab/nginx | netlab p50 / p99 ms | nginx p50 / p99 ms |")
print("|---|---|---|---|---|---|")
for n in sorted({int(r['n']) for r in rows}):
    m = lambda s, k: statistics.median(float(r[k]) for r in rows if r['server'] == s and int(r['n']) == n)
    a, b = m('netlab', 'aggregate_mib_s'), m('nginx', 'aggregate_mib_s')
    print(f"| {n} | {a:.0f} | {b:.0f} | {a / b:.2f}x | {m('netlab', 'p50_ms'):.0f} / {m('netlab', 'p99_ms'):.0f} "
          f"| {m('nginx', 'p50_ms'):.0f} / {m('nginx', 'p99_ms'):.0f} |")
print(f"\nPeak RSS over the run: netlab server {nh / 1024:.0f} MiB (one JVM, default heap), nginx {gh / 1024:.0f} MiB "
      f"(largest worker). netlab's clients verify {os.environ.get('DIGEST') or 'crc32c'} (crc32c: a CRC-32C digest of every byte, "
      f"so the server reads and digests; none: the size only, and the server uses sendfile); curl checks the size only.")
PY
