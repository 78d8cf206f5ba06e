#!/usr/bin/env bash
# Side-by-side transfer benchmark: netlab against the tools people would otherwise use, in one run, interleaved.
#
#   benchmarks/compare.sh [SIZE_MIB] [PAIRS]        (defaults: 1024 MiB, 5 rounds after one warm-up round)
#
# Every tool moves the same random file over 127.0.0.1, once into a new file (deleted between runs) and once into
# /dev/null, round after round (A B C ... A B C ...), after a warm-up round that is not counted:
#   netlab-1k      netlab client (bin/netlab-client: the jar with an AppCDS archive) + server, the lab's 1024-byte blocks
#   netlab-64k     netlab, 64 KiB blocks (sendfile)
#   netlab-1m      netlab, 1 MiB blocks (sendfile)
#   nc             netcat-openbsd: `nc -N -l` sending the file, `nc -d` receiving
#   nginx+curl     nginx 1 worker, sendfile on, fetched by curl
#   python-1k      benchmarks/python/TCPserver.py + TCPclient.py, the lab in Python with 1024-byte blocks
# Times are whole receiving processes (JVM start-up included for netlab). It prints the median MiB/s, min-max,
# netlab/peer ratios and peak RSS, then the whole-process time of a one-shot 1 KiB fetch, and writes
# benchmarks/results/compare.csv and benchmarks/results/compare.md. Only 127.0.0.1 is used; every loop is bounded.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(dirname "$here")
size_mib=${1:-1024}
pairs=${2:-5}
results="$here/results"
mkdir -p "$results"

need=()
command -v nc >/dev/null || need+=(netcat-openbsd)
command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || need+=(nginx-light)
command -v curl >/dev/null || need+=(curl)
command -v python3 >/dev/null || need+=(python3)
if [ ${#need[@]} -gt 0 ]; then
  echo "installing ${need[*]} from Debian packages"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
fi
NGINX=$(command -v nginx || echo /usr/sbin/nginx)

if [ ! -f "$top/netlab-server/target/netlab-server.jar" ] || [ ! -f "$top/netlab-client/target/netlab-client.jar" ]; then
  (cd "$top" && mvn -B -q -DskipTests package)
fi
SERVER_JAR="$top/netlab-server/target/netlab-server.jar"
CLIENT_JAR="$top/netlab-client/target/netlab-client.jar"
CLIENT="$top/bin/netlab-client"     # java -jar netlab-client.jar with an AppCDS archive (made on its first run)

work=$(mktemp -d /tmp/netlab-compare.XXXXXX)
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
echo "creating a ${size_mib} MiB random file"
head -c $((size_mib * 1048576)) /dev/urandom >"$work/root/big.bin"
head -c 1024 /dev/urandom >"$work/root/small.bin"
chmod 644 "$work/root/big.bin" "$work/root/small.bin"
sum_big=$(cksum <"$work/root/big.bin")

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
# wait_port PORT: waits until something listens on 127.0.0.1:PORT, without connecting (nc -l accepts only once)
wait_port() {
  local hex; hex=$(printf ':%04X ' "$1")
  for _ in $(seq 1 400); do grep -q "0100007F$hex.* 0A " /proc/net/tcp && return; sleep 0.025; done
  echo "port $1 never opened" >&2; exit 1
}

# netlab server
java -jar "$SERVER_JAR" 0 --root "$work/root" --bind 127.0.0.1 >"$work/netlab.log" 2>&1 &
netlab_pid=$!; pids+=("$netlab_pid")
for _ in $(seq 1 200); do grep -q 'listening on' "$work/netlab.log" && break; sleep 0.05; done
NP=$(grep -o 'listening on [0-9.]*:[0-9]*' "$work/netlab.log" | grep -o '[0-9]*$')

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
(cd "$work/root" && exec python3 "$here/python/TCPserver.py" "$PP" 127.0.0.1) >"$work/python.log" 2>&1 &
pids+=("$!")
wait_port "$PP"

# run TOOL DEST: one transfer; prints "seconds rss_kb"
run() {
  local tool=$1 dest=$2 out
  # a new file each time, and the previous run's dirty pages flushed first, so no run pays for another's writeback
  if [ "$dest" = file ]; then out="$work/out/copy.bin"; rm -f "$out"; sync; else out=/dev/null; fi
  local cmd
  case $tool in
    netlab-1k|netlab-64k|netlab-1m)
      local bs=1024; [ "$tool" = netlab-64k ] && bs=65536; [ "$tool" = netlab-1m ] && bs=1048576
      if [ "$dest" = file ]; then cmd="$CLIENT -q --block-size $bs 127.0.0.1:$NP:big.bin $out"
      else cmd="$CLIENT --block-size $bs 127.0.0.1:$NP:big.bin - >/dev/null"; fi ;;
    nc)
      local port; port=$(free_port)
      nc -N -l 127.0.0.1 "$port" <"$work/root/big.bin" & local sender=$!
      wait_port "$port"
      cmd="nc -d 127.0.0.1 $port >$out" ;;
    nginx+curl) cmd="curl -sf -o $out http://127.0.0.1:$GP/big.bin" ;;
    python-1k) cmd="python3 $here/python/TCPclient.py 127.0.0.1:$PP:big.bin $out" ;;
  esac
  local t0 t1
  t0=$(date +%s%N)
  /usr/bin/time -f "%M" -o "$work/rss" bash -c "$cmd" >/dev/null 2>"$work/err" || { echo "$tool failed: $(cat "$work/err")" >&2; exit 1; }
  t1=$(date +%s%N)
  [ "$tool" = nc ] && wait "$sender" 2>/dev/null || true
  if [ "$dest" = file ] && [ "$(cksum <"$out")" != "$sum_big" ]; then echo "$tool: the copy differs" >&2; exit 1; fi
  echo "$(( (t1 - t0) / 1000 )) $(tail -1 "$work/rss")"
}

