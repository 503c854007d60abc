#!/usr/bin/env python3
"""The layering rules of docs/design.md, checked (make lint).

Usage: layers.py LAYERS OBJDIR
  LAYERS      the supervisor's layer folders, lowest first ("lib manifest ...")
  OBJDIR      the host build's objects (build/host/obj)

Checks, each printed as one TAP-style line:
  includes   a file includes only headers of its own folder or folders below
             it, by name (no "../" paths); supervisor/*.c is above every
             layer, init/ above that, a unit test in tests/unit/L/ is in L
  cycles     the module graph (which object calls which, from nm) has no cycle
  exports    every external function or object of a module is used by another
             module or by a unit test; the rest must be static
  link       each layer's archive, linked whole with only the archives below
             it, leaves no symbol undefined: an upward call fails to link
  libc       no module calls scanf or strtod: they bring musl's float and
             wide-character readers into the static build (~18 KB on arm64;
             supervisor/lib/scan.h reads what podinit reads)
"""
import collections, os, re, subprocess, sys

layers = sys.argv[1].split()
objdir = sys.argv[2]
rank = {l: i for i, l in enumerate(layers)}
TOP, INIT = len(layers), len(layers) + 1
results = []


def report(name, problems):
    results.append(not problems)
    print(("ok" if not problems else "not ok") + " - " + name)
    for p in problems[:40]:
        print("    " + p)


def layer_of(path):
    parts = path.split("/")
    if parts[0] == "init":
        return INIT
    if parts[0] == "supervisor":
        return rank[parts[1]] if len(parts) > 2 else TOP
    if parts[:2] == ["tests", "unit"] and parts[2] in rank:
        return rank[parts[2]]
    return None


def files(*roots):
    for root in roots:
        for d, _, fs in os.walk(root):
            for f in sorted(fs):
                if f.endswith((".c", ".h")):
                    yield os.path.join(d, f)


# headers by name: a name must be unique across the tree (the -iquote
# paths would otherwise pick one silently)
headers = collections.defaultdict(list)
for f in files("supervisor"):
    if f.endswith(".h"):
        headers[os.path.basename(f)].append(f)
problems = ["%s: defined %d times: %s" % (h, len(p), " ".join(p))
            for h, p in headers.items() if len(p) > 1]
inc = re.compile(r'^\s*#\s*include\s+"([^"]+)"', re.M)
names = {0: "lib"}
names.update({i: l for l, i in rank.items()}); names[TOP] = "supervisor"; names[INIT] = "init"
for f in files("supervisor", "init", "tests/unit"):
    me = layer_of(f)
    if me is None:
        continue
    for n, h in enumerate(inc.findall(open(f).read())):
        if "/" in h:
            problems.append("%s: includes %s by a path: use the name" % (f, h))
            continue
        where = headers.get(h)
        if not where:
            if not os.path.exists(os.path.join(os.path.dirname(f), h)):
                problems.append("%s: includes %s, which is no header of the tree" % (f, h))
            continue
        their = layer_of(where[0])
        if their > me:
            problems.append("%s (%s) includes %s (%s): a layer includes only from below"
                            % (f, names[me], where[0], names[their]))
report("includes: each folder includes only from itself and the folders below", problems)

# the module graph from the objects' symbols
defs, undef, obj_of = {}, collections.defaultdict(set), {}
for f in files("supervisor", "init"):
    if not f.endswith(".c"):
        continue
    o = os.path.join(objdir, f[:-2] + ".o")
    if not os.path.exists(o):
        report("objects: " + o, ["missing: build first (make)"])
        sys.exit(1)
    m = f[:-2]
    obj_of[m] = o
    for line in subprocess.run(["nm", o], capture_output=True, text=True, check=True).stdout.splitlines():
        p = line.split()
        if len(p) == 3 and p[1] in "TDBRC":
            defs[p[2]] = m
        elif len(p) == 2 and p[0] == "U":
            undef[m].add(p[1])
graph = collections.defaultdict(set)
for m, us in undef.items():
    for s in us:
        if s in defs and defs[s] != m:
            graph[m].add(defs[s])

index, low, stack, on, sccs = {}, {}, [], set(), []
sys.setrecursionlimit(10000)


def strong(v):
    index[v] = low[v] = len(index)
    stack.append(v); on.add(v)
    for w in sorted(graph.get(v, ())):
        if w not in index:
            strong(w); low[v] = min(low[v], low[w])
        elif w in on:
            low[v] = min(low[v], index[w])
    if low[v] == index[v]:
        comp = []
        while True:
            w = stack.pop(); on.discard(w); comp.append(w)
            if w == v:
                break
        if len(comp) > 1:
            sccs.append(sorted(comp))


for v in sorted(obj_of):
    if v not in index:
        strong(v)
report("cycles: the module graph (%d modules, %d edges) has none" %
       (len(obj_of), sum(len(v) for v in graph.values())),
       ["cycle: " + " <-> ".join(c) for c in sccs])

up = []
for m, ds in sorted(graph.items()):
    for d in sorted(ds):
        if layer_of(d + ".c") > layer_of(m + ".c"):
            up.append("%s calls up into %s" % (m, d))
report("calls: no module calls a module of a higher layer", up)

FLOATY = {"sscanf", "fscanf", "scanf", "vsscanf", "vfscanf", "__isoc99_sscanf", "__isoc99_fscanf",
          "__isoc99_scanf", "__isoc99_vsscanf", "__isoc99_vfscanf", "__isoc23_sscanf", "__isoc23_fscanf",
          "strtod", "strtof", "strtold", "atof"}
report("libc: no module calls scanf or strtod",
       sorted("%s.c calls %s" % (m, s) for m, us in undef.items() for s in us if s in FLOATY))

# exports nobody else uses
used = collections.defaultdict(set)
for m, us in undef.items():
    for s in us:
        used[s].add(m)
# unit tests and fuzzers count as users: they link our archives
for f in files("tests/unit", "tests/fuzz"):
    text = open(f).read()
    for s in defs:
        if s in text:
            used[s].add(f)
lonely = sorted("%s: %s is used by no other module (make it static, or remove it)" % (defs[s] + ".c", s)
                for s in defs if not (used[s] - {defs[s]}) and s != "main")
report("exports: every external name is used outside its file", lonely)

# each layer linked whole against the layers below it only
libdir = os.path.join(os.path.dirname(objdir.rstrip("/")), "lib")
import tempfile
with tempfile.TemporaryDirectory() as tmp:
    stub = os.path.join(tmp, "main.c")
    open(stub, "w").write("int main(void) { return 0; }\n")
    for i, l in enumerate(layers):
        below = [os.path.join(libdir, "lib%s.a" % b) for b in reversed(layers[:i])]
        cmd = ["cc", "-o", os.path.join(tmp, "a.out"), stub, "-Wl,--whole-archive",
               os.path.join(libdir, "lib%s.a" % l), "-Wl,--no-whole-archive"] + below + ["-lyaml", "-lcap"] + os.environ.get("LINT_LIBS", "").split()
        r = subprocess.run(cmd, capture_output=True, text=True)
        msgs = [x for x in r.stderr.splitlines() if "undefined reference" in x]
        report("link: lib%s.a with only %s below it" % (l, " ".join(layers[:i]) or "libc"),
               sorted(set(re.sub(r"^.*?: ", "", x) for x in msgs)) or
               ([r.stderr.strip()[:300]] if r.returncode else []))

ok = sum(results)
print("%d passed, %d failed, 0 skipped" % (ok, len(results) - ok))
sys.exit(0 if ok == len(results) else 1)
