#!/usr/bin/env python3
"""Compares TLS version verdicts of secproto, sslscan and testssl.sh with the
ground truth (how each openssl s_server was started).

  compare_verdicts.py --expected FILE [--secproto JSONL] [--sslscan XML]
                      [--testssl JSON] [--versions tls1.0,tls1.1,tls1.2,tls1.3]

--expected: "host:port v1,v2" lines (bench/servers.sh writes them). Each
tool's verdicts are compared with it for the endpoints that tool covered, and
the tools are compared with each other on the endpoints they share. Prints
one line per tool ("secproto: 1200/1200 verdicts agree with ground truth") and
each mismatch; with --json-out FILE also writes the counts as JSON. Exits 1
when any verdict differs from the ground truth or a tool missed an endpoint
it was given, 2 on unreadable input.
"""
import argparse
import json
import sys
import xml.etree.ElementTree as ET

ALL = ["ssl2", "ssl3", "tls1.0", "tls1.1", "tls1.2", "tls1.3"]


def load_expected(path):
    exp = {}
    with open(path) as f:
        for line in f:
            parts = line.split()
            if not parts:
                continue
            offered = set(parts[1].split(",")) if len(parts) > 1 else set()
            exp[parts[0]] = {v: ("offered" if v in offered else "not-offered") for v in ALL}
    return exp


def load_secproto(path):
    out = {}
    with open(path) as f:
        for line in f:
            line = line.strip()
            if not line:
                continue
            j = json.loads(line)
            out[j["endpoint"]] = {v: j["versions"].get(v, {}).get("verdict", "missing") for v in ALL}
    return out


SSLSCAN_NAMES = {("ssl", "2"): "ssl2", ("ssl", "3"): "ssl3", ("tls", "1.0"): "tls1.0",
                 ("tls", "1.1"): "tls1.1", ("tls", "1.2"): "tls1.2", ("tls", "1.3"): "tls1.3"}


def load_sslscan(path):
    out = {}
    root = ET.parse(path).getroot()
    for test in root.iter("ssltest"):
        ep = "%s:%s" % (test.get("host"), test.get("port"))
        verdicts = {}
        for p in test.iter("protocol"):
            name = SSLSCAN_NAMES.get((p.get("type"), p.get("version")))
            if name:
                verdicts[name] = "offered" if p.get("enabled") == "1" else "not-offered"
        out[ep] = verdicts
    return out


TESTSSL_NAMES = {"SSLv2": "ssl2", "SSLv3": "ssl3", "TLS1": "tls1.0", "TLS1_1": "tls1.1",
                 "TLS1_2": "tls1.2", "TLS1_3": "tls1.3"}


def testssl_verdict(finding):
    f = finding.lower()
    if "not offered" in f or "is not offered" in f:
        return "not-offered"
    if f.startswith("offered"):
        return "offered"
    return "inconclusive"


def load_testssl(paths):
    out = {}
    for path in paths:
        with open(path) as f:
            data = json.load(f)
        if isinstance(data, dict):  # --jsonfile-pretty shape
            data = [x for s in data.get("scanResult", []) for x in s.get("protocols", [])]
        for item in data:
            name = TESTSSL_NAMES.get(item.get("id"))
            if not name:
                continue
            ip = item.get("ip", "").split("/")[-1]
            ep = "%s:%s" % (ip, item.get("port"))
            out.setdefault(ep, {})[name] = testssl_verdict(item.get("finding", ""))
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--expected", required=True)
    ap.add_argument("--secproto")
    ap.add_argument("--sslscan")
    ap.add_argument("--testssl", action="append", default=[])
    ap.add_argument("--testssl-targets", help="the endpoints testssl was given (default: all)")
    ap.add_argument("--versions", default="tls1.0,tls1.1,tls1.2,tls1.3")
    ap.add_argument("--json-out")
    a = ap.parse_args()
    versions = a.versions.split(",")
    try:
        expected = load_expected(a.expected)
        tools = {}
        given = {}
        if a.secproto:
            tools["secproto"] = load_secproto(a.secproto)
            given["secproto"] = set(expected)
        if a.sslscan:
            tools["sslscan"] = load_sslscan(a.sslscan)
            given["sslscan"] = set(expected)
        if a.testssl:
            tools["testssl"] = load_testssl(a.testssl)
            if a.testssl_targets:
                with open(a.testssl_targets) as f:
                    given["testssl"] = {l.split()[-1] for l in f if l.strip()}
            else:
                given["testssl"] = set(expected)
    except (OSError, ValueError, KeyError, ET.ParseError) as e:
        print("compare_verdicts: cannot read input: %s" % e, file=sys.stderr)
        return 2

    failed = False
    report = {"versions": versions, "tools": {}}
    for name, results in tools.items():
        agree = total = 0
        mismatches = []
        missing = sorted(given[name] - set(results))
        for ep in sorted(given[name]):
            if ep not in results:
                continue
            for v in versions:
                total += 1
                got = results[ep].get(v, "missing")
                want = expected[ep][v]
                if got == want:
                    agree += 1
                else:
                    mismatches.append("%s %s: %s says %s, server %s" % (ep, v, name, got,
                                                                       "offers it" if want == "offered" else "does not"))
        print("%s: %d/%d verdicts agree with ground truth (%d endpoints%s)"
              % (name, agree, total, len(given[name]) - len(missing),
                 ", %d missing" % len(missing) if missing else ""))
        for m in mismatches[:20]:
            print("  mismatch: " + m)
        if len(mismatches) > 20:
            print("  ... %d more" % (len(mismatches) - 20))
        for ep in missing[:10]:
            print("  missing: %s has no result from %s" % (ep, name))
        failed |= bool(mismatches) or bool(missing)
        report["tools"][name] = {"agree": agree, "total": total, "mismatches": len(mismatches),
                                 "missing": len(missing)}
    # Tool against tool, on shared endpoints.
    names = list(tools)
    for i in range(len(names)):
        for j in range(i + 1, len(names)):
            x, y = names[i], names[j]
            shared = sorted(set(tools[x]) & set(tools[y]) & set(expected))
            diff = [(ep, v) for ep in shared for v in versions
                    if tools[x][ep].get(v) != tools[y][ep].get(v)]
            print("%s vs %s: %d/%d verdicts identical on %d shared endpoints"
                  % (x, y, len(shared) * len(versions) - len(diff), len(shared) * len(versions), len(shared)))
            report["tools"]["%s_vs_%s" % (x, y)] = {"identical": len(shared) * len(versions) - len(diff),
                                                    "total": len(shared) * len(versions)}
    if a.json_out:
        with open(a.json_out, "w") as f:
            json.dump(report, f)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
