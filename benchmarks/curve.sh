#!/usr/bin/env bash
# Time against size: how long one whole fetch takes, client process start to exit, from 1 KiB to 1 GiB.
#
#   benchmarks/curve.sh [SIZES] [ROUNDS]
#   SIZES=1K,1M,10M ROUNDS=3 benchmarks/curve.sh          (the same, through the environment)
#
# SIZES is a comma-separated list of 1K 1M 10M 100M 1G (default: all five); ROUNDS the counted rounds (default 5),
# run after one warm-up round that is not counted. RESTARTS (default 5) is how often the netlab server is started
# afresh for the first-fetch-against-tenth-fetch measurement; RESTARTS=0 skips it. Every run fetches over
# 127.0.0.1 into a new file (deleted before the run, dirty pages flushed by `sync` outside the timing), and every
# received file is checked for size and cksum. The tools, whose order rotates every round:
#   netlab-jar-1k   java -jar netlab-client.jar, the lab's 1024-byte blocks
#   netlab-cds-1k   bin/netlab-client (AppCDS archive, C1 only, serial GC), 1024-byte blocks
#   netlab-cds-1m   bin/netlab-client --block-size 1048576 (the server answers with sendfile)
#   python-1k       benchmarks/python/TCPclient.py against TCPserver.py, 1024-byte blocks
#   nc              netcat-openbsd: `nc -N -l` sending the file, `nc -d` receiving it into a file
#   nginx+curl      nginx (1 worker, sendfile on) and curl -o
# Each run records the wall time of the client process (date +%s%N around it) and its peak RSS
# (/usr/bin/time -f '%e %M'). Writes benchmarks/results/curve.csv, curve-first.csv and curve.md, and, through
# benchmarks/curve_chart.py (Debian's python3-matplotlib), docs/curve.png. Exits 1 when any copy was wrong.
# Only 127.0.0.1 is used; every loop is bounded and every client run is cut off after RUN_TIMEOUT seconds (600).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(dirname "$here")
sizes_arg=${1:-${SIZES:-1K,1M,10M,100M,1G}}
rounds=${2:-${ROUNDS:-5}}
restarts=${RESTARTS:-5}
run_timeout=${RUN_TIMEOUT:-600}
results="$here/results"
mkdir -p "$results" "$top/docs"

