#!/usr/bin/env python3
"""rootfs/import-image.py SRC OUTDIR NAME[:TAG|@DIGEST] - import an image into podinit's store.

SRC is an OCI image layout (a directory with oci-layout and index.json, or a tar of one) or
a `docker save` archive (a tar, or its unpacked directory, with manifest.json). The image's
layers are applied in order into OUTDIR/<registry>/<repository>/<tag>/rootfs/, honouring
whiteouts (`.wh.NAME` deletes NAME of the lower layers, `.wh..wh..opq` empties a directory of
what the lower layers put there), and its config blob is kept, byte for byte, as config.json
next to it (docs/design.md "Images", docs/images.md). An OCI layout's blobs must match their
digests. NAME is normalised as Docker does:
`nginx` is docker.io/library/nginx, `user/app` docker.io/user/app, a first component with
`.` or `:` or `localhost` is a registry; the tag defaults to latest. The new image replaces
an old one of the same name only once it is complete.

    --platform OS/ARCH[/VARIANT]   which manifest of a multi-platform OCI index to take
                                   (default: the one named by TAG, else the only one, else
                                   linux and this machine's architecture)

Python 3 standard library only. Run it as root to keep the layers' owners and device nodes.
"""
import argparse
import gzip
import hashlib
import io
import json
import os
import platform
import re
import shutil
import stat
import sys
import tarfile

WH = ".wh."
OPAQUE = ".wh..wh..opq"


class ImportError_(Exception):
    pass


def die(msg):
    print(f"import-image.py: {msg}", file=sys.stderr)
    sys.exit(1)


# ---------------------------------------------------------------- references
def normalise(ref):
    """NAME[:TAG][@DIGEST] -> (registry, repository path, tag-or-digest directory name)."""
    digest = None
    if "@" in ref:
        ref, digest = ref.split("@", 1)
        if not re.fullmatch(r"sha256:[0-9a-f]{64}|sha384:[0-9a-f]{96}|sha512:[0-9a-f]{128}", digest):
            raise ImportError_(f"invalid digest {digest!r}")
    tag = "latest"
    last = ref.rsplit("/", 1)[-1]
    if ":" in last:
        ref, tag = ref.rsplit(":", 1)
        if not re.fullmatch(r"[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}", tag):
            raise ImportError_(f"invalid tag {tag!r}")
    parts = ref.split("/")
    if len(parts) > 1 and ("." in parts[0] or ":" in parts[0] or parts[0] == "localhost"
                           or parts[0] != parts[0].lower()):
        registry, path = parts[0], parts[1:]
    else:
        registry, path = "docker.io", parts
    if registry == "index.docker.io":
        registry = "docker.io"
    if registry == "docker.io" and len(path) == 1:
        path = ["library"] + path
    comp = r"[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*"
    for p in path:
        if not re.fullmatch(comp, p):
            raise ImportError_(f"invalid repository path component {p!r} in {ref!r}")
    if not re.fullmatch(r"[A-Za-z0-9.-]+(?::[0-9]+)?", registry):
        raise ImportError_(f"invalid registry {registry!r}")
    return registry, "/".join(path), digest or tag


# ---------------------------------------------------------------- sources
class Source:
    """Files of an image layout or docker-save archive, from a directory or a tar."""

    def __init__(self, path):
        self.path = path
        self.tar = None
        if os.path.isdir(path):
            return
        try:
            self.tar = tarfile.open(path, "r:*")
        except (tarfile.TarError, OSError) as e:
            raise ImportError_(f"{path}: neither a directory nor a tar archive ({e})")
        self.members = {}
        for m in self.tar.getmembers():
            name = m.name
            while name.startswith("./"):
                name = name[2:]
            self.members[name.lstrip("/")] = m

    def has(self, name):
        if self.tar is None:
            return os.path.exists(os.path.join(self.path, name))
        return name in self.members

    def open(self, name):
        if self.tar is None:
            return open(os.path.join(self.path, name), "rb")
        m = self.members.get(name)
        while m is not None and m.issym():   # docker save links repeated layers
            target = os.path.normpath(os.path.join(os.path.dirname(name), m.linkname))
            name, m = target, self.members.get(target)
        if m is None:
            raise ImportError_(f"{self.path}: no {name} in the archive")
        f = self.tar.extractfile(m)
        if f is None:
            raise ImportError_(f"{self.path}: {name} is not a file")
        return f

    def read(self, name):
        with self.open(name) as f:
            return f.read()

    def json(self, name):
        try:
            return json.loads(self.read(name))
        except ValueError as e:
            raise ImportError_(f"{self.path}: {name}: {e}")


def verify(data, digest, what):
    """data must hash to digest (OCI descriptors name their blobs by content)."""
    algo, _, hexd = digest.partition(":")
    if algo not in ("sha256", "sha384", "sha512"):
        raise ImportError_(f"{what}: unsupported digest algorithm {algo!r}")
    if hashlib.new(algo, data).hexdigest() != hexd:
        raise ImportError_(f"{what}: content does not match its digest {digest}")


