#!/usr/bin/env python3
"""rootfs/moddeps.py KERNEL_DIR MODULE...

Prints the kernel modules MODULE... (paths under KERNEL_DIR, the kernel's
lib/modules/<version>/kernel/) together with every module they depend on,
one path a line, each once, dependencies first: the order PID 1 loads them
in (init/stage1.c). A Debian kernel package ships no modules.dep (depmod
writes it at install time), so the dependencies are read from each
module's .modinfo strings ("depends=a,b"), which need no tools of the
target architecture. A name is looked up by file name, '-' and '_' alike.
"""
import os
import re
import sys


def main():
    if len(sys.argv) < 2:
        sys.exit("usage: moddeps.py KERNEL_DIR MODULE...")
    root = sys.argv[1]
    where = {}
    for d, _, files in os.walk(root):
        for f in files:
            if f.endswith(".ko"):
                where.setdefault(f[:-3].replace("-", "_"), os.path.relpath(os.path.join(d, f), root))
    done, order = set(), []

    def depends(rel):
        data = open(os.path.join(root, rel), "rb").read()
        m = re.search(rb"(?:^|\0)depends=([^\0]*)\0", data)
        hard = [x for x in (m.group(1).decode().split(",") if m else []) if x]
        # "softdep=pre: a b": loaded first when a file of that name exists (an
        # alias such as crc32c names no file: the board lists its module)
        soft = []
        for s in re.findall(rb"(?:^|\0)softdep=([^\0]*)\0", data):
            words = s.decode().split()
            if words and words[0] == "pre:":
                soft += [w for w in words[1:] if w.replace("-", "_") in where and w != "post:"]
        return soft + hard

    def visit(rel, chain):
        if rel in done:
            return
        if rel in chain:
            sys.exit("moddeps.py: a dependency cycle: " + " -> ".join(chain + [rel]))
        for name in depends(rel):
            dep = where.get(name.replace("-", "_"))
            if not dep:
                sys.exit("moddeps.py: %s needs %s, which is not under %s (built in?)" % (rel, name, root))
            visit(dep, chain + [rel])
        done.add(rel)
        order.append(rel)

    for rel in sys.argv[2:]:
        if not os.path.isfile(os.path.join(root, rel)):
            sys.exit("moddeps.py: %s is not under %s" % (rel, root))
        visit(rel, [])
    print("\n".join(order))


main()
