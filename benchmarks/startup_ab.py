"""Interleaved A/B timing of whole client processes (standard library only).

    python3 benchmarks/startup_ab.py ROUNDS CONFIG.json

CONFIG.json is a list of {"name": ..., "argv": [...], "env": {...}, "out": PATH-or-null, "expect": PATH-or-null}.
Every round runs every config once, in an order that rotates each round; before each run `out` is deleted and
after it compared with `expect` (byte for byte). With QUIET_IDLE=0.9 each run waits (at most QUIET_MAX_WAIT
seconds, default 20) until the CPUs were 90 % idle over 0.2 s, which keeps other jobs' bursts out of the figures. After one uncounted warm-up round it prints, per config, the
median, min and max wall time in ms of the process (fork to exit), the median CPU time it used (user + system,
all its threads, from wait4) and the number of failed runs.
With AB_RAW=FILE.json it also writes every counted run's wall and CPU time there.
Used for benchmarks/results/startup-profile.md; interleaving keeps a noisy machine from favouring one config.
"""
import json
import os
import statistics
import subprocess
import sys
import time


def idle_fraction(seconds=0.2):
    """Share of CPU time idle over the next `seconds`, from /proc/stat."""
    def snap():
        f = [int(x) for x in open("/proc/stat").readline().split()[1:]]
        return f[3] + f[4], sum(f)
    i0, t0 = snap()
    time.sleep(seconds)
    i1, t1 = snap()
    return (i1 - i0) / max(1, t1 - t0)


def wait_quiet(limit=float(os.environ.get("QUIET_IDLE", "0")), max_wait=float(os.environ.get("QUIET_MAX_WAIT", "20"))):
    """With QUIET_IDLE=0.9: waits (at most QUIET_MAX_WAIT s) until the machine is that idle; returns True if it was."""
    if limit <= 0:
        return True
    end = time.monotonic() + max_wait
    while time.monotonic() < end:
        if idle_fraction() >= limit:
            return True
    return False


def main():
    rounds = int(sys.argv[1])
    configs = json.load(open(sys.argv[2]))
    times = {c["name"]: [] for c in configs}
    fails = {c["name"]: 0 for c in configs}
    cpu = {c["name"]: [] for c in configs}
    quiet_runs = {c["name"]: 0 for c in configs}
    for r in range(rounds + 1):
        k = r % len(configs)
        for c in configs[k:] + configs[:k]:
            out = c.get("out")
            if out and os.path.exists(out):
                os.remove(out)
            quiet_runs[c["name"]] += wait_quiet()
            env = dict(os.environ)
            env.update(c.get("env", {}))
            t0 = time.perf_counter_ns()
            p = subprocess.Popen(c["argv"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            _, status, ru = os.wait4(p.pid, 0)
            t1 = time.perf_counter_ns()
            p.returncode = os.waitstatus_to_exitcode(status)
            ok = p.returncode == 0
            if ok and c.get("expect"):
                ok = open(out, "rb").read() == open(c["expect"], "rb").read()
            if r == 0:
                continue
            if ok:
                times[c["name"]].append((t1 - t0) / 1e6)
                cpu[c["name"]].append((ru.ru_utime + ru.ru_stime) * 1000)
            else:
                fails[c["name"]] += 1
    print(f"{rounds} rounds (after 1 warm-up round), rotated order; whole-process wall time in ms")
    if float(os.environ.get("QUIET_IDLE", "0")) > 0:
        print(f"each run started once the CPUs were {float(os.environ['QUIET_IDLE']):.0%} idle over 0.2 s "
              f"(runs that waited {os.environ.get('QUIET_MAX_WAIT', '20')} s in vain and started anyway: "
              f"{sum(rounds + 1 - q for q in quiet_runs.values())})")
    print("| config | median | min | max | CPU (user+sys) median | failed |")
    print("|---|---:|---:|---:|---:|---:|")
    for c in configs:
        v = times[c["name"]]
        if v:
            print(f"| {c['name']} | {statistics.median(v):.0f} | {min(v):.0f} | {max(v):.0f} | {statistics.median(cpu[c['name']]):.0f} | {fails[c['name']]} |")
        else:
            print(f"| {c['name']} | - | - | - | - | {fails[c['name']]} |")
    if os.environ.get("AB_RAW"):
        # every counted run, for distributions and re-analysis: {name: {"ms": [...], "cpu_ms": [...], "failed": n}}
        json.dump({c["name"]: {"ms": times[c["name"]], "cpu_ms": cpu[c["name"]], "failed": fails[c["name"]]}
                   for c in configs}, open(os.environ["AB_RAW"], "w"), indent=1)


if __name__ == "__main__":
    main()