def blob_path(digest):
    algo, _, hexd = digest.partition(":")
    if not re.fullmatch(r"[a-z0-9]+", algo) or not re.fullmatch(r"[a-f0-9]+", hexd):
        raise ImportError_(f"invalid digest {digest!r}")
    return f"blobs/{algo}/{hexd}"


def host_platform():
    m = platform.machine()
    return {"x86_64": ("amd64", None), "aarch64": ("arm64", None),
            "armv7l": ("arm", "v7"), "armv6l": ("arm", "v6")}.get(m, (m, None))


def pick_manifest(src, index, tag, want):
    """From an OCI index: the descriptor of the image manifest to import."""
    manifests = index.get("manifests") or []
    if not manifests:
        raise ImportError_("the OCI index lists no manifest")
    def ref_name(d):
        return d.get("annotations", {}).get("org.opencontainers.image.ref.name") or ""
    named = [d for d in manifests if ref_name(d) == tag or ref_name(d).endswith(":" + tag)]
    cands = named or manifests
    if len(cands) > 1 or want:
        os_, arch, variant = want or ("linux",) + host_platform()
        match = [d for d in cands if d.get("platform", {}).get("os", os_) == os_
                 and d.get("platform", {}).get("architecture", arch) == arch
                 and (variant is None or d.get("platform", {}).get("variant", variant) == variant)]
        if not match:
            raise ImportError_(f"no manifest for {os_}/{arch} in the OCI index")
        cands = match
    d = cands[0]
    if d.get("mediaType") in ("application/vnd.oci.image.index.v1+json",
                              "application/vnd.docker.distribution.manifest.list.v2+json"):
        return pick_manifest(src, src.json(blob_path(d["digest"])), tag, want)
    return d


def image_parts(src, tag, want):
    """(config bytes, [(layer file name in src, its digest or None)]) of the image in src."""
    if src.has("index.json") and src.has("oci-layout"):
        d = pick_manifest(src, src.json("index.json"), tag, want)
        raw = src.read(blob_path(d["digest"]))
        verify(raw, d["digest"], "the image manifest")
        try:
            manifest = json.loads(raw)
        except ValueError as e:
            raise ImportError_(f"the image manifest: {e}")
        config = src.read(blob_path(manifest["config"]["digest"]))
        verify(config, manifest["config"]["digest"], "the image config")
        layers = []
        for l in manifest.get("layers", []):
            mt = l.get("mediaType", "")
            if "zstd" in mt:
                raise ImportError_(f"layer {l['digest']}: zstd layers are not supported (Python's stdlib has no zstd)")
            if "nondistributable" in mt and not src.has(blob_path(l["digest"])):
                raise ImportError_(f"layer {l['digest']} is foreign and not in the layout")
            layers.append((blob_path(l["digest"]), l["digest"]))
        return config, layers
    if src.has("manifest.json"):
        m = src.json("manifest.json")
        if not isinstance(m, list) or not m:
            raise ImportError_("manifest.json lists no image")
        entry = m[0]
        if len(m) > 1:   # several images in one archive: the one tagged TAG
            for e in m:
                if any(t.rsplit(":", 1)[-1] == tag for t in e.get("RepoTags") or []):
                    entry = e
                    break
        return src.read(entry["Config"]), [(l, None) for l in entry["Layers"]]
    raise ImportError_(f"{src.path}: neither an OCI image layout (oci-layout, index.json) "
                       "nor a docker save archive (manifest.json)")


# ---------------------------------------------------------------- applying layers
def clean_name(name):
    """A member name as a path relative to the root; a `..` or empty one is refused."""
    parts = [p for p in name.split("/") if p not in ("", ".")]
    if any(p == ".." for p in parts):
        raise ImportError_(f"layer entry {name!r} leaves the root")
    return "/".join(parts)


def resolve_in_root(root, rel, follow_last=False):
    """The host path of rel inside root, symlinks resolved as if root were /: an absolute or
    `..` link stays inside root (as openat2 RESOLVE_IN_ROOT does)."""
    todo = [p for p in rel.split("/") if p not in ("", ".")]
    done = []
    hops = 0
    while todo:
        p = todo.pop(0)
        if p == "..":
            if done:
                done.pop()
            continue
        cur = os.path.join(root, *done, p)
        if os.path.islink(cur) and (todo or follow_last):
            hops += 1
            if hops > 40:
                raise ImportError_(f"too many levels of symbolic links in {rel!r}")
            target = os.readlink(cur)
            if target.startswith("/"):
                done = []
            todo = [q for q in target.split("/") if q not in ("", ".")] + todo
            continue
        done.append(p)
    return os.path.join(root, *done)


def remove(path):
    if os.path.islink(path) or not os.path.isdir(path):
        try:
            os.unlink(path)
        except FileNotFoundError:
            pass
    else:
        shutil.rmtree(path)


