#!/usr/bin/env python3
"""Generates N machines' `reg export` files with a realistic mix of states.

Each file is what the collection step in docs/FLEET.md leaves on the share:
two `reg export` outputs (native WinHttp key, then the WOW6432Node one)
concatenated with `copy /b`, so UTF-16LE with a BOM at the start of each part,
CRLF line ends, and the header line twice. The mix (seeded, reproducible):

  compliant   policy value in both views
  drift       another DWORD (Easy Fix 0xA00, 0xA80, TLS 1.2 only) in a view
  missing     the key without the value, or no export at all for a view
  wrong-type  REG_SZ "0x2800" (New-ItemProperty without -PropertyType)
  one-view    only the WOW6432Node key set (the "x64 tab" mistake), or only native
  invalid     a truncated or non-.reg file

usage: gen_fleet.py OUTDIR N [--policy 0x2800] [--seed 1]
"""
import argparse
import os
import random

NATIVE = r"HKEY_LOCAL_MACHINE\SOFTWARE\Microsoft\Windows\CurrentVersion\Internet Settings\WinHttp"
WOW = r"HKEY_LOCAL_MACHINE\SOFTWARE\WOW6432Node\Microsoft\Windows\CurrentVersion\Internet Settings\WinHttp"
HEADER = "Windows Registry Editor Version 5.00\r\n\r\n"

MIX = [  # (state, weight %)
    ("compliant", 72), ("drift", 9), ("missing", 8), ("wrong-type", 3),
    ("one-view", 5), ("invalid", 3),
]


def export(key, values):
    """One `reg export` of a key: header, section, values, blank line."""
    text = HEADER + "[" + key + "]\r\n"
    for line in values:
        text += line + "\r\n"
    return b"\xff\xfe" + (text + "\r\n").encode("utf-16-le")


def dword(v):
    return '"DefaultSecureProtocols"=dword:%08x' % v


def machine(state, policy, rng):
    other = rng.choice([0xA00, 0xA80, 0x800, 0xAA0])
    if other == policy:
        other = 0xA00 if policy != 0xA00 else 0x800
    extra = ['"Tracing"=dword:00000000'] if rng.random() < 0.1 else []
    if state == "compliant":
        return export(NATIVE, extra + [dword(policy)]) + export(WOW, [dword(policy)])
    if state == "drift":
        which = rng.randrange(3)
        a = other if which in (0, 2) else policy
        b = other if which in (1, 2) else policy
        return export(NATIVE, [dword(a)]) + export(WOW, [dword(b)])
    if state == "missing":
        if rng.random() < 0.5:
            return export(NATIVE, extra) + export(WOW, [])
        return export(NATIVE, [])
    if state == "wrong-type":
        return (export(NATIVE, ['"DefaultSecureProtocols"="0x%X"' % policy]) +
                export(WOW, [dword(policy)]))
    if state == "one-view":
        if rng.random() < 0.7:
            return export(NATIVE, []) + export(WOW, [dword(policy)])
        return export(NATIVE, [dword(policy)]) + export(WOW, [])
    # invalid
    good = export(NATIVE, [dword(policy)])
    if rng.random() < 0.5:
        return good[: len(good) // 2 + 1]  # odd length: broken UTF-16
    return b"ERROR: The system was unable to find the specified registry key or value.\r\n"


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("outdir")
    ap.add_argument("n", type=int)
    ap.add_argument("--policy", default="0x2800")
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    policy = int(args.policy, 0)
    rng = random.Random(args.seed)
    states = [s for s, w in MIX for _ in range(w)]
    counts = {s: 0 for s, _ in MIX}
    for i in range(args.n):
        folder = os.path.join(args.outdir, "site-%03d" % (i // 10000))
        if i % 10000 == 0:
            os.makedirs(folder, exist_ok=True)
        state = rng.choice(states)
        counts[state] += 1
        with open(os.path.join(folder, "ws-%06d.reg" % i), "wb") as f:
            f.write(machine(state, policy, rng))
    print(" ".join("%s=%d" % kv for kv in counts.items()))


if __name__ == "__main__":
    main()
