#!/usr/bin/env python3
"""bench/logseq.py FILE [FILE...]: loss and repeats in followed log output, from the
sequence numbers warroom-sim writes into every generated line ("seq=" and at least 9
digits, per pod; sim/world_loggen.c).

Lines are grouped by pod: the tag warroom prints ("[pod/container] " or "[pod] "), else
kubectl's --prefix ("[pod/POD/container] "), else one group.  For each pod: lines with a
number, the first and last number, repeats (a number seen again) and gaps (numbers
between first and last never seen).  Lines without a number (start-up lines, markers)
are counted apart.  Prints one JSON object: {"lines", "numbered", "unnumbered",
"missing", "repeated", "out_of_order", "pods": {POD: {...}}}.
"""
import json
import re
import sys

SEQ = re.compile(rb"seq=([0-9]{9,})")
TAG = re.compile(rb"^\[(?:pod/)?([^/\] ]+)(?:/[^\] ]*)?\] ")


class Seen:
    """Which numbers were seen: a byte per number from the smallest one (a set of 4
    million Python ints would take ~300 MB)."""

    def __init__(self):
        self.base = None
        self.bits = bytearray()
        self.count = 0

    def add(self, v):
        """Records v; True when it was seen before."""
        if self.base is None:
            self.base = v
        if v < self.base:
            self.bits[0:0] = bytearray(self.base - v)
            self.base = v
        i = v - self.base
        if i >= len(self.bits):
            self.bits.extend(bytearray(max(i + 1 - len(self.bits), len(self.bits))))
        if self.bits[i]:
            return True
        self.bits[i] = 1
        self.count += 1
        return False


def scan(paths):
    pods = {}
    total = unnumbered = 0
    for path in paths:
        with open(path, "rb") as f:
            for line in f:
                total += 1
                m = SEQ.search(line)
                if not m:
                    unnumbered += 1
                    continue
                t = TAG.match(line)
                pod = t.group(1).decode(errors="replace") if t else ""
                p = pods.setdefault(pod, {"seen": Seen(), "n": 0, "first": None,
                                          "last": None, "repeated": 0, "out_of_order": 0})
                v = int(m.group(1))
                p["n"] += 1
                if p["seen"].add(v):
                    p["repeated"] += 1
                elif p["last"] is not None and v < p["last"]:
                    p["out_of_order"] += 1
                p["first"] = v if p["first"] is None else min(p["first"], v)
                p["last"] = v if p["last"] is None else max(p["last"], v)
    out = {"lines": total, "numbered": 0, "unnumbered": unnumbered, "missing": 0,
           "repeated": 0, "out_of_order": 0, "pods": {}}
    for pod, p in sorted(pods.items()):
        missing = p["last"] - p["first"] + 1 - p["seen"].count
        out["pods"][pod] = {"lines": p["n"], "first": p["first"], "last": p["last"],
                            "missing": missing, "repeated": p["repeated"],
                            "out_of_order": p["out_of_order"]}
        out["numbered"] += p["n"]
        out["missing"] += missing
        out["repeated"] += p["repeated"]
        out["out_of_order"] += p["out_of_order"]
    return out


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    print(json.dumps(scan(sys.argv[1:])))