def apply_layer(root, f, is_root):
    """Apply one layer tar (any compression tarfile knows) from the file object f."""
    with tarfile.open(fileobj=f, mode="r:*") as t:
        members = t.getmembers()
        # whiteouts first: they hide what the lower layers have, never this layer's own entries
        for m in members:
            name = clean_name(m.name)
            base = name.rsplit("/", 1)[-1]
            if not base.startswith(WH):
                continue
            parent = name[: -len(base)].rstrip("/")
            pdir = resolve_in_root(root, parent, follow_last=True)
            if base == OPAQUE:
                if os.path.isdir(pdir) and not os.path.islink(pdir):
                    for e in os.listdir(pdir):
                        remove(os.path.join(pdir, e))
            else:
                remove(os.path.join(pdir, base[len(WH):]))
        dirs = []
        for m in members:
            name = clean_name(m.name)
            base = name.rsplit("/", 1)[-1]
            if not name or base.startswith(WH):
                continue
            parent, _, leaf = name.rpartition("/")
            pdir = resolve_in_root(root, parent, follow_last=True)
            os.makedirs(pdir, exist_ok=True)
            path = os.path.join(pdir, leaf)
            if os.path.lexists(path) and not (m.isdir() and os.path.isdir(path) and not os.path.islink(path)):
                remove(path)
            if m.isdir():
                os.makedirs(path, exist_ok=True)
                dirs.append((path, m))
            elif m.isreg():
                with t.extractfile(m) as src, open(path, "wb") as dst:
                    shutil.copyfileobj(src, dst)
            elif m.issym():
                os.symlink(m.linkname, path)
            elif m.islnk():
                target = resolve_in_root(root, clean_name(m.linkname))
                if not os.path.lexists(target):
                    raise ImportError_(f"hard link {name!r} to missing {m.linkname!r}")
                os.link(target, path, follow_symlinks=False)
                continue   # the link shares the target's inode and attributes
            elif m.isfifo():
                os.mkfifo(path)
            elif m.ischr() or m.isblk():
                if not is_root:
                    print(f"import-image.py: skipping device {name} (not root)", file=sys.stderr)
                    continue
                kind = stat.S_IFCHR if m.ischr() else stat.S_IFBLK
                os.mknod(path, kind | 0o600, os.makedev(m.devmajor, m.devminor))
            else:
                continue
            set_attrs(path, m, is_root)
        for path, m in reversed(dirs):   # after their contents, which change a directory's mtime
            set_attrs(path, m, is_root)


def set_attrs(path, m, is_root):
    if is_root:
        os.lchown(path, m.uid, m.gid)
    if not m.issym():
        os.chmod(path, m.mode & 0o7777)
    for k, v in (m.pax_headers or {}).items():
        if k.startswith("SCHILY.xattr.") and is_root:
            try:
                os.setxattr(path, k[len("SCHILY.xattr."):], v.encode("utf-8", "surrogateescape"),
                            follow_symlinks=False)
            except OSError:
                pass
    try:
        os.utime(path, (m.mtime, m.mtime), follow_symlinks=False)
    except (OSError, NotImplementedError):
        pass


# ---------------------------------------------------------------- main
def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("src")
    ap.add_argument("outdir")
    ap.add_argument("ref", metavar="NAME:TAG")
    ap.add_argument("--platform")
    a = ap.parse_args()
    try:
        registry, repo, tag = normalise(a.ref)
        want = None
        if a.platform:
            p = a.platform.split("/")
            if len(p) not in (2, 3):
                raise ImportError_("--platform is OS/ARCH[/VARIANT]")
            want = (p[0], p[1], p[2] if len(p) == 3 else None)
        src = Source(a.src)
        config, layers = image_parts(src, tag, want)
        try:
            json.loads(config)
        except ValueError as e:
            raise ImportError_(f"the image config is not JSON: {e}")
        dest = os.path.join(a.outdir, registry, *repo.split("/"), tag)
        tmp = dest + ".importing"
        if os.path.lexists(tmp):
            shutil.rmtree(tmp)
        os.makedirs(os.path.join(tmp, "rootfs"))
        os.chmod(os.path.join(tmp, "rootfs"), 0o755)
        is_root = os.geteuid() == 0
        try:
            for i, (layer, digest) in enumerate(layers):
                with src.open(layer) as f:
                    data = f.read()   # a layer inside a tar stream cannot seek; tarfile needs to
                if digest:
                    verify(data, digest, f"layer {i + 1}")
                try:
                    apply_layer(os.path.join(tmp, "rootfs"), io.BytesIO(data), is_root)
                except (tarfile.TarError, gzip.BadGzipFile, EOFError) as e:
                    raise ImportError_(f"layer {i + 1} ({layer}): {e}")
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)   # nothing half-imported is left in the store
            raise
        with open(os.path.join(tmp, "config.json"), "wb") as f:
            f.write(config)
        old = dest + ".old"
        if os.path.lexists(dest):
            os.rename(dest, old)
        os.rename(tmp, dest)
        if os.path.lexists(old):
            shutil.rmtree(old)
        sep = "@" if ":" in tag else ":"
        print(f"{registry}/{repo}{sep}{tag} -> {dest} ({len(layers)} layers)")
    except ImportError_ as e:
        die(str(e))
    except OSError as e:
        die(f"{e.filename or ''}: {e.strerror}" if e.filename else str(e))


if __name__ == "__main__":
    main()
