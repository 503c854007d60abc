#!/usr/bin/env python3
"""tests/e2e/e2e.py BOARD INITRAMFS [--log FILE] [--times FILE] [--timeout S]

One boot of INITRAMFS (built by rootfs/mkinitramfs.sh from tests/e2e/manifests/) under
qemu-system, checked from the serial console only. Prints `ok - ...` / `not ok - ...`
(`ok - ... # SKIP why` when a feature is not there yet), `# ...` remarks with the boot
times, and `N passed, N failed, N skipped`. Exit status 1 if a check failed.

The console lines it relies on (podinit's events, CONTRACT.md §10):
    podinit: Normal|Warning OBJECT REASON: message
Checks, each with its own bound, all within one --timeout for the whole boot:
    - the kernel reaches podinit: the first `podinit: ` line
    - the supervisor starts (`podinit Starting`) with cgroup v2
    - PID 1's stage reports no mount or module error, and the kernel no panic/oops/BUG
    - pod sidecar-app: Started for the sidecar, then for the app (sidecar first)
    - pod oom: its container hog ends with event OOMKilled, exit code 137
    - pod limits: its container show ends with event Completed
    - once podinit shows a `podinit> ` prompt after Enter (skipped until then):
      `get pods` lists the pods, `logs sidecar-app -c app` shows its output, `logs limits`
      shows a cgroup v2 line, and `poweroff` stops every pod and ends qemu with status 0
"""
import argparse
import os
import re
import sys
import time

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from boot import Boot, qemu_command, _terminate_on_signals  # noqa: E402

EV = r"^podinit: (?:Normal|Warning) "


class Suite:
    def __init__(self, board, boot):
        self.board, self.b = board, boot
        self.passed = self.failed = self.skipped = 0
        self.times = {}
        self.shown_tail = False

    def ok(self, good, what, detail=""):
        if good:
            self.passed += 1
            print(f"ok - {self.board}: {what}")
        else:
            self.failed += 1
            print(f"not ok - {self.board}: {what}")
            for line in detail.splitlines()[-15:]:
                print(f"#   {line}")
        sys.stdout.flush()
        self.b.note(("ok - " if good else "not ok - ") + what)
        return good

    def skip(self, what, why):
        self.skipped += 1
        print(f"ok - {self.board}: {what} # SKIP {why}")
        sys.stdout.flush()
        self.b.note(f"skip - {what}: {why}")

    def command(self, line, timeout=15):
        """Types LINE at the prompt; returns what came before the next prompt, or None."""
        self.b.send(line)
        start = self.b.cursor
        m = self.b.expect(r"podinit> ", timeout)
        return self.b.text()[start:m.start()] if m else None

    def wait(self, name, regex, timeout, what):
        """Waits for REGEX anywhere in the console; records when its line arrived as NAME."""
        self.b.note(f"waiting up to {timeout:.0f} s for {regex!r}")
        t = time.monotonic()
        # only a whole line: a match on a line still arriving would see half of it
        m = self.b.expect(f"(?:{regex})[^\n]*\n", timeout, anywhere=True)
        if m:
            self.times[name] = self.b.time_at(m.start())
            self.ok(True, what)
            return m
        detail = f"no match for {regex!r} after waiting {time.monotonic() - t:.1f} s"
        if self.b.eof:
            detail += " (qemu had exited)"
        if not self.shown_tail:  # the console's end once, not under every failed check
            self.shown_tail = True
            tail = self.b.text().rstrip("\n").splitlines()[-10:]
            detail += "; the console's last lines:\n" + ("\n".join(tail) if tail else "(no output at all)")
        self.ok(False, what, detail)
        return None


