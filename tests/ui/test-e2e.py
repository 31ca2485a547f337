#!/usr/bin/python3
# test-e2e.py — end to end through the accessibility tree, as a screen
# reader or a user would: start the real app, set the record count, press
# Generate, wait for the rows, export, and read the CSV back.
#
#   test-e2e.py /path/to/resume-synth
#
# Runs under build-aux/test's session (Xvfb, D-Bus, AT-SPI). Prints TAP.
import csv
import glob
import os
import subprocess
import sys
import tempfile
import time

# dogtail refuses to start unless it believes accessibility is on; GTK 4
# talks AT-SPI whenever the bus is there, so say so for this process only.
os.environ.setdefault("GTK_MODULES", "gail:atk-bridge")

RECORDS = 300
app_path = sys.argv[1]
tests = []
# TAP goes to the real stdout; dogtail prints its own chatter ("click on …")
# with print(), which would be read as malformed TAP, so that goes to stderr.
TAP = sys.stdout
sys.stdout = sys.stderr


def ok(cond, name, detail=""):
    tests.append((bool(cond), name, detail))
    return cond


def finish():
    print(f"1..{len(tests)}", file=TAP)
    for i, (passed, name, detail) in enumerate(tests, 1):
        print(f"{'ok' if passed else 'not ok'} {i} {name}", file=TAP)
        if detail:
            for line in str(detail).splitlines():
                print(f"# {line}", file=TAP)
    TAP.flush()
    sys.exit(0 if all(t[0] for t in tests) else 1)


def wait_for(predicate, timeout, step=0.2):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            value = predicate()
            if value:
                return value
        except Exception:  # the tree changes under us while the app works
            pass
        time.sleep(step)
    return None


def find(node, role, name, depth=0):
    """The first node in @node's subtree with @role whose accessible name is
    @name (GTK 4.8 may repeat a name, "Records Records": the first word
    group counts)."""
    if depth > 60:
        return None
    try:
        if node.roleName == role and (node.name == name or node.name.startswith(name + " ")):
            return node
        for child in node.children:
            found = find(child, role, name, depth + 1)
            if found is not None:
                return found
    except Exception:
        return None
    return None


try:
    from dogtail import config, tree
    from dogtail.predicate import GenericPredicate
except Exception as error:  # pragma: no cover
    print("1..0 # SKIP dogtail is not available: %s" % error, file=TAP)
    sys.exit(0)

# GTK 4.8 does not report the "showing" state over AT-SPI.
config.searchShowingOnly = False
config.defaultDelay = 0.2
config.searchCutoffCount = 10
config.logDebugToStdOut = False
config.logDebugToFile = False

home = tempfile.mkdtemp(prefix="synth-e2e-")
env = dict(os.environ)
env.pop("GTK_MODULES", None)
env.update({
    "HOME": home,
    "XDG_DATA_HOME": os.path.join(home, "data"),
    "XDG_CONFIG_HOME": os.path.join(home, "config"),
    "SYNTH_RUNS_DIR": os.path.join(home, "runs"),
})
env.pop("GTK_A11Y", None)
app_process = subprocess.Popen([app_path], env=env)

try:
    app = wait_for(lambda: tree.root.application("resume-synth"), 30)
    if not ok(app, "the app appears in the accessibility tree"):
        finish()

    # Searching the whole tree costs a D-Bus call per node: narrow it down.
    form = wait_for(lambda: find(app, "filler", "SynthGenerateForm"), 30)
    table = find(app, "filler", "SynthRecordsView")
    records = find(form, "spin button", "Records")
    if ok(records, "the Records spin button is reachable by its name"):
        # Through its AT-SPI Value, as assistive technology sets it (Xvfb has
        # no window manager to give the window keyboard focus for typing).
        records.value = RECORDS
        ok(wait_for(lambda: records.value == RECORDS, 5), "the count is set", records.value)

    generate = find(form, "push button", "Generate")
    if ok(generate, "the Generate button is reachable by its name"):
        generate.doActionNamed("click")

    count = wait_for(lambda: find(table, "label", f"{RECORDS} records"), 60, step=1)
    ok(count, f"the table reports {RECORDS} records")

    # Export… from the primary menu, then Export in the dialog (it suggests
    # a file in the home folder, named after the run).
    # A GtkMenuButton is a box around the toggle button that takes clicks.
    menu = find(app, "push button", "Main Menu")
    inner = [c for c in menu.children if c.roleName in ("push button", "toggle button")]
    (inner[0] if inner else menu).doActionNamed("click")
    item = wait_for(lambda: find(app, "menu item", "Export…"), 10)
    if ok(item, "Export… is in the main menu"):
        item.doActionNamed("click")
    export = wait_for(lambda: find(app, "push button", "Export"), 10)
    if ok(export, "the export dialog opens with its Export button"):
        export.doActionNamed("click")

    exported = wait_for(lambda: [p for p in glob.glob(os.path.join(home, "**", "*.csv"), recursive=True)
                                 if "runs" not in p], 30)
    if ok(exported, "export wrote a CSV", exported):
        with open(exported[0], newline="", encoding="utf-8") as f:
            rows = list(csv.reader(f))
        ok(rows[0][:5] == ["name", "resume_text", "job_skill_text", "match_label", "bias_type"],
           "the CSV starts with the five seed columns", rows[0])
        ok(len(rows) == RECORDS + 1, f"the CSV has {RECORDS} records", len(rows) - 1)
        labels = [r[3] for r in rows[1:]]
        ok(labels.count("1") == RECORDS // 2, "labels are exactly balanced",
           f"{labels.count('1')} of {len(labels)}")
        ok(os.path.exists(exported[0][:-4] + ".stats.json"), "the stats JSON is beside it")
        ok(os.path.exists(exported[0][:-4] + ".report.html"), "the HTML report is beside it")
except Exception as error:
    ok(False, "unexpected error", repr(error))
finally:
    app_process.terminate()
    try:
        app_process.wait(10)
    except subprocess.TimeoutExpired:
        app_process.kill()
    subprocess.run(["rm", "-rf", home])

finish()
