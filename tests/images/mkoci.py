#!/usr/bin/env python3
"""tests/images/mkoci.py OUTDIR - fixtures for rootfs/import-image.py (tests/images/run.sh).

Writes, from three small layers with whiteouts (stdlib tarfile only):
  OUTDIR/oci/          an OCI image layout (gzip layers, index.json -> manifest -> config)
  OUTDIR/oci.tar       the same layout as a tar
  OUTDIR/docker.tar    a `docker save` archive (manifest.json, uncompressed layer.tar files)
  OUTDIR/evil/         an OCI layout whose layer has a `../` entry (must be refused)
  OUTDIR/corrupt/      the OCI layout with a layer blob that does not match its digest
  OUTDIR/config.json   the config blob, the bytes config.json must hold after an import
What the imported root must look like is checked by run.sh (check_import).
"""
import gzip
import hashlib
import io
import json
import os
import shutil
import sys
import tarfile

MTIME = 1700000000


def entry(t, name, kind="file", data=b"", mode=None, link=""):
    ti = tarfile.TarInfo(name)
    ti.mtime = MTIME
    if kind == "dir":
        ti.type, ti.mode = tarfile.DIRTYPE, mode or 0o755
    elif kind == "sym":
        ti.type, ti.linkname, ti.mode = tarfile.SYMTYPE, link, 0o777
    elif kind == "hard":
        ti.type, ti.linkname, ti.mode = tarfile.LNKTYPE, link, 0o644
    else:
        ti.size, ti.mode = len(data), mode or 0o644
    t.addfile(ti, io.BytesIO(data) if kind == "file" else None)


def layer(entries):
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.PAX_FORMAT) as t:
        for e in entries:
            entry(t, *e[:2], **(e[2] if len(e) > 2 else {}))
    return buf.getvalue()


LAYERS = [
    layer([("etc", "dir"), ("etc/hostname", "file", {"data": b"one\n"}),
           ("a", "dir"), ("a/f1", "file", {"data": b"f1\n"}), ("a/f2", "file", {"data": b"f2\n"}),
           ("a/f2hard", "hard", {"link": "a/f2"}),
           ("b", "dir"), ("b/x", "file", {"data": b"x\n"}), ("b/sub", "dir"),
           ("b/sub/deep", "file", {"data": b"deep\n"}),
           ("d", "dir"), ("d/keep", "file", {"data": b"keep\n"}),
           ("bin", "dir"), ("bin/tool", "file", {"data": b"#!/bin/sh\necho tool\n", "mode": 0o755}),
           ("lnk", "sym", {"link": "a/f2"})]),
    # the opaque marker comes after this layer's own b/y: it hides only the lower layers' b/*
    layer([("a/.wh.f1", "file"), ("b", "dir"), ("b/y", "file", {"data": b"y\n"}),
           ("b/.wh..wh..opq", "file"), (".wh.d", "file"),
           ("etc/hostname", "file", {"data": b"two\n"}), ("c", "dir"),
           ("c/new", "file", {"data": b"new\n"})]),
    # a directory whited out below comes back, empty but for its new entry
    layer([("d", "dir"), ("d/again", "file", {"data": b"again\n"})]),
]
EVIL = [layer([("ok", "file", {"data": b"ok\n"}), ("../escaped", "file", {"data": b"bad\n"})])]


def sha(b):
    return "sha256:" + hashlib.sha256(b).hexdigest()


def config_blob(layers):
    # deliberately not json.dumps' default layout: config.json must keep these bytes
    cfg = {"created": "2023-11-14T22:13:20Z", "architecture": "amd64", "os": "linux",
           "config": {"Env": ["PATH=/bin", "A=1"], "Cmd": ["/bin/tool"], "WorkingDir": "/",
                      "StopSignal": "SIGTERM"},
           "rootfs": {"type": "layers", "diff_ids": [sha(l) for l in layers]}}
    return (json.dumps(cfg, indent=3, sort_keys=False) + "\n").encode()


def write_oci(d, layers, config):
    os.makedirs(os.path.join(d, "blobs", "sha256"), exist_ok=True)

    def blob(b):
        with open(os.path.join(d, "blobs", "sha256", sha(b)[7:]), "wb") as f:
            f.write(b)
        return sha(b)

    descs = []
    for l in layers:
        gz = gzip.compress(l, mtime=0)
        descs.append({"mediaType": "application/vnd.oci.image.layer.v1.tar+gzip",
                      "digest": blob(gz), "size": len(gz)})
    manifest = json.dumps({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
                           "config": {"mediaType": "application/vnd.oci.image.config.v1+json",
                                      "digest": blob(config), "size": len(config)},
                           "layers": descs}).encode()
    index = {"schemaVersion": 2, "mediaType": "application/vnd.oci.image.index.v1+json",
             "manifests": [{"mediaType": "application/vnd.oci.image.manifest.v1+json",
                            "digest": blob(manifest), "size": len(manifest),
                            "annotations": {"org.opencontainers.image.ref.name": "1.0"},
                            "platform": {"architecture": "amd64", "os": "linux"}}]}
    with open(os.path.join(d, "index.json"), "w") as f:
        json.dump(index, f)
    with open(os.path.join(d, "oci-layout"), "w") as f:
        json.dump({"imageLayoutVersion": "1.0.0"}, f)


def tar_dir(d, out):
    with tarfile.open(out, "w") as t:
        for name in sorted(os.listdir(d)):
            t.add(os.path.join(d, name), arcname=name)


def write_docker_save(out, layers, config):
    with tarfile.open(out, "w") as t:
        def add(name, b):
            ti = tarfile.TarInfo(name)
            ti.size, ti.mtime, ti.mode = len(b), MTIME, 0o644
            t.addfile(ti, io.BytesIO(b))
        cfg_name = sha(config)[7:] + ".json"
        add(cfg_name, config)
        names = []
        for i, l in enumerate(layers):
            lid = hashlib.sha256(b"layer%d" % i + l).hexdigest()
            add(f"{lid}/VERSION", b"1.0")
            add(f"{lid}/json", json.dumps({"id": lid}).encode())
            add(f"{lid}/layer.tar", l)
            names.append(f"{lid}/layer.tar")
        add("manifest.json", json.dumps([{"Config": cfg_name, "RepoTags": ["test/app:1.0"],
                                          "Layers": names}]).encode())
        add("repositories", json.dumps({"test/app": {"1.0": names[-1].split("/")[0]}}).encode())


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    config = config_blob(LAYERS)
    write_oci(os.path.join(out, "oci"), LAYERS, config)
    tar_dir(os.path.join(out, "oci"), os.path.join(out, "oci.tar"))
    write_docker_save(os.path.join(out, "docker.tar"), LAYERS, config)
    write_oci(os.path.join(out, "evil"), EVIL, config_blob(EVIL))
    corrupt = os.path.join(out, "corrupt")
    shutil.rmtree(corrupt, ignore_errors=True)
    shutil.copytree(os.path.join(out, "oci"), corrupt)
    layer1 = gzip.compress(LAYERS[0], mtime=0)
    with open(os.path.join(corrupt, "blobs", "sha256", sha(layer1)[7:]), "wb") as f:
        f.write(gzip.compress(LAYERS[0] + b"\0" * 1024, mtime=0))
    with open(os.path.join(out, "config.json"), "wb") as f:
        f.write(config)


if __name__ == "__main__":
    main()
