"""Log-log chart of benchmarks/results/curve.csv: median whole-process fetch time against file size, one line
per tool.

    /usr/bin/python3 benchmarks/curve_chart.py benchmarks/results/curve.csv docs/curve.png

Needs matplotlib: Debian's python3-matplotlib (`apt-get install -y python3-matplotlib`, which curve.sh does when
it is missing), for Debian's /usr/bin/python3.
"""
import csv
import statistics
import sys
from collections import defaultdict

try:
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import matplotlib.ticker
except ImportError:
    sys.exit("curve_chart.py: matplotlib is missing (apt-get install -y python3-matplotlib, then run it with "
             "/usr/bin/python3)")

STYLE = {
    "netlab-jar-1k": ("tab:blue", "o", "--"),
    "netlab-cds-1k": ("tab:blue", "s", "-"),
    "netlab-cds-1m": ("tab:cyan", "^", "-"),
    "python-1k": ("tab:orange", "D", "-"),
    "nc": ("tab:gray", "v", "-"),
    "nginx+curl": ("tab:green", "x", "-"),
}


def main():
    src, dst = sys.argv[1], sys.argv[2]
    times = defaultdict(list)
    meta = {}
    for r in csv.DictReader(open(src)):
        if r["status"] != "ok":
            continue
        times[(r["tool"], int(r["bytes"]))].append(float(r["seconds"]))
        meta = r
    if not times:
        sys.exit("curve_chart.py: no verified runs in " + src)
    fig, ax = plt.subplots(figsize=(8, 5.5), dpi=110)
    for tool, (color, marker, line) in STYLE.items():
        pts = sorted((b, statistics.median(v)) for (t, b), v in times.items() if t == tool)
        if pts:
            ax.plot([p[0] for p in pts], [p[1] for p in pts], color=color, marker=marker, linestyle=line, label=tool)
    ax.set_xscale("log", base=2)
    ax.set_yscale("log")
    sizes = sorted({b for (_, b) in times})
    names = {1024: "1 KiB", 1048576: "1 MiB", 10485760: "10 MiB", 104857600: "100 MiB", 1073741824: "1 GiB"}
    ax.set_xticks(sizes)
    ax.set_xticklabels([names.get(b, str(b)) for b in sizes])
    ax.minorticks_off()
    ax.yaxis.set_major_formatter(matplotlib.ticker.FuncFormatter(
        lambda y, _: f"{y * 1000:g} ms" if y < 1 else f"{y:g} s"))
    ax.set_xlabel("file size")
    ax.set_ylabel("whole-process fetch time, median")
    ax.set_title(f"netlab fetch time against size ({meta.get('date', '')}, {meta.get('nproc', '?')} cores, "
                 f"127.0.0.1)", fontsize=10)
    ax.grid(True, which="major", linestyle=":", linewidth=0.6)
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(dst)
    print("wrote " + dst)


if __name__ == "__main__":
    main()
