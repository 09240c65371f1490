#!/usr/bin/env python3
"""Compares the cipher suites and groups `secproto probe --suites --json` found
with sslscan's XML (--xml) on the same endpoints, and with how each server was
started (bench/servers.sh writes a "kinds" file).

  compare_suites.py --secproto F.jsonl --sslscan F.xml [--kinds F] [--quiet]

Per endpoint and TLS version both tools report: the suites must be the same
set; when secproto says the server keeps its own order, the same order as
sslscan's (which also lists the server's choices one after the other); the
groups the same set. Exit 0 when all agree, 1 otherwise. Prints one line per
disagreement and a summary with secproto's connections per endpoint.
"""
import argparse
import json
import subprocess
import sys
import xml.etree.ElementTree as ET

GROUPS = {
    "x25519": 0x1D, "x448": 0x1E, "secp256r1": 0x17, "secp384r1": 0x18, "secp521r1": 0x19,
    "ffdhe2048": 0x100, "ffdhe3072": 0x101, "ffdhe4096": 0x102, "ffdhe6144": 0x103,
    "ffdhe8192": 0x104, "brainpoolP256r1": 0x1A, "brainpoolP384r1": 0x1B,
    "brainpoolP512r1": 0x1C,
}
VERSIONS = {"SSLv3": "ssl3", "TLSv1.0": "tls1.0", "TLSv1.1": "tls1.1", "TLSv1.2": "tls1.2",
            "TLSv1.3": "tls1.3"}


def openssl_ids():
    """IANA name -> code point, from the local openssl."""
    out = subprocess.run(["openssl", "ciphers", "-V", "-stdname", "ALL:COMPLEMENTOFALL:@SECLEVEL=0"],
                         capture_output=True, text=True, check=True).stdout
    ids = {}
    for line in out.splitlines():
        parts = line.split()
        if len(parts) < 3 or "," not in parts[0]:
            continue
        hi, lo = parts[0].split(",")
        ids[parts[2]] = (int(hi, 16) << 8) | int(lo, 16)
    return ids


def parse_id(text):
    if text.startswith("0x") and len(text) == 6:
        return int(text, 16)
    return None


