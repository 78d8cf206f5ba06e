"""Summarises benchmarks/compare.sh results as Markdown tables (standard library only).

usage: summarize.py compare.csv oneshot.csv SIZE_MIB PAIRS SERVER_PEAK_RSS_KB
"""
import csv
import statistics
import sys

rows = list(csv.DictReader(open(sys.argv[1])))
oneshot = list(csv.DictReader(open(sys.argv[2])))
size_mib, pairs, server_hwm = sys.argv[3], sys.argv[4], int(sys.argv[5])

tools = []
for r in rows:
    if r["tool"] not in tools:
        tools.append(r["tool"])


def rates(tool, dest):
    return [float(r["mib_per_s"]) for r in rows if r["tool"] == tool and r["dest"] == dest]


def rss(tool):
    return max(int(r["client_rss_kb"]) for r in rows if r["tool"] == tool) // 1024


print(f"### {size_mib} MiB over 127.0.0.1, {pairs} interleaved rounds after a warm-up (median MiB/s, min-max)\n")
print("| tool | into a new file | into /dev/null | peak client RSS |")
print("|---|---|---|---|")
for t in tools:
    cells = []
    for dest in ("file", "devnull"):
        v = rates(t, dest)
        cells.append(f"{statistics.median(v):.0f} ({min(v):.0f}-{max(v):.0f})" if v else "-")
    print(f"| {t} | {cells[0]} | {cells[1]} | {rss(t)} MiB |")
print(f"\nnetlab server peak RSS over the whole run: {server_hwm // 1024} MiB\n")

print("### Ratios netlab / peer (medians, same run)\n")
print("| netlab | peer | new file | /dev/null |")
print("|---|---|---|---|")
netlab = [t for t in tools if t.startswith("netlab")]
peers = [t for t in tools if not t.startswith("netlab")]
for n in netlab:
    for p in peers:
        cells = []
        for dest in ("file", "devnull"):
            a, b = rates(n, dest), rates(p, dest)
            cells.append(f"{statistics.median(a) / statistics.median(b):.2f}x" if a and b else "-")
        print(f"| {n} | {p} | {cells[0]} | {cells[1]} |")

print("\n### One-shot fetch of a 1 KiB file, whole client process (10 runs)\n")
print("netlab = bin/netlab-client (AppCDS archive); netlab-jar = plain `java -jar netlab-client.jar`.\n")
print("| client | median | min-max |")
print("|---|---|---|")
for tool in ("netlab", "netlab-jar", "curl", "python"):
    v = [int(r["micros"]) / 1e6 for r in oneshot if r["tool"] == tool]
    print(f"| {tool} | {statistics.median(v):.3f} s | {min(v):.3f}-{max(v):.3f} s |")