tools=(netlab-1k netlab-64k netlab-1m nc nginx+curl python-1k)
csv="$results/compare.csv"
echo "tool,dest,round,micros,mib_per_s,client_rss_kb" >"$csv"
for round in $(seq 0 "$pairs"); do
  # rotate the order every round, so that no tool always follows the same one
  order=("${tools[@]:$((round % ${#tools[@]}))}" "${tools[@]:0:$((round % ${#tools[@]}))}")
  for dest in file devnull; do
    for tool in "${order[@]}"; do
      read -r us rss < <(run "$tool" "$dest")
      rate=$(python3 -c "print(round($size_mib / ($us / 1e6), 1))")
      if [ "$round" -eq 0 ]; then
        echo "warm-up  $tool -> $dest: $rate MiB/s"
      else
        echo "round $round  $tool -> $dest: $rate MiB/s (client RSS $((rss / 1024)) MiB)"
        echo "$tool,$dest,$round,$us,$rate,$rss" >>"$csv"
      fi
    done
  done
done
server_hwm=$(grep VmHWM /proc/"$netlab_pid"/status | awk '{print $2}')

# one-shot fetch of a 1 KiB file: whole client process, 10 runs each, after the big runs
oneshot="$results/oneshot.csv"
echo "tool,run,micros" >"$oneshot"
"$CLIENT" -q "127.0.0.1:$NP:small.bin" "$work/out/warm.bin" >/dev/null   # makes sure the CDS archive exists
for i in $(seq 1 10); do
  for tool in netlab netlab-jar curl python; do
    rm -f "$work/out/small.bin"
    case $tool in
      netlab) cmd=("$CLIENT" -q "127.0.0.1:$NP:small.bin" "$work/out/small.bin") ;;
      netlab-jar) cmd=(java -jar "$CLIENT_JAR" -q "127.0.0.1:$NP:small.bin" "$work/out/small.bin") ;;
      curl) cmd=(curl -s -o "$work/out/small.bin" "http://127.0.0.1:$GP/small.bin") ;;
      python) cmd=(python3 "$here/python/TCPclient.py" "127.0.0.1:$PP:small.bin" "$work/out/small.bin") ;;
    esac
    t0=$(date +%s%N); "${cmd[@]}" >/dev/null; t1=$(date +%s%N)
    cmp -s "$work/root/small.bin" "$work/out/small.bin" || { echo "$tool: 1 KiB copy differs" >&2; exit 1; }
    echo "$tool,$i,$(( (t1 - t0) / 1000 ))" >>"$oneshot"
  done
done

python3 "$here/summarize.py" "$csv" "$oneshot" "$size_mib" "$pairs" "$server_hwm" | tee "$results/compare.md"
if [ -f "$here/target/benchmarks.jar" ]; then
  java -cp "$here/target/benchmarks.jar" io.netlab.bench.Chart "$csv" "$top/docs/performance.png"
fi