def load_sslscan(path):
    """(host:port) -> version -> {"suites": [ids in order], "groups": set}."""
    res = {}
    root = ET.parse(path).getroot()
    for test in root.iter("ssltest"):
        ep = "%s:%s" % (test.get("host"), test.get("port"))
        per = res.setdefault(ep, {})
        for c in test.iter("cipher"):
            v = VERSIONS.get(c.get("sslversion"))
            if v:
                per.setdefault(v, {"suites": [], "groups": set()})["suites"].append(
                    int(c.get("id"), 16))
        for g in test.iter("group"):
            v = VERSIONS.get(g.get("sslversion"))
            if v:
                per.setdefault(v, {"suites": [], "groups": set()})["groups"].add(int(g.get("id"), 16))
    return res


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--secproto", required=True)
    ap.add_argument("--sslscan", required=True)
    ap.add_argument("--kinds")
    ap.add_argument("--quiet", action="store_true")
    a = ap.parse_args()
    ids = openssl_ids()
    ours = {}
    connections = []
    with open(a.secproto) as f:
        for line in f:
            if not line.strip():
                continue
            j = json.loads(line)
            if "endpoint" not in j:
                continue
            connections.append(j.get("connections", 0))
            per = ours.setdefault(j["endpoint"], {})
            for v, r in j["versions"].items():
                if "suites" not in r:
                    continue
                suites = []
                for n in r["suites"]:
                    code = ids.get(n, parse_id(n))
                    if code is None:
                        print("FAIL: %s %s: suite %s unknown to openssl" % (j["endpoint"], v, n))
                        return 1
                    suites.append(code)
                groups = {GROUPS.get(n, parse_id(n) or -1) for n in r.get("groups", [])}
                per[v] = {"suites": suites, "groups": groups, "order": r.get("order"),
                          "names": r["suites"], "gnames": r.get("groups", [])}
    theirs = load_sslscan(a.sslscan)
    kinds = {}
    if a.kinds:
        with open(a.kinds) as f:
            for line in f:
                if line.strip():
                    ep, kind = line.split()
                    kinds[ep] = kind
    bad = 0
    checked = 0
    extra = []

    def fail(msg):
        nonlocal bad
        bad += 1
        print("FAIL: " + msg)

    for ep in sorted(set(ours) | set(theirs)):
        mine, other = ours.get(ep, {}), theirs.get(ep, {})
        for v in sorted(set(mine) | set(other)):
            m = mine.get(v, {"suites": [], "groups": set(), "order": None})
            o = other.get(v, {"suites": [], "groups": set()})
            checked += 1
            if set(m["suites"]) != set(o["suites"]):
                fail("%s %s suites differ: secproto-only %s, sslscan-only %s" % (
                    ep, v, ["0x%04x" % x for x in sorted(set(m["suites"]) - set(o["suites"]))],
                    ["0x%04x" % x for x in sorted(set(o["suites"]) - set(m["suites"]))]))
            elif m.get("order") == "server" and m["suites"] != o["suites"]:
                fail("%s %s server order differs: secproto %s, sslscan %s" % (
                    ep, v, ["0x%04x" % x for x in m["suites"]], ["0x%04x" % x for x in o["suites"]]))
            # TLS 1.3: the same groups. Below, sslscan tries each group alone
            # with its own suite list, so it misses groups a server takes only
            # beside its certificate's curve (ECDSA) or only with suites
            # sslscan does not offer then (CHACHA20 only, an RSA key
            # exchange suite first): its groups must be among ours.
            if v == "tls1.3" and m["groups"] != o["groups"]:
                fail("%s %s groups differ: secproto %s, sslscan %s" % (
                    ep, v, sorted(m["groups"]), sorted(o["groups"])))
            elif v != "tls1.3" and not o["groups"] <= m["groups"]:
                fail("%s %s sslscan groups %s not all found by secproto %s" % (
                    ep, v, sorted(o["groups"]), sorted(m["groups"])))
            elif m["groups"] != o["groups"]:
                extra.append("%s %s: %s" % (ep, v, sorted(m["groups"] - o["groups"])))
        kind = kinds.get(ep)
        for v, m in mine.items():
            names, gnames = m["names"], m["gnames"]
            rule = {
                "cbc": lambda n: "_CBC_" in n,
                "gcm": lambda n: "_GCM_" in n,
                "chacha": lambda n: "CHACHA20" in n,
                "rsakx": lambda n: n.startswith("TLS_RSA_WITH_"),
                "ecdsa": lambda n: "_RSA_" not in n,
                "rsa": lambda n: "_ECDSA_" not in n,
            }.get(kind)
            if rule and (not names or not all(rule(n) for n in names)):
                fail("%s (%s) %s: suites %s break the server's configuration" % (ep, kind, v, names))
            if kind in ("p384", "x25519"):
                want = ["secp384r1"] if kind == "p384" else ["x25519"]
                if gnames != want:
                    fail("%s (%s) %s: groups %s, expected %s" % (ep, kind, v, gnames, want))
            if kind in ("serverpref", "clientpref") and len(names) >= 2:
                want = "server" if kind == "serverpref" else "client"
                if m.get("order") != want:
                    fail("%s (%s) %s: order %s, expected %s" % (ep, kind, v, m.get("order"), want))
    if not a.quiet:
        for e in extra:
            print("note: groups secproto found beyond sslscan's one-at-a-time test: " + e)
        total = sum(connections)
        print("compare_suites: %d endpoint x version results checked, %d disagreements; "
              "secproto connections: %d in all, max %d per endpoint" % (
                  checked, bad, total, max(connections) if connections else 0))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
