#!/usr/bin/env python3
"""bench/board.py BOARD WORKDIR PODINIT - boots bench/board.sh's images, prints the tables.

WORKDIR holds bench.cpio.gz (PID 1 bench/board-init.sh) and first.cpio.gz (podinit as PID 1,
one pod whose container is stamp). The bench boot's "BENCH ..." console lines become the
latency, memory and idle tables; the second boot gives the kernel's start -> the first app
container's first instruction (stamp prints CLOCK_MONOTONIC, which starts with the kernel,
to its log; `logs first` at the console reads it). PODINIT.map (the link map) gives the
per-part size table. Markdown on stdout; the consoles are WORKDIR/console-*.log.
Under emulation absolute times mean little: the ratios are against crun and fork+exec of
the same boot. Environment: BENCH_N (samples per latency row, default 10) and BENCH_APPEND
(more kernel command line; KEY=VALUE words become bench/board-init.sh's environment, e.g.
BENCH_CGROUP_OPTS=nsdelegate,favordynmods for its cgroup2 mount).
"""
import os
import re
import statistics
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "e2e"))
from boot import Boot, qemu_command  # noqa: E402

BOOT_TIMEOUT = float(os.environ.get("BENCH_BOOT_TIMEOUT", "1500"))


def die(msg):
    print(f"board.py: {msg}", file=sys.stderr)
    sys.exit(1)


def bench_boot(board, work):
    cmd = qemu_command(board, os.path.join(work, "bench.cpio.gz"), extra=["-m", "512"],
                       append=" ".join(["rdinit=/bench/init", f"BENCH_N={os.environ.get('BENCH_N', '10')}",
                                        os.environ.get("BENCH_APPEND", "")]).strip())
    log = os.path.join(work, "console-bench.log")
    with Boot(cmd, log_path=log, total_timeout=BOOT_TIMEOUT) as b:
        m = b.expect(r"^BENCH-(END|FAIL)", timeout=BOOT_TIMEOUT)
        if m and m.group(1) == "FAIL":
            b.expect(r"\n", timeout=5)  # the reason, before qemu is stopped
        text = b.buf
    if not m or m.group(1) != "END":
        tail = "\n".join(text.splitlines()[-30:])
        die(f"the bench boot did not finish (console: {log}):\n{tail}")
    return [ln.split()[1:] for ln in text.splitlines() if ln.startswith("BENCH ")], text


def first_boot(board, work):
    """(kernel start -> the first app instruction in s, qemu start -> podinit's first event,
    qemu start -> the stamp container's Started event), host seconds for the last two."""
    cmd = qemu_command(board, os.path.join(work, "first.cpio.gz"))
    log = os.path.join(work, "console-first.log")
    with Boot(cmd, log_path=log, total_timeout=180) as b:
        start = b.expect(r"podinit: Normal podinit Starting", timeout=120)
        t_start = b.time_at(start.start()) if start else None
        started = b.expect(r"pod/first/stamp Started", timeout=120)
        t_started = b.time_at(started.start()) if started else None
        if not started:
            die(f"the first container did not start (console: {log})")
        b.expect(r"pod/first/stamp Completed", timeout=60)
        b.send("")
        b.expect(r"podinit> ", timeout=10)
        b.send("logs first")
        m = b.expect(r"^(\d{9,})\s*$", timeout=10)
        b.send("poweroff")
        b.wait_exit(timeout=30)
    if not m:
        die(f"`logs first` gave no stamp (console: {log})")
    return int(m.group(1)) / 1e9, t_start, t_started


