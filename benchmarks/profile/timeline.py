"""10 ms buckets of one -Xlog:class+load:file=LOG:uptime log: classes per package group, first non-JDK class.

    python3 timeline.py LOG
"""
import re, sys, collections
# 10 ms buckets of a class+load log: how many classes of each group loaded, and the first one of the bucket
def grp(c):
    for p in ("picocli", "io.netty", "io.netlab", "jdk.jfr", "me.tongfei", "java.lang.invoke.LambdaForm", "jdk.proxy", "java.", "jdk.", "sun."):
        if c.startswith(p): return p.rstrip(".")
    return "other"
b = collections.defaultdict(collections.Counter); first = {}
for line in open(sys.argv[1]):
    m = re.match(r"\[(\d+\.\d+)s\]\s+(\S+) source", line)
    if not m: continue
    t = float(m.group(1)) * 1000; k = int(t // 10) * 10
    b[k][grp(m.group(2))] += 1
    if not m.group(2).startswith(("java.", "jdk.", "sun.")) and k not in first: first[k] = m.group(2)
for k in sorted(b):
    print(f"{k:4d}-{k+10:<4d} " + ", ".join(f"{g} {n}" for g, n in b[k].most_common()) + f"   [{first.get(k, '')}]")