def run(board, initrd, log, timeout, boot_timeout):
    cmd = qemu_command(board, initrd)
    with Boot(cmd, log, total_timeout=timeout) as b:
        s = Suite(board, b)
        # 1. the kernel reaches our init
        first = s.wait("t_init", r"^podinit: ", boot_timeout, "the kernel starts podinit as PID 1 (first 'podinit:' line)")
        if not first:
            kernel = b.find_all(r"Kernel panic.*|VFS: Unable to mount root.*")
            if kernel:
                print(f"#   kernel: {kernel[0].group(0)}")
            s.times["t_total"] = b.now()
            return s
        start = s.wait("t_supervisor", EV + r"podinit Starting:", 30, "the supervisor starts (event 'podinit Starting')")
        s.ok(bool(start and re.search(r"cgroups v2\b", start.group(0))),
             "cgroup v2 is in use (Starting event says 'cgroups v2')",
             start.group(0) if start else "no Starting event")
        # 2. pods
        sc = s.wait("t_sidecar_started", EV + r"pod/sidecar-app/sidecar Started:", 60, "pod sidecar-app: the sidecar starts (event Started)")
        app = s.wait("t_app_started", EV + r"pod/sidecar-app/app Started:", 60, "pod sidecar-app: the app starts (event Started)")
        if sc and app:
            s.ok(sc.start() < app.start(), "pod sidecar-app: the sidecar starts before the app")
        else:
            s.ok(False, "pod sidecar-app: the sidecar starts before the app", "one of them never started")
        # a container's end is one event: Completed, Died or OOMKilled (wait for any, then judge)
        end = EV + r"pod/{} (Completed|Died|OOMKilled): .*$"
        m = s.wait("t_oom", end.format("oom/hog"), 60, "pod oom: its container ends")
        s.ok(bool(m) and m.group(1) == "OOMKilled", "pod oom: the end is event OOMKilled", m.group(0) if m else "")
        s.ok(bool(m) and re.search(r"exited with code 137 \(OOMKilled\)", m.group(0)) is not None,
             "pod oom: exit code 137, reason OOMKilled", m.group(0) if m else "")
        m = s.wait("t_limits_done", end.format("limits/show"), 60, "pod limits: its container ends")
        s.ok(bool(m) and m.group(1) == "Completed", "pod limits: the end is event Completed (exit code 0)",
             m.group(0) if m else "")
        # 3. nothing went wrong on the way
        bad = b.find_all(r"^podinit: (?:cannot .*|module .*: .*|the supervisor could not run.*)$")
        s.ok(not bad, "PID 1 stage: no mount, module or start error on the console",
             "\n".join(m.group(0) for m in bad))
        s.times["t_pods_checked"] = b.now()
        # 4. the console prompt (CONTRACT §10): Enter shows `podinit> `
        b.send("")
        prompt = b.expect(r"podinit> ", 8)
        what_prompt = ["the console prompt: 'get pods' lists the three pods",
                       "the console prompt: 'logs sidecar-app -c app' shows the app's lines",
                       "the console prompt: 'logs limits' shows the container's cgroup v2 path",
                       "the console prompt: 'poweroff' stops the pods and qemu exits with status 0"]
        if not prompt:
            for w in what_prompt:
                s.skip(w, "no 'podinit> ' prompt after Enter yet")
        else:
            out = s.command("get pods")
            s.ok(out is not None and all(re.search(rf"\b{n}\b", out) for n in ("sidecar-app", "oom", "limits")),
                 what_prompt[0], out or b.text()[-800:])
            out = s.command("logs sidecar-app -c app")
            s.ok(out is not None and re.search(r"^app-line-\d+", out, re.M) is not None, what_prompt[1],
                 out or b.text()[-800:])
            out = s.command("logs limits")
            s.ok(out is not None and re.search(r"^0::/\S*limits", out, re.M) is not None, what_prompt[2],
                 out or b.text()[-800:])
            t = b.now()
            b.send("poweroff")
            rc = b.wait_exit(60)
            s.times["t_poweroff"] = b.now() - t
            stopped = b.find_all(EV + r"podinit Stopped:")
            s.ok(rc == 0 and bool(stopped), what_prompt[3],
                 f"qemu exit status {rc}, 'podinit Stopped' event seen: {bool(stopped)}\n" + b.text()[-800:])
        # 5. kernel trouble anywhere in the boot
        oops = b.find_all(r"Kernel panic.*|^.*\bOops\b.*|^.*\bBUG: .*|Attempted to kill init.*")
        s.ok(not oops, "no kernel panic, oops or BUG on the console", "\n".join(m.group(0) for m in oops[:5]))
        s.times["t_total"] = b.now()
    return s


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("board")
    ap.add_argument("initrd")
    ap.add_argument("--log", default=None, help="console log with timestamps")
    ap.add_argument("--times", default=None, help="append the measured times here, one line")
    ap.add_argument("--timeout", type=float, default=float(os.environ.get("E2E_BOOT_TIMEOUT", 180)),
                    help="bound on the whole boot, checks included (s)")
    ap.add_argument("--boot-timeout", type=float, default=60, help="bound on reaching podinit (s)")
    a = ap.parse_args()
    _terminate_on_signals()
    t0 = time.monotonic()
    s = run(a.board, os.path.abspath(a.initrd), a.log, a.timeout, a.boot_timeout)
    wall = time.monotonic() - t0
    times = " ".join(f"{k}={v:.2f}s" for k, v in s.times.items() if v is not None)
    print(f"# {a.board}: {times} wall={wall:.2f}s")
    if a.times:
        with open(a.times, "a") as f:
            f.write(f"{time.strftime('%Y-%m-%dT%H:%M:%S')} {a.board} {times} wall={wall:.2f}s\n")
    print(f"{s.passed} passed, {s.failed} failed, {s.skipped} skipped")
    return 1 if s.failed else 0


if __name__ == "__main__":
    sys.exit(main())
