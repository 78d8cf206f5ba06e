#!/usr/bin/env bash
# TLS against plain TCP: one fetch of a file over 127.0.0.1 through three servers side by side,
#
#   benchmarks/tls.sh [SIZE_MIB] [ROUNDS]          (defaults: 100 MiB, 5 counted rounds after one warm-up)
#
#   plain         java -jar netlab-server.jar (sendfile where it may), client java -jar netlab-client.jar
#   tls-jdk       the same jars with --tls-self-signed / --tls --tls-fingerprint: the JDK's TLS engine on both ends
#   tls-openssl   the same jars with netty-tcnative (BoringSSL, benchmarks/target/tcnative/) on both class paths,
#                 which Netty's SslContext then uses on both ends (the server's start-up line names the engine)
# each at two settings: 64 KiB blocks without a digest (the fastest a plain server goes: sendfile), and the lab's
# defaults (1 KiB blocks, CRC-32C). The order of the six rotates every round. Each run fetches into a new file and
# is checked with cmp. Reported per configuration: the median (and min-max) of the transfer time the client
# prints ("in X s": connect to verified end, JVM start excluded) and of the whole client process; ratios to plain.
# Writes benchmarks/results/tls.csv and tls.md. Only 127.0.0.1 is used; each client run is cut off after 300 s.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(dirname "$here")
mib=${1:-${SIZE_MIB:-100}}
rounds=${2:-${ROUNDS:-5}}
case $mib in ''|*[!0-9]*) echo "SIZE_MIB: $mib (expected: a whole number)" >&2; exit 2 ;; esac
case $rounds in ''|*[!0-9]*) echo "ROUNDS: $rounds (expected: a whole number)" >&2; exit 2 ;; esac
results="$here/results"
mkdir -p "$results"

tcn="$here/target/tcnative"
if [ ! -f "$top/netlab-server/target/netlab-server.jar" ] || [ ! -f "$top/netlab-client/target/netlab-client.jar" ] \
    || ! ls "$tcn"/netty-tcnative-boringssl-static-*.jar >/dev/null 2>&1; then
  (cd "$top" && mvn -B -q -DskipTests package)