def stats(xs):
    xs = sorted(xs)
    n = len(xs)
    return {"median": statistics.median(xs), "p90": xs[min(n - 1, -(-9 * n // 10) - 1)],
            "min": xs[0], "max": xs[-1], "n": n}


# ---- the link map: bytes per part of the binary
def map_sizes(path):
    """{file: {"text": b, "data": b, "bss": b}} of the input sections that were kept."""
    parts = {}
    in_map = False
    out_sec = None
    pending = None
    rx = re.compile(r"^ (\S+)?\s+0x([0-9a-f]+)\s+0x([0-9a-f]+)\s+(\S.*)$")
    with open(path, errors="replace") as f:
        for line in f:
            line = line.rstrip("\n")
            if line.startswith("Linker script and memory map"):
                in_map = True
                continue
            if not in_map:
                continue
            if line and not line.startswith(" "):
                out_sec = line.split()[0]
                pending = None
                continue
            m = rx.match(line)
            if not m:
                s = line.strip()
                pending = s if s.startswith(".") and " " not in s else None
                continue
            name = m.group(1) or pending
            pending = None
            size = int(m.group(3), 16)
            fname = m.group(4).strip()
            if not name or size == 0 or name.startswith("*") or "load address" in fname:
                continue
            if out_sec is None or not out_sec.startswith("."):
                continue
            if out_sec.startswith((".debug", ".comment", ".note.GNU-stack", ".ARM.attributes")):
                continue
            kind = "bss" if out_sec in (".bss", ".tbss") else (
                "data" if out_sec in (".data", ".tdata", ".got", ".got.plt", ".data.rel.ro",
                                      ".init_array", ".fini_array") else "text")
            d = parts.setdefault(fname, {"text": 0, "data": 0, "bss": 0})
            d[kind] += size
    return parts


def part_of(fname):
    """The group a map file name belongs to, and a short name for it."""
    m = re.search(r"lib([a-z0-9_]+)\.a\((.*)\)$", fname)
    if m:
        lib, member = m.group(1), m.group(2)
        groups = {"c": "musl libc", "yaml": "libyaml", "cap": "libcap", "gcc": "libgcc",
                  "mbedtls": "mbedTLS", "mbedx509": "mbedTLS", "mbedcrypto": "mbedTLS"}
        if lib in groups:
            return groups[lib], f"{lib}: {member}"
        return f"podinit: supervisor/{lib}", f"supervisor/{lib}/{member.replace('.o', '.c')}"
    m = re.search(r"/obj/(.*)\.o$", fname)
    if m:
        top = m.group(1)
        return f"podinit: {os.path.dirname(top)}", top + ".c"
    return "other (C runtime start-up)", os.path.basename(fname)


def size_tables(binary):
    mp = binary + ".map"
    if not os.path.exists(mp):
        return [f"(no link map {mp}: the size table needs `make BOARD=...` from this tree)"]
    parts = map_sizes(mp)
    groups, objs = {}, []
    for fname, d in parts.items():
        g, short = part_of(fname)
        t = groups.setdefault(g, {"text": 0, "data": 0, "bss": 0})
        for k in t:
            t[k] += d[k]
        objs.append((d["text"] + d["data"], short, d))
    out = ["| part | text+rodata | data | bss |", "|---|---:|---:|---:|"]
    for g, t in sorted(groups.items(), key=lambda x: -(x[1]["text"] + x[1]["data"])):
        out.append(f"| {g} | {t['text']} | {t['data']} | {t['bss']} |")
    tot = {k: sum(t[k] for t in groups.values()) for k in ("text", "data", "bss")}
    out.append(f"| in all | {tot['text']} | {tot['data']} | {tot['bss']} |")
    out += ["", "The 20 largest objects:", "", "| object | text+rodata | data |", "|---|---:|---:|"]
    for _, short, d in sorted(objs, key=lambda x: -x[0])[:20]:
        out.append(f"| {short} | {d['text']} | {d['data']} |")
    return out


def main():
    if len(sys.argv) != 4:
        die("usage: bench/board.py BOARD WORKDIR PODINIT")
    board, work, binary = sys.argv[1:]
    lines, _ = bench_boot(board, work)
    info = {}
    lat, mem, idle, slow = {}, [], [], []
    for f in lines:
        if f[0] == "lat":
            lat.setdefault(f[1], []).append((float(f[2]), float(f[3])))
        elif f[0] == "mem":
            mem.append(f[1:])
        elif f[0] == "idle":
            idle.append(f[1:])
        elif f[0] == "slow":
            slow.append((float(f[1]) * 1000, f[2], " ".join(f[3:])))
        else:
            info[f[0]] = " ".join(f[1:])
    kernel_to_app, t_pid1, t_app = first_boot(board, work)
    size = os.path.getsize(binary)
    desc = subprocess.run(["git", "describe", "--always", "--dirty"], capture_output=True, text=True).stdout.strip()

    p = print
    p(f"## Board bench: {board}\n")
    p("| | |\n|---|---|")
    p(f"| board | {board} under {info.get('machine', '?')} (qemu-system, TCG: emulated) |")
    p(f"| cgroup | v2: {info.get('cgroup', '?')} |")
    p(f"| podinit | {info.get('podinit', '?')} (git describe {desc}), static musl, stripped: {size} bytes |")
    p(f"| crun | {info.get('crun', '?')} (Debian's, for this architecture) |")
    p(f"| samples | {info.get('samples', '?')} per latency row, round robin |")
    p("")
    p("### Start latency to the first instruction\n")
    names = {"podinit": "podinit: podctl apply -> first instruction",
             "crun": "crun run -> first instruction",
             "unshare": "unshare --fork --pid --mount --ipc --uts --net -> first instruction",
             "forkexec": "fork+exec -> first instruction",
             "podinit10": "podinit: ten pods in one podctl apply -> the last first instruction",
             "crun10": "crun: ten crun run at once -> the last first instruction",
             "forkexec10": "fork+exec: ten at once -> the last first instruction"}
    med = {k: stats([a for a, _ in v])["median"] for k, v in lat.items()}
    p("| what | median ms | p90 ms | min ms | max ms | n | / crun | / fork+exec |")
    p("|---|---:|---:|---:|---:|---:|---:|---:|")
    for k, title in names.items():
        if k not in lat:
            continue
        s = stats([a for a, _ in lat[k]])
        ref = "crun10" if k.endswith("10") else "crun"
        fe = "forkexec10" if k.endswith("10") else "forkexec"
        rc = f"{s['median'] / med[ref]:.2f}" if med.get(ref) else "-"
        rf = f"{s['median'] / med[fe]:.1f}" if med.get(fe) else "-"
        p(f"| {title} | {s['median']:.2f} | {s['p90']:.2f} | {s['min']:.2f} | {s['max']:.2f} | {s['n']} | {rc} | {rf} |")
    if "podinit" in lat:
        s = stats([b for _, b in lat["podinit"]])
        p(f"\n`podctl apply` itself returned after {s['median']:.2f} ms (median).")
    if slow:
        p(f"\nOne more start traced (`strace -f -T -p`, {info.get('calls', '?')} calls; in no table: tracing "
          "slows every call), the slowest calls, podinit's waits left out:\n")
        p("| ms | process | call |\n|---:|---|---|")
        for ms, who, call in slow:
            call = call.replace("|", "\\|")
            p(f"| {ms:.2f} | {who} | `{call}…` |")
    p("\n### podinit's memory (kB; /proc/PID/smaps_rollup, 2 s after the pods run)\n")
    p("| state | pods | containers | Rss | Pss | Pss_Anon | fds |")
    p("|---|---:|---:|---:|---:|---:|---:|")
    rows = {}
    for r in mem:
        rows[r[0]] = [int(x) for x in r[1:]]
        p("| " + " | ".join(r) + " |")
    if all(k in rows for k in ("fresh", "10x1", "10x2", "50x1")):
        per_pod = (rows["50x1"][3] - rows["10x1"][3]) / 40
        per_ctr = (rows["10x2"][3] - rows["10x1"][3]) / 10
        p(f"\n| per … (Pss, kB) | |\n|---|---:|")
        p(f"| pod with 1 container, 10 -> 50 pods | {per_pod:.1f} |")
        p(f"| extra container, 10x1 -> 10x2 | {per_ctr:.1f} |")
        p(f"| 10 pods of 2 containers, Rss | {rows['10x2'][2]} ({rows['10x2'][2] / 1024:.2f} MiB) |")
    p(f"\nThe board's MemAvailable at the end: {info.get('board_mem', '?')} kB.")
    p("\n### Idle (10 s of nothing)\n")
    p("| state | context switches | CPU ticks |\n|---|---:|---:|")
    for r in idle:
        p("| " + " | ".join(r) + " |")
    p("\n### Boot: podinit as PID 1, one pod\n")
    p("| | s |\n|---|---:|")
    p(f"| kernel start -> the first app container's first instruction (its CLOCK_MONOTONIC) | {kernel_to_app:.2f} |")
    if t_pid1 is not None and t_app is not None:
        p(f"| podinit's first event -> that container's Started event (console arrival) | {t_app - t_pid1:.2f} |")
    p("\n### The binary, by part (link map of the static build)\n")
    p(f"Stripped: {size} bytes ({size / 1024:.0f} KiB).\n")
    for ln in size_tables(binary):
        p(ln)


if __name__ == "__main__":
    main()