case $rounds in ''|*[!0-9]*) echo "ROUNDS: $rounds (expected: a whole number)" >&2; exit 2 ;; esac
case $restarts in ''|*[!0-9]*) echo "RESTARTS: $restarts (expected: a whole number)" >&2; exit 2 ;; esac
# size label -> bytes
bytes_of() {
  case $1 in
    1K) echo 1024 ;; 1M) echo 1048576 ;; 10M) echo 10485760 ;; 100M) echo 104857600 ;; 1G) echo 1073741824 ;;
    *) echo "size: $1 (expected: 1K, 1M, 10M, 100M or 1G)" >&2; return 1 ;;
  esac
}
IFS=, read -r -a sizes <<<"$sizes_arg"
[ ${#sizes[@]} -gt 0 ] || { echo "no sizes given" >&2; exit 2; }
for s in "${sizes[@]}"; do bytes_of "$s" >/dev/null || exit 2; done

need=()
command -v nc >/dev/null || need+=(netcat-openbsd)
command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || need+=(nginx-light)
command -v curl >/dev/null || need+=(curl)
command -v python3 >/dev/null || [ -x /usr/bin/python3 ] || need+=(python3)
[ -x /usr/bin/time ] || need+=(time)
# the chart: matplotlib from Debian, for Debian's python3
/usr/bin/python3 -c 'import matplotlib' 2>/dev/null || need+=(python3-matplotlib)
if [ ${#need[@]} -gt 0 ]; then
  echo "installing ${need[*]} from Debian packages"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
fi
NGINX=$(command -v nginx || echo /usr/sbin/nginx)
# One interpreter for the Python lab, named in the report: Debian's own when it is there. A version manager's shim
# (pyenv) on the PATH would add its own start-up (about 70 ms here) to every 1 KiB fetch of the Python client.
PY=${PYTHON:-}
if [ -z "$PY" ]; then
  if [ -x /usr/bin/python3 ]; then PY=/usr/bin/python3; else PY=$(python3 -c 'import sys; print(sys.executable)'); fi
fi

if [ ! -f "$top/netlab-server/target/netlab-server.jar" ] || [ ! -f "$top/netlab-client/target/netlab-client.jar" ]; then
  (cd "$top" && mvn -B -q -DskipTests package)
fi
SERVER_JAR="$top/netlab-server/target/netlab-server.jar"
CLIENT_JAR="$top/netlab-client/target/netlab-client.jar"
CLIENT="$top/bin/netlab-client"     # java -jar netlab-client.jar with an AppCDS archive (made on its first run)

work=$(mktemp -d "${TMPDIR:-/tmp}/netlab-curve.XXXXXX")
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  [ -f "$work/nginx.pid" ] && kill "$(cat "$work/nginx.pid")" 2>/dev/null || true
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

mkdir -p "$work/root" "$work/out"
chmod 755 "$work"   # nginx workers run as an unprivileged user
declare -A sum_of
for s in "${sizes[@]}"; do
  b=$(bytes_of "$s")
  echo "creating a $s random file"
  head -c "$b" /dev/urandom >"$work/root/f$s.bin"
  chmod 644 "$work/root/f$s.bin"
  sum_of[$s]=$(cksum <"$work/root/f$s.bin")
done

free_port() { "$PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
# wait_port PORT: waits until something listens on 127.0.0.1:PORT, without connecting (nc -l accepts only once)
wait_port() {
  local hex; hex=$(printf ':%04X ' "$1")
  for _ in $(seq 1 400); do grep -q "0100007F$hex.* 0A " /proc/net/tcp && return; sleep 0.025; done
  echo "port $1 never opened" >&2; exit 1
}
# start_netlab LOG: starts a netlab file server on a free port; sets netlab_pid and NP
start_netlab() {
  java -jar "$SERVER_JAR" 0 --root "$work/root" --bind 127.0.0.1 >"$1" 2>&1 &
  netlab_pid=$!; pids+=("$netlab_pid")
  for _ in $(seq 1 400); do grep -q 'listening on' "$1" && break; sleep 0.025; done
  NP=$(grep -o 'listening on [0-9.]*:[0-9]*' "$1" | grep -o '[0-9]*$') || { echo "netlab server did not start: $(cat "$1")" >&2; exit 1; }
}

start_netlab "$work/netlab.log"

# nginx, one worker, sendfile on
GP=$(free_port)
cat >"$work/nginx.conf" <<EOF
worker_processes 1;
pid $work/nginx.pid;
error_log $work/nginx-error.log;
daemon on;
events { worker_connections 64; }
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
EOF
"$NGINX" -c "$work/nginx.conf" -e "$work/nginx-error.log" 2>/dev/null || "$NGINX" -c "$work/nginx.conf"
wait_port "$GP"

# the Python lab server, run from the served directory
PP=$(free_port)
(cd "$work/root" && exec "$PY" "$here/python/TCPserver.py" "$PP" 127.0.0.1) >"$work/python.log" 2>&1 &
pids+=("$!")
wait_port "$PP"

# make sure bin/netlab-client's class-data archive exists before anything is timed
"$CLIENT" -q "127.0.0.1:$NP:f${sizes[0]}.bin" "$work/out/prime.bin" >/dev/null
rm -f "$work/out/prime.bin"

# run TOOL SIZE: one fetch into a new file; prints "seconds rss_kib ok|fail"
run() {
  local tool=$1 size=$2 out="$work/out/copy.bin" name="f$2.bin" sender=
  rm -f "$out"; sync
  local cmd=()
  case $tool in
    netlab-jar-1k) cmd=(java -jar "$CLIENT_JAR" -q --block-size 1024 "127.0.0.1:$NP:$name" "$out") ;;
    netlab-cds-1k) cmd=("$CLIENT" -q --block-size 1024 "127.0.0.1:$NP:$name" "$out") ;;
    netlab-cds-1m) cmd=("$CLIENT" -q --block-size 1048576 "127.0.0.1:$NP:$name" "$out") ;;
    python-1k) cmd=("$PY" "$here/python/TCPclient.py" "127.0.0.1:$PP:$name" "$out") ;;
    nc)
      local port; port=$(free_port)
      timeout "$run_timeout" nc -N -l 127.0.0.1 "$port" <"$work/root/$name" & sender=$!
      wait_port "$port"
      cmd=(nc -d 127.0.0.1 "$port") ;;
    nginx+curl) cmd=(curl -sf -o "$out" "http://127.0.0.1:$GP/$name") ;;
  esac
  local t0 t1 rc=0
  t0=$(date +%s%N)
  if [ "$tool" = nc ]; then
    timeout "$run_timeout" /usr/bin/time -f '%e %M' -o "$work/time" "${cmd[@]}" >"$out" 2>"$work/err" || rc=$?
  else
    timeout "$run_timeout" /usr/bin/time -f '%e %M' -o "$work/time" "${cmd[@]}" >/dev/null 2>"$work/err" || rc=$?
  fi
  t1=$(date +%s%N)
  if [ -n "$sender" ]; then kill "$sender" 2>/dev/null || true; wait "$sender" 2>/dev/null || true; fi
  local ok=ok
  if [ "$rc" -ne 0 ]; then
    ok=fail; echo "$tool $size: exit $rc: $(grep -v 'Command exited' "$work/err" | head -3)" >&2
  elif [ ! -f "$out" ] || [ "$(stat -c %s "$out")" != "$(bytes_of "$size")" ] || [ "$(cksum <"$out")" != "${sum_of[$size]}" ]; then
    ok=fail; echo "$tool $size: the copy differs from the original" >&2
  fi
  # GNU time's %M: the peak RSS of the client process itself (timeout runs outside it and, when the time is up,
  # signals the whole process group)
  local rss; rss=$(tail -1 "$work/time" 2>/dev/null | awk '{print $2}')
  echo "$(( (t1 - t0) / 1000 )) ${rss:-0} $ok"
  rm -f "$out"
}