fi
SERVER_JAR="$top/netlab-server/target/netlab-server.jar"
CLIENT_JAR="$top/netlab-client/target/netlab-client.jar"
TCN=$(ls "$tcn"/*.jar | tr '\n' ':')

work=$(mktemp -d "${TMPDIR:-/tmp}/netlab-tls.XXXXXX")
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
mkdir -p "$work/root" "$work/out"
echo "creating a $mib MiB random file"
head -c "$((mib * 1048576))" /dev/urandom >"$work/root/big.bin"

# start NAME ARGS...: a server; sets PORT_<NAME> and FP_<NAME> (the fingerprint, with TLS)
start() {
  local name=$1; shift
  "$@" 0 --root "$work/root" --bind 127.0.0.1 >"$work/$name.log" 2>&1 &
  pids+=("$!")
  for _ in $(seq 1 400); do grep -q 'listening on' "$work/$name.log" && break; sleep 0.025; done
  local port; port=$(grep -o 'listening on [0-9.]*:[0-9]*' "$work/$name.log" | grep -o '[0-9]*$') \
    || { echo "$name did not start: $(cat "$work/$name.log")" >&2; exit 1; }
  printf -v "PORT_${name//-/_}" '%s' "$port"
  printf -v "FP_${name//-/_}" '%s' "$(grep -o 'SHA256:[0-9a-f]*' "$work/$name.log" || true)"
  grep -o 'listening on .*' "$work/$name.log"
}
start plain java -jar "$SERVER_JAR"
start tls-jdk java -jar "$SERVER_JAR" --tls-self-signed
start tls-openssl java -cp "$SERVER_JAR:$TCN" io.netlab.server.cli.NetlabServer --tls-self-signed
grep -q 'TLS (OpenSSL' "$work/tls-openssl.log" || { echo "the OpenSSL server did not use OpenSSL" >&2; exit 1; }
grep -q 'TLS (JDK)' "$work/tls-jdk.log" || { echo "the JDK server did not use the JDK's engine" >&2; exit 1; }

# run CONFIG SETTING: prints "transfer_s process_s ok|fail"
run() {
  local config=$1 setting=$2 out="$work/out/copy.bin" opts=() cmd=()
  case $setting in
    64k) opts=(--block-size 65536 --digest none) ;;
    lab) opts=() ;;
  esac
  case $config in
    plain) cmd=(java -jar "$CLIENT_JAR" "127.0.0.1:$PORT_plain:big.bin") ;;
    tls-jdk) cmd=(java -jar "$CLIENT_JAR" --tls --tls-fingerprint "$FP_tls_jdk" "127.0.0.1:$PORT_tls_jdk:big.bin") ;;
    tls-openssl) cmd=(java -cp "$CLIENT_JAR:$TCN" io.netlab.client.cli.NetlabClient --tls --tls-fingerprint "$FP_tls_openssl"
                      "127.0.0.1:$PORT_tls_openssl:big.bin") ;;
  esac
  rm -f "$out"; sync
  local t0 t1 line
  t0=$(date +%s%N)
  line=$(timeout 300 "${cmd[@]}" "$out" -f --no-progress "${opts[@]}" 2>&1 | tail -1) || true
  t1=$(date +%s%N)
  local secs; secs=$(grep -o ' in [0-9.]* s' <<<"$line" | grep -o '[0-9.]*' || echo nan)
  if cmp -s "$out" "$work/root/big.bin"; then
    echo "$secs $(( (t1 - t0) / 1000000 ))e-3 ok"
  else
    echo "$secs $(( (t1 - t0) / 1000000 ))e-3 fail"; echo "  $config $setting: $line" >&2
  fi
}

configs=(plain tls-jdk tls-openssl)
settings=(64k lab)
csv="$results/tls.csv"
echo "round,config,setting,transfer_s,process_s,ok" >"$csv"
combos=()
for c in "${configs[@]}"; do for s in "${settings[@]}"; do combos+=("$c $s"); done; done
for round in $(seq 0 "$rounds"); do
  n=${#combos[@]}
  for i in $(seq 0 $((n - 1))); do
    read -r c s <<<"${combos[$(( (i + round) % n ))]}"
    read -r tr pr ok <<<"$(run "$c" "$s")"
    [ "$round" -eq 0 ] && continue          # warm-up: servers' first requests, page cache
    echo "$round,$c,$s,$tr,$pr,$ok" >>"$csv"
    echo "round $round: $c $s: $tr s ($pr s whole process) $ok"
  done
done

engine=$(grep -o 'TLS (OpenSSL[^)]*)' "$work/tls-openssl.log")
python3 - "$csv" "$mib" "$rounds" "$engine" <<'EOF' | tee "$results/tls.md"
import csv, statistics, sys, datetime, platform, os
path, mib, rounds, engine = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
rows = list(csv.DictReader(open(path)))
def runs(c, s, k):
    return sorted(float(r[k]) for r in rows if r['config'] == c and r['setting'] == s and r['ok'] == 'ok')
print("# TLS against plain TCP\n")
print(f"{datetime.date.today()}, {os.cpu_count()} cores, kernel {platform.release()}. `benchmarks/tls.sh {mib} {rounds}`: "
      f"a {mib} MiB random file over 127.0.0.1, {rounds} counted rounds after one warm-up, the order rotating every "
      f"round; every copy checked with cmp. OpenSSL: {engine[5:-1]} (netty-tcnative-boringssl-static on both class "
      "paths); JDK: the JDK's own engine on both ends. Transfer: what the client prints (connect to verified end); "
      "process: the whole client process.\n")
failed = sum(1 for r in rows if r['ok'] != 'ok')
print(f"Verified runs: {len(rows) - failed} of {len(rows)}.\n")
for s, title in (("64k", "64 KiB blocks, no digest (plain: sendfile)"), ("lab", "the lab's defaults: 1 KiB blocks, CRC-32C")):
    print(f"## {title}\n")
    print("| configuration | transfer median | min-max | MiB/s | / plain | process median |")
    print("|---|---:|---:|---:|---:|---:|")
    base = statistics.median(runs("plain", s, "transfer_s") or [float('nan')])
    for c in ("plain", "tls-jdk", "tls-openssl"):
        t = runs(c, s, "transfer_s"); p = runs(c, s, "process_s")
        if not t:
            print(f"| {c} | - | - | - | - | - |"); continue
        m = statistics.median(t)
        print(f"| {c} | {m:.3f} s | {t[0]:.3f}-{t[-1]:.3f} s | {mib / m:.0f} | {m / base:.2f} | {statistics.median(p):.3f} s |")
    print()
EOF
[ "$(grep -c ',fail$' "$csv" || true)" -eq 0 ] || { echo "some copies were wrong" >&2; exit 1; }
