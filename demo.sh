#!/usr/bin/env bash
# Builds netlab and runs the lab's three exercises end to end on 127.0.0.1, showing what each side prints:
# a 10 MiB file fetched in the lab's 1024-byte blocks and checked with cmp, "adding two numbers" (ending with the
# out-of-range number that shuts the server down), and the uppercase echo service.
set -euo pipefail
cd "$(dirname "$0")"

if [ "${SKIP_BUILD:-}" != 1 ]; then
  echo "== building (mvn -B -q -DskipTests package)"
  mvn -B -q -DskipTests package
fi
SERVER=(java -jar "$PWD/netlab-server/target/netlab-server.jar")
CLIENT=(java -jar "$PWD/netlab-client/target/netlab-client.jar")

work=$(mktemp -d)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

# start_server LOG ARGS...: starts a server on an ephemeral loopback port; sets port and pid
start_server() {
  local log=$1; shift
  "${SERVER[@]}" "$@" --bind 127.0.0.1 >"$log" 2>&1 &
  pid=$!
  pids+=("$pid")
  for _ in $(seq 1 200); do
    if grep -q 'listening on' "$log"; then
      port=$(grep -o 'listening on [0-9.]*:[0-9]*' "$log" | grep -o '[0-9]*$')
      return
    fi
    sleep 0.05
  done
  echo "server did not start:" >&2; cat "$log" >&2; exit 1
}

mkdir -p "$work/served" "$work/downloads"
head -c 10485760 /dev/urandom >"$work/served/lab-file.bin"

echo
echo "== exercise 3: file transfer (1024-byte blocks)"
start_server "$work/file.log" 0 --root "$work/served"
echo "\$ netlab-client 127.0.0.1:$port:lab-file.bin downloads/lab-file.bin"
(cd "$work" && "${CLIENT[@]}" "127.0.0.1:$port:lab-file.bin" downloads/lab-file.bin)
cmp "$work/served/lab-file.bin" "$work/downloads/lab-file.bin" && echo "cmp: the two files are identical"
echo "\$ netlab-client 127.0.0.1:$port:../etc/passwd stolen.txt"
"${CLIENT[@]}" "127.0.0.1:$port:../etc/passwd" "$work/downloads/stolen.txt" || echo "(exit code $?)"
kill -TERM "$pid"; wait "$pid" 2>/dev/null || true
echo "-- file server log:"; cat "$work/file.log"

echo
echo "== exercise 2: adding two numbers"
start_server "$work/sum.log" sum 0 --name "Server of John Q. Smith"
echo "\$ netlab-client sum 127.0.0.1:$port --name Alice --number 42"
"${CLIENT[@]}" sum "127.0.0.1:$port" --name Alice --number 42
echo "\$ netlab-client sum 127.0.0.1:$port --name Eve --number 101"
"${CLIENT[@]}" sum "127.0.0.1:$port" --name Eve --number 101 || echo "(exit code $?)"
wait "$pid" && echo "(the sum server exited by itself with code 0)"
echo "-- sum server output:"; cat "$work/sum.log"

echo
echo "== exercise 1: the example service (uppercase echo)"
start_server "$work/echo.log" echo 0
echo "\$ netlab-client echo 127.0.0.1:$port 'hello from the lab'"
"${CLIENT[@]}" echo "127.0.0.1:$port" "hello from the lab"
