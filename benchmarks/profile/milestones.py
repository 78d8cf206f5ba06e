"""Median first-load time of marker classes over several -Xlog:class+load:file=LOG:uptime logs.

    python3 milestones.py 'logs/cds-*.cl'
"""
import re, sys, statistics, glob
# median first-load time of marker classes across several -Xlog:class+load:file=...:uptime logs
marks = ["io.netlab.client.NetlabClient", "picocli.CommandLine", "io.netlab.client.Endpoint", "io.netlab.client.FileFetcher",
         "io.netty.util.internal.PlatformDependent", "jdk.jfr.FlightRecorder", "io.netty.util.internal.NativeLibraryLoader",
         "io.netty.bootstrap.Bootstrap", "io.netty.buffer.AdaptivePoolingAllocator", "jdk.jfr.internal.MetadataRepository",
         "io.netlab.client.TransferResult"]
files = sorted(glob.glob(sys.argv[1]))
res = {m: [] for m in marks}; last = []; total = []; jfr = []; groups = {}
for f in files:
    seen = {}; n = 0; t = 0
    for line in open(f):
        m = re.match(r"\[(\d+\.\d+)s\]\s+(\S+) source", line)
        if not m: continue
        t = float(m.group(1)) * 1000; c = m.group(2); n += 1
        if c not in seen: seen[c] = t
    for k in marks:
        if k in seen: res[k].append(seen[k])
    last.append(t); total.append(n); jfr.append(sum(1 for c in seen if c.startswith("jdk.jfr")))
print(f"{len(files)} logs: classes {statistics.median(total):.0f}, jdk.jfr* {statistics.median(jfr):.0f}")
for k in marks:
    v = res[k]
    print(f"  {k:45s} " + (f"{statistics.median(v):6.0f} ms" if v else "     -"))
print(f"  {'(last class loaded)':45s} {statistics.median(last):6.0f} ms")
