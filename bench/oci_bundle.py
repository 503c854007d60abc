#!/usr/bin/env python3
"""bench/oci_bundle.py SPEC DIR ROOTFS OUT ARG... - an OCI bundle for the benches' crun rows.

SPEC is the config.json that `crun spec` writes (crun's defaults: capabilities, masked and
read-only paths, mounts); DIR/config.json becomes that with ROOTFS as the root (read-only,
crun's default), ARG... as the process (no terminal), the pid, mount, ipc, uts and network
namespaces (what podinit gives a pod's container), and OUT bound at /out for the stamp.
bench/run.sh and bench/board.sh use it, so crun runs the same way on the host and the boards.
"""
import json
import os
import sys


def main():
    if len(sys.argv) < 6:
        sys.exit("usage: bench/oci_bundle.py SPEC DIR ROOTFS OUT ARG...")
    spec, bundle, rootfs, out, args = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5:]
    with open(spec) as f:
        c = json.load(f)
    c["root"] = {"path": rootfs, "readonly": True}
    c["process"]["args"] = args
    c["process"]["terminal"] = False
    c["linux"]["namespaces"] = [{"type": t} for t in ("pid", "mount", "ipc", "uts", "network")]
    c["mounts"].append({"destination": "/out", "type": "bind", "source": out, "options": ["rbind", "rw"]})
    os.makedirs(bundle, exist_ok=True)
    with open(os.path.join(bundle, "config.json"), "w") as f:
        json.dump(c, f, indent=1)


if __name__ == "__main__":
    main()
