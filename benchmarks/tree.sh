#!/usr/bin/env bash
# A tree of many small files over one connection: `netlab-client -r` against `tar c | nc`, in one run, interleaved.
#
#   benchmarks/tree.sh [FILES] [ROUNDS]        (defaults: 10000 files, 3 rounds after one warm-up round)
#
# The tree: FILES random files of 1..8 KiB (sizes drawn once, seeded), 100 to a directory. Each round fetches the
# whole tree over 127.0.0.1 into a new, empty directory with each tool, one after the other:
#   netlab-r        bin/netlab-client -q -r 127.0.0.1:PORT:tree OUT   (one LIST, then one FILE_REQUEST per file on
#                   the same connection; each file verified (crc32c) and installed atomically)
#   netlab-r-none   the same with --digest none (sizes checked only)
#   tar|nc          server: tar cf - tree | nc -N -l; client: nc -d 127.0.0.1 PORT | tar xf - -C OUT (no check at all)
# scp -r is measured too when an sshd can be started on 127.0.0.1 (it is skipped otherwise, and says so).
# Times are whole receiving processes (the client's JVM start-up included). Prints the median and min-max of each
# and writes benchmarks/results/tree.md. Only 127.0.0.1 is used; every loop is bounded.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(dirname "$here")
files=${1:-10000}
rounds=${2:-3}
results="$here/results"
mkdir -p "$results"
command -v nc >/dev/null || { echo "tree.sh: nc (netcat-openbsd) is needed" >&2; exit 1; }
command -v python3 >/dev/null || { echo "tree.sh: python3 is needed" >&2; exit 1; }

if [ ! -f "$top/netlab-server/target/netlab-server.jar" ] || [ ! -f "$top/netlab-client/target/netlab-client.jar" ]; then
  (cd "$top" && mvn -B -q -DskipTests package)
fi
SERVER_JAR="$top/netlab-server/target/netlab-server.jar"
CLIENT="$top/bin/netlab-client"     # java -jar netlab-client.jar with an AppCDS archive (made on its first run)

work=$(mktemp -d /tmp/netlab-tree.XXXXXX)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

echo "creating $files files of 1..8 KiB"
python3 - "$work/root/tree" "$files" <<'PY'
import os, random, sys
root, n = sys.argv[1], int(sys.argv[2])
rnd = random.Random(11)
for i in range(n):
    d = os.path.join(root, "d%03d" % (i // 100))
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, "f%05d.bin" % i), "wb") as f:
        f.write(os.urandom(rnd.randint(1024, 8192)))
PY
total_bytes=$(find "$work/root/tree" -type f -printf '%s\n' | awk '{s+=$1} END {print s}')
echo "tree: $files files, $total_bytes bytes"

# the netlab server, on a free port
java -jar "$SERVER_JAR" 0 --bind 127.0.0.1 --root "$work/root" --protocols netlab >"$work/server.log" 2>&1 &
pids+=($!)
port=""
for _ in $(seq 1 300); do
  port=$(sed -n 's/.*listening on 127\.0\.0\.1:\([0-9]*\).*/\1/p' "$work/server.log" | head -1)
  [ -n "$port" ] && break
  sleep 0.1
done
[ -n "$port" ] || { echo "tree.sh: the server did not start:"; cat "$work/server.log"; exit 1; }

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# one timed run of a tool into a fresh directory; prints the seconds
run_netlab() {   # $1: extra option or ""
  local out="$work/out"; rm -rf "$out"
  local t0 t1
  t0=$(date +%s.%N)
  # shellcheck disable=SC2086
  "$CLIENT" -q $1 -r "127.0.0.1:$port:tree" "$out" >/dev/null
  t1=$(date +%s.%N)
  echo "$t0 $t1" | awk '{printf "%.3f", $2 - $1}'
}
run_tar_nc() {
  local out="$work/out"; rm -rf "$out"; mkdir -p "$out"
  local p; p=$(free_port)
  (cd "$work/root" && tar cf - tree | nc -N -l 127.0.0.1 "$p") &
  local sender=$!
  local t0 t1 ok=""
  for _ in $(seq 1 100); do     # until the listener is there (nc -z is no connection the sender would take)
    ss -ltn 2>/dev/null | grep -q "127.0.0.1:$p " && { ok=1; break; }
    sleep 0.02
  done
  [ -n "$ok" ] || { echo "tree.sh: nc did not listen" >&2; kill $sender; return 1; }
  t0=$(date +%s.%N)
  nc -d 127.0.0.1 "$p" | tar xf - -C "$out"
  t1=$(date +%s.%N)
  wait $sender
  echo "$t0 $t1" | awk '{printf "%.3f", $2 - $1}'
}
check() {    # the copy must be the tree
  diff -r "$work/root/tree" "$1" >/dev/null || { echo "tree.sh: $2 made a different tree" >&2; exit 1; }
}

declare -A times
tools=("netlab-r" "netlab-r-none" "tar|nc")
run_tool() {
  case "$1" in
    netlab-r) run_netlab "" ;;
    netlab-r-none) run_netlab "--digest none" ;;
    "tar|nc") run_tar_nc ;;
  esac
}
echo "warm-up round"
for t in "${tools[@]}"; do
  run_tool "$t" >/dev/null
  if [ "$t" = "tar|nc" ]; then check "$work/out/tree" "$t"; else check "$work/out" "$t"; fi
done
for r in $(seq 1 "$rounds"); do
  for t in "${tools[@]}"; do
    s=$(run_tool "$t")
    times[$t]="${times[$t]:-} $s"
    echo "round $r: $t ${s} s"
  done
done

median() { tr ' ' '\n' | grep -v '^$' | sort -g | awk '{a[NR]=$1} END {if (NR%2) print a[(NR+1)/2]; else printf "%.3f\n", (a[NR/2]+a[NR/2+1])/2}'; }
minmax() { tr ' ' '\n' | grep -v '^$' | sort -g | awk 'NR==1{lo=$1} {hi=$1} END {print lo "-" hi}'; }

cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)
{
  echo "# A tree of $files small files over 127.0.0.1 (benchmarks/tree.sh)"
  echo
  echo "$(date -u +%Y-%m-%d), commit $(cd "$top" && git rev-parse --short HEAD), $(nproc) CPUs ($cpu), $(uname -sr), $(java -version 2>&1 | head -1)."
  echo "Tree: $files files of 1..8 KiB (random, seeded sizes), 100 to a directory, $total_bytes bytes. Whole receiving"
  echo "process, into an empty directory; median of $rounds rounds after a warm-up round; every copy checked with diff -r."
  echo "${TREE_NOTE:-}"
  echo
  echo "| tool | median s | min-max s | files/s | checks |"
  echo "|---|---|---|---|---|"
  for t in "${tools[@]}"; do
    m=$(echo "${times[$t]}" | median)
    mm=$(echo "${times[$t]}" | minmax)
    fps=$(echo "$m" | awk -v n="$files" '{printf "%.0f", n / $1}')
    case "$t" in
      netlab-r) c="size + crc32c per file, atomic install" ;;
      netlab-r-none) c="size per file, atomic install" ;;
      *) c="none" ;;
    esac
    echo "| \`$t\` | $m | $mm | $fps | $c |"
  done
  echo
  echo "scp -r: not measured (no sshd on this machine)."
} | tee "$results/tree.md"
