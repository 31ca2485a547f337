#!/usr/bin/env python3
"""Checks the Flatpak manifest against the project, through flatpak-builder's
own parser (no machine here reaches Flathub, so the build itself cannot run).

Usage: check-manifest.py MANIFEST APP_ID SOURCE_ROOT"""
import json, os, re, subprocess, sys

manifest_path, app_id, root = sys.argv[1:4]
out = subprocess.run(["flatpak-builder", "--show-manifest", manifest_path],
                     check=True, capture_output=True, text=True).stdout
m = json.loads(out)
problems = []

def need(cond, msg):
    if not cond:
        problems.append(msg)

need(m.get("id") == app_id, f"id is {m.get('id')!r}, the project's app id is {app_id!r}")
need(m.get("runtime") == "org.gnome.Platform", "runtime must be org.gnome.Platform")
need(m.get("sdk") == "org.gnome.Sdk", "sdk must be org.gnome.Sdk")
need(int(m.get("runtime-version", "0")) >= 47, "runtime-version is older than a supported GNOME runtime")

# The command must be an executable the project installs.
src_app = open(os.path.join(root, "src/app/meson.build")).read()
need(m.get("command") == "resume-synth" and "'resume-synth'" in src_app,
     "command must be resume-synth, the executable src/app installs")
need("install: true" in open(os.path.join(root, "src/cli/meson.build")).read(),
     "resume-synth-cli must be installed so `flatpak run --command=resume-synth-cli` works")

allowed = {"--share=network", "--share=ipc", "--socket=wayland", "--socket=fallback-x11", "--device=dri"}
args = set(m.get("finish-args", []))
need(args <= allowed, f"finish-args wider than needed: {sorted(args - allowed)}")
need("--socket=x11" not in args, "use --socket=fallback-x11, not --socket=x11")
need(not any("org.freedesktop.secrets" in a for a in args),
     "the key goes through the Secret portal; no --talk-name=org.freedesktop.secrets")
need(not any(a.startswith("--filesystem") for a in args),
     "files are reached through the portal file chooser; no --filesystem")

mods = m.get("modules", [])
need(len(mods) >= 1, "no modules")
if mods:
    main = mods[-1]
    need(main.get("buildsystem") == "meson", "the last module must build with meson")
    srcs = main.get("sources", [])
    need(any(s.get("type") == "dir" and
             os.path.samefile(os.path.join(os.path.dirname(os.path.abspath(manifest_path)), s.get("path", "")), root)
             for s in srcs), "the last module must build this repository as a dir source")
    opts = open(os.path.join(root, "meson_options.txt")).read()
    for o in main.get("config-opts", []):
        mm = re.match(r"-D([a-z_]+)=", o)
        if mm and mm.group(1) not in ("buildtype",):
            need(f"option('{mm.group(1)}'" in opts, f"config-opt {o} is not an option in meson_options.txt")

if problems:
    for p in problems:
        print("manifest:", p)
    sys.exit(1)
print("manifest ok:", m["id"], m["runtime"], m["runtime-version"])
