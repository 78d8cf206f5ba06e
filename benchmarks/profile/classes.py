"""Groups one -Xlog:class+load:file=LOG:uptime log by package prefix.

    python3 classes.py LOG [REGEX]   (REGEX: also list the matching classes with their load times)
"""
import re, sys, collections
# groups a -Xlog:class+load:file=X:uptime log by package prefix; prints first/last io.netlab and last class
groups = [("java.", "java.*"), ("javax.", "javax.*"), ("jdk.jfr", "jdk.jfr*"), ("jdk.internal.event", "jdk.internal.event*"),
          ("jdk.", "jdk.* (other)"), ("sun.", "sun.*"), ("picocli", "picocli"), ("io.netty", "io.netty.*"),
          ("io.netlab", "io.netlab"), ("me.tongfei", "me.tongfei"), ("org.jline", "org.jline"), ("com.sun", "com.sun.*")]
cnt = collections.Counter(); src = collections.Counter()
first = {}; last = None; n = 0; lines = []
for line in open(sys.argv[1]):
    m = re.match(r"\[(\d+\.\d+)s\]\s+(\S+) source: (.*)", line)
    if not m: continue
    t, cls, s = float(m.group(1)), m.group(2), m.group(3)
    n += 1; last = (t, cls); lines.append((t, cls, s))
    g = next((lab for p, lab in groups if cls.startswith(p)), "other")
    cnt[g] += 1
    src["CDS" if "shared" in s else "jrt" if s.startswith("jrt:") else "jar" if "jar" in s or "file:" in s else s[:20]] += 1
    for key in ("io.netlab", "picocli", "io.netty", "jdk.jfr", "jdk.internal.event", "me.tongfei", "org.jline"):
        if cls.startswith(key) and key not in first: first[key] = (t, cls)
print(f"total {n} classes; sources {dict(src)}")
for lab in [l for _, l in groups] + ["other"]:
    if cnt[lab]: print(f"  {lab:22s} {cnt[lab]}")
for k, v in first.items(): print(f"  first {k}: {v[0]*1000:.0f} ms ({v[1]})")
print(f"  last class: {last[0]*1000:.0f} ms ({last[1]})")
if len(sys.argv) > 2:
    for t, c, s in lines:
        if re.search(sys.argv[2], c): print(f"    {t*1000:.0f} ms {c} ({s[:40]})")
