#!/usr/bin/env python3
"""Writes a compiled change list (format secproto-changes) of the size and shape
of a whole-stack TLS policy, and the same changes as two .reg files for
`hivexregedit --merge` (one per hive), so tests and benchmarks can compare.

Variant 0: TLS 1.2+1.3 only, AEAD suites, EventLogging 1, WinHTTP 0x2800.
Variant 1: the same with TLS 1.2 only in WinHTTP (0x0800) and EventLogging 7,
so that two variants differ in both hives.

Usage: policy_changes.py VARIANT OUT.json [SOFTWARE.reg SYSTEM.reg CONTROLSET]
       policy_changes.py --from-compile COMPILE.json OUT.json SOFTWARE.reg SYSTEM.reg CONTROLSET
The second form takes `secproto --json policy compile POLICY --os ID` output
(a template compiled for one OS) instead of a built-in variant.
"""
import json
import sys

SCHANNEL = r"HKLM\SYSTEM\CurrentControlSet\Control\SecurityProviders\SCHANNEL"
SUITES = r"HKLM\SOFTWARE\Policies\Microsoft\Cryptography\Configuration\SSL\00010002"
NET = [r"HKLM\SOFTWARE\Microsoft\.NETFramework\v4.0.30319",
       r"HKLM\SOFTWARE\Microsoft\.NETFramework\v2.0.50727"]
WINHTTP = r"HKLM\SOFTWARE\Microsoft\Windows\CurrentVersion\Internet Settings\WinHttp"
PROTOCOLS = [("SSL 2.0", False), ("SSL 3.0", False), ("TLS 1.0", False),
             ("TLS 1.1", False), ("TLS 1.2", True), ("TLS 1.3", True)]
SUITE_LIST = ["TLS_AES_256_GCM_SHA384", "TLS_AES_128_GCM_SHA256",
              "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
              "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"]
CURVES = ["curve25519", "NistP256", "NistP384"]


def dword(v):
    return (4, v.to_bytes(4, "little").hex())


def sz(s):
    return (1, (s.encode("utf-16-le") + b"\0\0").hex())


def multi_sz(items):
    return (7, ("".join(i + "\0" for i in items).encode("utf-16-le") + b"\0\0").hex())


def changes(variant):
    out = []

    def add(key, name, value, effect, view="64"):
        t, data = value
        out.append({"view": view, "key": key, "name": name, "type": t, "data": data,
                    "effect": effect, "why": "whole-stack test policy"})

    for proto, on in PROTOCOLS:
        for side in ("Client", "Server"):
            k = SCHANNEL + "\\Protocols\\" + proto + "\\" + side
            add(k, "Enabled", dword(1 if on else 0), "service-restart")
            add(k, "DisabledByDefault", dword(0 if on else 1), "service-restart")
    add(SCHANNEL, "EventLogging", dword(7 if variant else 1), "reboot")
    add(SUITES, "Functions", sz(",".join(SUITE_LIST)), "reboot")
    add(SUITES, "EccCurves", multi_sz(CURVES), "reboot")
    for view in ("64", "32"):
        for k in NET:
            add(k, "SchUseStrongCrypto", dword(1), "next-process", view)
            add(k, "SystemDefaultTlsVersions", dword(1), "next-process", view)
        add(WINHTTP, "DefaultSecureProtocols", dword(0x0800 if variant else 0x2800),
            "service-restart", view)
    return out


def physical(view, key):
    if view == "32" and key.startswith("HKLM\\SOFTWARE\\") and not key.startswith("HKLM\\SOFTWARE\\Policies"):
        return "HKLM\\SOFTWARE\\Wow6432Node\\" + key[len("HKLM\\SOFTWARE\\"):]
    return key


def reg_value(t, data):
    if t == 4:
        return "dword:%08x" % int.from_bytes(bytes.fromhex(data), "little")
    return "hex(%x):" % t + ",".join(data[i:i + 2] for i in range(0, len(data), 2))


def write_reg(path, entries, prefix):
    keys = {}
    for e in entries:
        parts = e[0].split("\\")
        for i in range(1, len(parts)):  # hivexregedit needs every parent key first
            keys.setdefault("\\".join(parts[:i]), [])
        keys.setdefault(e[0], []).append(e[1:])
    with open(path, "w", encoding="utf-8") as f:
        f.write("Windows Registry Editor Version 5.00\n\n")
        for k, values in keys.items():
            f.write("[" + prefix + k + "]\n")
            for name, t, data in values:
                f.write('"%s"=%s\n' % (name, reg_value(t, data)))
            f.write("\n")


TYPE_CODES = {"REG_SZ": 1, "REG_EXPAND_SZ": 2, "REG_BINARY": 3, "REG_DWORD": 4, "REG_MULTI_SZ": 7,
              "REG_QWORD": 11}


def from_compile(path):
    out = []
    for c in json.load(open(path, encoding="utf-8"))["changes"]:
        if c["action"] != "set":
            sys.exit("policy_changes.py: %s %s is a delete; hivexregedit --merge is given sets only"
                     % (c["key"], c["name"]))
        out.append({"view": c["view"], "key": c["key"], "name": c["name"],
                    "type": TYPE_CODES[c["type"]], "data": c["data"], "effect": c["effect"],
                    "why": c.get("why", "")})
    return out


def main():
    if sys.argv[1] == "--from-compile":
        ch = from_compile(sys.argv[2])
        del sys.argv[1]
    else:
        ch = changes(int(sys.argv[1]))
    with open(sys.argv[2], "w", encoding="utf-8") as f:
        json.dump({"format": "secproto-changes", "version": 1, "changes": ch}, f, indent=1)
    if len(sys.argv) > 3:
        soft, syst, cs = sys.argv[3], sys.argv[4], sys.argv[5]
        s_entries, y_entries = [], []
        for c in ch:
            k = physical(c["view"], c["key"])
            if k.startswith("HKLM\\SOFTWARE\\"):
                s_entries.append((k[len("HKLM\\SOFTWARE\\"):], c["name"], c["type"], c["data"]))
            else:
                rest = k[len("HKLM\\SYSTEM\\"):].replace("CurrentControlSet", cs, 1)
                y_entries.append((rest, c["name"], c["type"], c["data"]))
        write_reg(soft, s_entries, "HKEY_LOCAL_MACHINE\\SOFTWARE\\")
        write_reg(syst, y_entries, "HKEY_LOCAL_MACHINE\\SYSTEM\\")


main()
