"""Markdown summary of benchmarks/curve.sh (standard library only).

    python3 curve_report.py curve.csv curve-first.csv FAILURES PYTHON SIZES ROUNDS

Per size: median whole-process time, min-max, the median's ratio to the Python lab client's and to nc's
(above 1: slower than it), and the median peak RSS of the client process. Then the first fetch from a
just-started netlab server against its tenth. Only runs whose copy was verified count.
"""
import csv
import statistics
import sys
from collections import defaultdict

TOOLS = ["netlab-jar-1k", "netlab-cds-1k", "netlab-cds-1m", "python-1k", "nc", "nginx+curl"]
WHAT = {
    "netlab-jar-1k": "`java -jar netlab-client.jar`, 1 KiB blocks",
    "netlab-cds-1k": "`bin/netlab-client` (AppCDS), 1 KiB blocks",
    "netlab-cds-1m": "`bin/netlab-client --block-size 1048576`",
    "python-1k": "`python/TCPclient.py` + `TCPserver.py`, 1 KiB blocks",
    "nc": "`nc -d` from `nc -N -l`",
    "nginx+curl": "nginx (1 worker, sendfile) + `curl -o`",
}


def fmt_s(x):
    if x < 1:
        return f"{x * 1000:.0f} ms"
    return f"{x:.2f} s"


def main():
    runs_csv, first_csv, failures, python, sizes_arg, rounds = sys.argv[1:7]
    rows = list(csv.DictReader(open(runs_csv)))
    ok = [r for r in rows if r["status"] == "ok"]
    times = defaultdict(list)
    rss = defaultdict(list)
    size_bytes = {}
    for r in ok:
        key = (r["size"], r["tool"])
        times[key].append(float(r["seconds"]))
        rss[key].append(int(r["rss_kib"]))
        size_bytes[r["size"]] = int(r["bytes"])
    sizes = sorted(size_bytes, key=size_bytes.get)
    head = rows[0] if rows else {}
    out = []
    out.append("# Fetch time against file size")
    out.append("")
    out.append(f"{head.get('date', '?')}, {head.get('nproc', '?')} cores ({head.get('cpu', '?')}), "
               f"kernel {head.get('kernel', '?')}. `benchmarks/curve.sh {sizes_arg} {rounds}`: {rounds} counted "
               f"rounds after one warm-up round, tools in an order that rotates every round, each fetch into a new "
               f"file over 127.0.0.1, checked for size and cksum. Python: `{python}`.")
    out.append("")
    out.append("Time is the whole client process (JVM or interpreter start-up included), median of the verified "
               "runs; ratios are the median over the Python lab client's and over nc's at the same size (above 1: "
               "slower). RSS is the client process's peak (GNU time `%M`), median.")
    out.append("")
    out.append(f"Verified runs: {len(ok)} of {len(rows)} counted; failed runs, warm-up and first-fetch included: "
               f"{failures}.")
    out.append("")
    for t in TOOLS:
        out.append(f"- **{t}**: {WHAT[t]}")
    out.append("")
    for size in sizes:
        b = size_bytes[size]
        out.append(f"## {size} ({b} bytes)")
        out.append("")
        out.append("| tool | median | min-max | MiB/s | / python-1k | / nc | peak RSS (MiB) | runs |")
        out.append("|---|---:|---:|---:|---:|---:|---:|---:|")
        med = {t: statistics.median(times[(size, t)]) for t in TOOLS if times[(size, t)]}
        for t in TOOLS:
            v = times[(size, t)]
            if not v:
                out.append(f"| {t} | - | - | - | - | - | - | 0 |")
                continue
            m = med[t]
            rp = f"{m / med['python-1k']:.2f}" if "python-1k" in med else "-"
            rn = f"{m / med['nc']:.2f}" if "nc" in med else "-"
            out.append(f"| {t} | {fmt_s(m)} | {fmt_s(min(v))} - {fmt_s(max(v))} | {b / 1048576 / m:.{3 if b / 1048576 / m < 1 else 1}f} | {rp} | "
                       f"{rn} | {statistics.median(rss[(size, t)]) / 1024:.1f} | {len(v)} |")
        out.append("")
    first = [r for r in csv.DictReader(open(first_csv)) if r["status"] == "ok"]
    if first:
        by = defaultdict(list)
        for r in first:
            by[int(r["fetch"])].append(float(r["seconds"]) * 1000)
        restarts = len({r["restart"] for r in first})
        out.append("## First fetch from a just-started server against the tenth")
        out.append("")
        out.append(f"`bin/netlab-client`, 1 KiB file; the netlab server (`java -jar netlab-server.jar`) started "
                   f"{restarts} times, each time fetched from 10 times in a row once its log said 'listening on'. "
                   "Whole client process, ms.")
        out.append("")
        out.append("| fetch | median | min-max | runs |")
        out.append("|---|---:|---:|---:|")
        for i in (1, 2, 10):
            v = by.get(i)
            if v:
                out.append(f"| {i} | {statistics.median(v):.0f} | {min(v):.0f} - {max(v):.0f} | {len(v)} |")
        if by.get(1) and by.get(10):
            out.append("")
            out.append(f"The first fetch takes {statistics.median(by[1]) - statistics.median(by[10]):.0f} ms longer "
                       "than the tenth (medians).")
        out.append("")
    print("\n".join(out))


if __name__ == "__main__":
    main()
