#!/usr/bin/env python3
"""bench/measure.py: runs two commands alternately and reports their medians.

  measure.py RUNS LABEL_A CMD_A LABEL_B CMD_B   (each CMD one shell string, stdout to /dev/null)
prints one JSON object: for each label the per-run wall seconds, CPU seconds (user+sys of
the whole process tree, from wait4's rusage) and peak RSS (KiB, the largest process), and
their medians.  Alternating A, B, A, B... puts both under the same machine noise.
"""
import json
import os
import statistics
import subprocess
import sys
import time


def run_once(cmd):
    t0 = time.perf_counter()
    p = subprocess.Popen(["/bin/sh", "-c", "exec " + cmd], stdout=subprocess.DEVNULL)
    _, status, ru = os.wait4(p.pid, 0)
    wall = time.perf_counter() - t0
    p.returncode = os.waitstatus_to_exitcode(status)
    return {"wall": wall, "cpu": ru.ru_utime + ru.ru_stime, "rss_kib": ru.ru_maxrss,
            "rc": p.returncode}


def main():
    if len(sys.argv) != 6:
        sys.exit("usage: measure.py RUNS LABEL_A CMD_A LABEL_B CMD_B")
    runs = int(sys.argv[1])
    pairs = [(sys.argv[2], sys.argv[3]), (sys.argv[4], sys.argv[5])]
    out = {label: [] for label, _ in pairs}
    for _ in range(runs):
        for label, cmd in pairs:
            out[label].append(run_once(cmd))
    res = {}
    for label, rs in out.items():
        res[label] = {
            "wall": statistics.median(r["wall"] for r in rs),
            "cpu": statistics.median(r["cpu"] for r in rs),
            "rss_kib": statistics.median(r["rss_kib"] for r in rs),
            "failed": sum(1 for r in rs if r["rc"] != 0),
            "runs": rs,
        }
    json.dump(res, sys.stdout)
    print()


if __name__ == "__main__":
    main()
