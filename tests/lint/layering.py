#!/usr/bin/env python3
"""Layering check: the lower layers never include a header of a higher one.

A file under src/core, src/registry, src/util or src/probe may include
headers of those folders and the public headers of those layers; it must not
reach, directly or through the headers it includes, a header of src/cli,
src/audit, src/emit, src/explain or src/ops, nor the public headers that
belong to them (secproto/audit.h, emit.h, explain.h, setting.h).

usage: layering.py SOURCE_DIR        exit 0 clean, 1 with one line per violation
       layering.py --self-test       proves the check fails on a planted include
"""
import os
import re
import sys
import tempfile

LOW = ("src/core", "src/registry", "src/util", "src/probe")
HIGH_DIRS = ("src/cli/", "src/audit/", "src/emit/", "src/explain/", "src/ops/")
HIGH_PUBLIC = {"include/secproto/audit.h", "include/secproto/emit.h",
               "include/secproto/explain.h", "include/secproto/setting.h"}
INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"', re.M)


def resolve(root, including, name):
    """The repository-relative path a quoted include names, or None (system)."""
    for base in (os.path.dirname(including), "src", "include"):
        rel = os.path.normpath(os.path.join(base, name))
        if os.path.isfile(os.path.join(root, rel)):
            return rel
    return None


def is_high(rel):
    return rel.startswith(HIGH_DIRS) or rel in HIGH_PUBLIC


def check(root):
    violations = []
    for low in LOW:
        for dirpath, _, files in os.walk(os.path.join(root, low)):
            for f in sorted(files):
                if not f.endswith((".cc", ".h")):
                    continue
                start = os.path.relpath(os.path.join(dirpath, f), root)
                # Depth-first over quoted includes, remembering the chain.
                seen = set()
                stack = [(start, [start])]
                while stack:
                    rel, chain = stack.pop()
                    if rel in seen:
                        continue
                    seen.add(rel)
                    with open(os.path.join(root, rel), encoding="utf-8", errors="replace") as fh:
                        text = fh.read()
                    for name in INCLUDE.findall(text):
                        target = resolve(root, rel, name)
                        if target is None:
                            continue
                        if is_high(target):
                            violations.append(" -> ".join(chain + [target]))
                            continue
                        stack.append((target, chain + [target]))
    return violations


def self_test():
    with tempfile.TemporaryDirectory() as d:
        os.makedirs(os.path.join(d, "src/probe"))
        os.makedirs(os.path.join(d, "src/cli"))
        os.makedirs(os.path.join(d, "include/secproto"))
        with open(os.path.join(d, "src/cli/common.h"), "w") as fh:
            fh.write("// cli\n")
        with open(os.path.join(d, "include/secproto/probe.h"), "w") as fh:
            fh.write('#include "secproto/explain.h"\n')
        with open(os.path.join(d, "include/secproto/explain.h"), "w") as fh:
            fh.write("// explain\n")
        with open(os.path.join(d, "src/probe/ok.cc"), "w") as fh:
            fh.write('#include <vector>\n#include "secproto/error.h"\n')
        if check(d):
            print("self-test: a clean tree was reported")
            return 1
        with open(os.path.join(d, "src/probe/direct.cc"), "w") as fh:
            fh.write('#include "cli/common.h"\n')
        with open(os.path.join(d, "src/probe/indirect.cc"), "w") as fh:
            fh.write('#include "secproto/probe.h"\n')
        got = set(check(d))
        want = {"src/probe/direct.cc -> src/cli/common.h",
                "src/probe/indirect.cc -> include/secproto/probe.h -> include/secproto/explain.h"}
        if not want <= got:
            print("self-test: planted includes not all reported: %s" % sorted(got))
            return 1
    print("self-test: ok")
    return 0


def main():
    if len(sys.argv) == 2 and sys.argv[1] == "--self-test":
        return self_test()
    if len(sys.argv) != 2:
        print("usage: layering.py SOURCE_DIR | --self-test", file=sys.stderr)
        return 2
    violations = check(sys.argv[1])
    for v in violations:
        print("layering: %s" % v)
    return 1 if violations else 0


if __name__ == "__main__":
    sys.exit(main())
