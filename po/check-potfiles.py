#!/usr/bin/env python3
"""Every source file with translatable strings must be listed in
po/POTFILES.in, and every listed file must exist. Usage: check-potfiles.py ROOT"""
import os, re, sys

root = sys.argv[1]
listed = set()
for line in open(os.path.join(root, "po", "POTFILES.in")):
    line = line.strip()
    if line and not line.startswith("#"):
        listed.add(line)

marker_c = re.compile(r'(?<![A-Za-z0-9_])(?:N?_|C_|NC_|g_dngettext|ngettext)\s*\(\s*"')
marker_ui = re.compile(r'translatable="yes"')
found = set()
for top in ("src", "data"):
    for dirpath, _, files in os.walk(os.path.join(root, top)):
        for f in files:
            path = os.path.join(dirpath, f)
            rel = os.path.relpath(path, root)
            if f.endswith(".c"):
                if marker_c.search(open(path, encoding="utf-8").read()):
                    found.add(rel)
            elif f.endswith(".ui"):
                if marker_ui.search(open(path, encoding="utf-8").read()):
                    found.add(rel)
            elif f.endswith((".desktop.in.in", ".metainfo.xml.in.in", ".gschema.xml")):
                found.add(rel)

missing = sorted(found - listed)
stale = sorted(p for p in listed if not os.path.exists(os.path.join(root, p)))
for p in missing:
    print("not in po/POTFILES.in but has translatable strings:", p)
for p in stale:
    print("listed in po/POTFILES.in but does not exist:", p)
sys.exit(1 if missing or stale else 0)