tools=(netlab-jar-1k netlab-cds-1k netlab-cds-1m python-1k nc nginx+curl)
nproc_=$(nproc)
cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//; s/,/ /g')
kernel=$(uname -r)
today=$(date +%F)
csv="$results/curve.csv"
echo "date,nproc,cpu,kernel,tool,size,bytes,round,seconds,rss_kib,status" >"$csv"
failures=0
for round in $(seq 0 "$rounds"); do
  for si in "${!sizes[@]}"; do
    size=${sizes[$si]}
    # rotate the order every round (and per size), so that no tool always follows the same one
    k=$(( (round + si) % ${#tools[@]} ))
    order=("${tools[@]:$k}" "${tools[@]:0:$k}")
    for tool in "${order[@]}"; do
      read -r us rss ok < <(run "$tool" "$size")
      secs=$(awk -v u="$us" 'BEGIN { printf "%.4f", u / 1e6 }')
      if [ "$ok" != ok ]; then failures=$((failures + 1)); fi
      if [ "$round" -eq 0 ]; then
        echo "warm-up  $size $tool: ${secs} s ($ok)"
      else
        echo "round $round  $size $tool: ${secs} s, RSS $((rss / 1024)) MiB ($ok)"
        echo "$today,$nproc_,$cpu,$kernel,$tool,$size,$(bytes_of "$size"),$round,$secs,$rss,$ok" >>"$csv"
      fi
    done
  done
done

# the first fetch from a just-started netlab server against its tenth (bin/netlab-client, 1 KiB file); each
# server is started, waited for ('listening on' in its log), then asked ten times, then stopped
first_csv="$results/curve-first.csv"
echo "date,restart,fetch,seconds,status" >"$first_csv"
if [ "$restarts" -gt 0 ]; then
  head -c 1024 /dev/urandom >"$work/root/first.bin"; chmod 644 "$work/root/first.bin"
  for r in $(seq 1 "$restarts"); do
    start_netlab "$work/netlab-$r.log"
    for i in $(seq 1 10); do
      rm -f "$work/out/first.bin"
      t0=$(date +%s%N); rc=0
      timeout "$run_timeout" "$CLIENT" -q "127.0.0.1:$NP:first.bin" "$work/out/first.bin" >/dev/null 2>"$work/err" || rc=$?
      t1=$(date +%s%N)
      ok=ok
      if [ "$rc" -ne 0 ] || ! cmp -s "$work/root/first.bin" "$work/out/first.bin"; then ok=fail; failures=$((failures + 1)); fi
      echo "$today,$r,$i,$(awk -v n=$((t1 - t0)) 'BEGIN { printf "%.4f", n / 1e9 }'),$ok" >>"$first_csv"
    done
    echo "restart $r: first $(awk -F, -v r="$r" '$2==r && $3==1 {print $4}' "$first_csv") s, tenth $(awk -F, -v r="$r" '$2==r && $3==10 {print $4}' "$first_csv") s"
    kill "$netlab_pid"; wait "$netlab_pid" 2>/dev/null || true
  done
fi

"$PY" "$here/curve_report.py" "$csv" "$first_csv" "$failures" "$PY" "$sizes_arg" "$rounds" | tee "$results/curve.md"
/usr/bin/python3 "$here/curve_chart.py" "$csv" "$top/docs/curve.png" || echo "no chart (python3-matplotlib missing?)" >&2
if [ "$failures" -gt 0 ]; then echo "$failures run(s) failed" >&2; exit 1; fi
