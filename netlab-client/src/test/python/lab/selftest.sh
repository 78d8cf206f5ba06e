#!/usr/bin/env bash
# Runs the lab programs in this directory against each other on 127.0.0.1 (client against its own
# server, plus a few deliberate mismatches) and exits 1 on any difference. Takes about 8 s, at most 20 s.
# Usage: ./selftest.sh     (needs python3, cmp, head, timeout)
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
PY=${PYTHON:-python3}
WORK=$(mktemp -d)
PIDS=()
FAILS=0
cleanup() {
    local p
    for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done
    wait 2>/dev/null
    rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 1' TERM INT
# The whole run is bounded: after 20 s, stop this script and everything it started.
LIMIT=${SELFTEST_LIMIT:-20}
(
    trap 'kill "$sleeper" 2>/dev/null; exit 0' TERM
    sleep "$LIMIT" > /dev/null 2>&1 < /dev/null & sleeper=$!
    wait "$sleeper" || exit 0
    echo "selftest: over $LIMIT s, giving up" >&2
    kill -TERM $$ 2>/dev/null; pkill -TERM -P $$ 2>/dev/null
) & WATCHDOG=$!
PIDS+=("$WATCHDOG")

ok()   { echo "ok   $1"; }
fail() { echo "FAIL $1${2:+: $2}"; FAILS=$((FAILS + 1)); }
check() { # check NAME EXPECTED ACTUAL
    if [ "$2" == "$3" ]; then ok "$1"; else fail "$1" "expected [$2], got [$3]"; fi
}

# start_server OUTFILE SCRIPT ARGS... : starts it, sets SPID and PORT (from "listening on PORT")
start_server() {
    local out=$1; shift
    "$PY" "$HERE/$1" "${@:2}" > "$out" 2>&1 & SPID=$!
    PIDS+=("$SPID")
    PORT=
    for _ in $(seq 50); do
        PORT=$(sed -n '1s/^listening on \([0-9][0-9]*\)$/\1/p' "$out")
        [ -n "$PORT" ] && return 0
        sleep 0.1
    done
    fail "start $1" "no 'listening on PORT' line: $(cat "$out")"
    return 1
}
# wait_exit PID : waits at most 5 s for a server that should exit by itself; returns its status
wait_exit() {
    for _ in $(seq 50); do
        kill -0 "$1" 2>/dev/null || { wait "$1"; return $?; }
        sleep 0.1
    done
    kill "$1" 2>/dev/null; wait "$1"; return 124
}
run() { timeout 15 "$PY" "$HERE/$1" "${@:2}"; }

# --- Exercise 1: tcp_client.py against tcp_server.py ---------------------------------------
if start_server "$WORK/echo1.out" tcp_server.py 0 --once; then
    check "echo: one sentence, no newline" "HELLO LAB SS -> SS" "$(run tcp_client.py 127.0.0.1 "$PORT" 'hello lab ß -> ss')"
    wait_exit "$SPID"; check "echo: --once server exits 0" 0 $?
    grep -q "'hello lab ß -> ss' -> 'HELLO LAB SS -> SS'" "$WORK/echo1.out" && ok "echo: server saw no newline" \
        || fail "echo: server log" "$(cat "$WORK/echo1.out")"
fi
if start_server "$WORK/echo2.out" tcp_server.py 0; then
    check "echo: looping server, client 1" "ONE" "$(run tcp_client.py 127.0.0.1 "$PORT" one)"
    check "echo: looping server, client 2" "TWO WORDS" "$(run tcp_client.py 127.0.0.1 "$PORT" two words)"
    kill "$SPID"
fi

# --- Exercise 3: raw_file_client.py against raw_file_server.py -----------------------------
ROOT=$WORK/root; DEST=$WORK/dest; mkdir -p "$ROOT" "$DEST"
: > "$ROOT/empty.bin"
for n in 1 1023 1024 1025 1048577; do head -c $n /dev/urandom > "$ROOT/r$n.bin"; done
head -c 3000 /dev/urandom > "$ROOT/a:b é.bin"
echo canary > "$WORK/canary.txt"
if start_server "$WORK/files.out" raw_file_server.py 0 "$ROOT"; then
    for f in empty.bin r1.bin r1023.bin r1024.bin r1025.bin r1048577.bin "a:b é.bin"; do
        if run raw_file_client.py "127.0.0.1:$PORT:$f" "$DEST/$f" > /dev/null && cmp -s "$ROOT/$f" "$DEST/$f"; then
            ok "file: $f"
        else
            fail "file: $f" "exit or content differs"
        fi
    done
    for f in ../canary.txt "$WORK/canary.txt" missing.bin; do
        run raw_file_client.py "127.0.0.1:$PORT:$f" "$DEST/refused" > /dev/null
        rc=$?
        check "file: refused $f (empty file, exit 0)" "0 0" "$rc $(wc -c < "$DEST/refused" | tr -d ' ')"
    done
    grep -q "refused '../canary.txt'" "$WORK/files.out" && ok "file: server logged the refusal" \
        || fail "file: server log" "$(cat "$WORK/files.out")"
    kill "$SPID"
fi
if start_server "$WORK/files1.out" raw_file_server.py 0 "$ROOT" --once; then
    run raw_file_client.py "127.0.0.1:$PORT:r1025.bin" "$DEST/once" > /dev/null && cmp -s "$ROOT/r1025.bin" "$DEST/once" \
        && ok "file: --once server" || fail "file: --once server"
    wait_exit "$SPID"; check "file: --once server exits 0" 0 $?
fi
run raw_file_client.py "127.0.0.1:1:x" "$DEST/none" 2> /dev/null; check "file: connection refused exits 1" 1 $?

# --- Exercise 2: sum_client.py against sum_server.py ---------------------------------------
EXPECT=$'Client name: Alice B\nServer name: Server of Ada\nClient number: 42\nServer number: 7\nSum: 49'
if start_server "$WORK/sum.out" sum_server.py 0 --name "Server of Ada" --number 7; then
    for sep in , ' ' tab newline; do
        check "sum: --sep '$sep'" "$EXPECT" "$(run sum_client.py 127.0.0.1 "$PORT" 'Alice B' 42 --sep "$sep")"
    done
    for sep in , newline; do  # each waits the server's 1 s of quiet
        check "sum: --sep '$sep' --no-newline" "$EXPECT" \
            "$(run sum_client.py 127.0.0.1 "$PORT" 'Alice B' 42 --sep "$sep" --no-newline)"
    done
    check "sum: --no-newline --half-close" "$EXPECT" \
        "$(run sum_client.py 127.0.0.1 "$PORT" 'Alice B' 42 --sep tab --no-newline --half-close)"
    out=$(run tcp_client.py 127.0.0.1 "$PORT" no number here 2>&1)
    check "sum: unreadable line closed without reply (exit 1)" "1" "$?"
    check "sum: server still running after it" "Sum: 8" "$(run sum_client.py 127.0.0.1 "$PORT" Bob 1 | tail -n 1)"
    run sum_client.py 127.0.0.1 "$PORT" Eve 101 2> "$WORK/eve.err"
    check "sum: 101 gets no reply (exit 1)" 1 $?
    wait_exit "$SPID"; check "sum: server shuts down with 0 after 101" 0 $?
    grep -q "101 is outside 1..100" "$WORK/sum.out" && ok "sum: server said why" || fail "sum: server log" "$(cat "$WORK/sum.out")"
fi

if [ "$FAILS" -ne 0 ]; then echo "selftest: $FAILS failure(s)"; exit 1; fi
echo "selftest: all passed"
