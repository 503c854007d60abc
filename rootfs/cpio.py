#!/usr/bin/env python3
"""rootfs/cpio.py DIR > OUT.cpio

Writes DIR as a newc ("070701") cpio archive on stdout, as
`cd DIR && find . -mindepth 1 | sort | cpio -o -H newc -R 0:0 --reproducible` does:
every entry owned by 0:0, names without the leading "./", sorted (C locale),
inode numbers counted from 0, device 0, hard links not preserved (each file is
written whole), mtimes as they are in DIR. mkinitramfs.sh uses it only when
GNU cpio cannot be installed.
"""
import os
import stat
import sys


def header(ino, mode, nlink, mtime, size, rdev_major, rdev_minor, namesize):
    fields = [ino, mode, 0, 0, nlink, mtime, size, 0, 0, rdev_major, rdev_minor, namesize, 0]
    return b"070701" + b"".join(b"%08X" % (f & 0xFFFFFFFF) for f in fields)


def pad(out, n):
    if n % 4:
        out.write(b"\0" * (4 - n % 4))


def entry(out, ino, name, st, data):
    nm = name.encode() + b"\0"
    rmaj = os.major(st.st_rdev) if stat.S_ISCHR(st.st_mode) or stat.S_ISBLK(st.st_mode) else 0
    rmin = os.minor(st.st_rdev) if stat.S_ISCHR(st.st_mode) or stat.S_ISBLK(st.st_mode) else 0
    h = header(ino, st.st_mode, st.st_nlink, int(st.st_mtime), len(data), rmaj, rmin, len(nm))
    out.write(h + nm)
    pad(out, len(h) + len(nm))
    out.write(data)
    pad(out, len(data))


class Counter:
    def __init__(self, f):
        self.f, self.n = f, 0

    def write(self, b):
        self.f.write(b)
        self.n += len(b)

    def flush(self):
        self.f.flush()


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: cpio.py DIR > OUT.cpio")
    top = sys.argv[1]
    names = []
    for root, dirs, files in os.walk(top):
        for n in dirs + files:
            names.append(os.path.relpath(os.path.join(root, n), top))
    names.sort(key=lambda s: s.encode())
    out = Counter(sys.stdout.buffer)
    for ino, name in enumerate(names):
        path = os.path.join(top, name)
        st = os.lstat(path)
        if stat.S_ISLNK(st.st_mode):
            data = os.readlink(path).encode()
        elif stat.S_ISREG(st.st_mode):
            with open(path, "rb") as f:
                data = f.read()
        else:
            data = b""
        entry(out, ino, name, st, data)
    trailer = os.stat_result((0, 0, 0, 1, 0, 0, 0, 0, 0, 0))
    entry(out, 0, "TRAILER!!!", trailer, b"")
    out.write(b"\0" * (-out.n % 512))  # GNU cpio fills the last 512-byte block
    out.flush()


if __name__ == "__main__":
    main()
