#!/usr/bin/env python3
"""tests/e2e/e2e.py [options] BOARD...

Boots the images that tests/e2e/run.sh built for each BOARD under qemu-system and checks
them from the serial console (and qemu's QMP events) only:
    DIR/BOARD/initramfs.cpio.gz           the pods of tests/e2e/manifests/
    DIR/BOARD/initramfs-critical.cpio.gz  the pods of tests/e2e/manifests-watchdog-critical/
    DIR/BOARD/initramfs-attack.cpio.gz    the pods of tests/e2e/manifests-attack/ (with /bin/escape)
Both are built with a short watchdog (--watchdog-timeout, --watchdog-budget: the
WATCHDOG_TIMEOUT_OVERRIDE / WATCHDOG_BUDGET_OVERRIDE of rootfs/mkinitramfs.sh).
Prints `ok - ...` / `not ok - ...` (`ok - ... # SKIP why` when a feature is not there yet),
`# ...` remarks and figures, and `N passed, N failed, N skipped`. Exit status 1 if a check
failed. Console logs: DIR/BOARD/console.log (the main boot), DIR/BOARD/console-SCENARIO.log.

The console lines it relies on (podinit's events, CONTRACT.md §10):
    podinit: Normal|Warning OBJECT REASON: message
(an event may follow a `podinit> ` prompt on the same line). Boots ("scenarios") per board:
  main      the kernel reaches podinit; `podinit Starting` with cgroup v2; the watchdog is
            armed (the board's device, the image's timeout); pods sidecar-app (sidecar
            before app), oom (OOMKilled, 137), limits (Completed), sigkill (the victim,
            SIGKILLed by the other container of its shared PID namespace, Died 137 and
            started again); no mount/module/start error, no kernel panic/oops/BUG. At the
            `podinit> ` prompt: get pods, logs, `get pod sigkill -o json` (restartCount >= 1,
            lastState.terminated.exitCode 137), `top` (podinit's RSS), `debug hang` refused
            without podinit.debug=1, then `poweroff`: pod shutdown-order stops app, sidecar-2,
            sidecar-1 in that order, each after the previous one exited; the shutdown lasts
            longer than the watchdog timeout without a reset; `podinit Stopped`; qemu exits
            with status 0 through a guest power-off (QMP SHUTDOWN reason guest-shutdown).
  reboot    the same image; `reboot`: the same order, no watchdog reset, the kernel's
            `reboot: Restarting system`, QMP SHUTDOWN reason guest-reset, status 0.
  hang      the same image with podinit.debug=1: the board stays up for more than two
            watchdog timeouts while idle, then `debug hang` stops the event loop and the
            watchdog resets the board (qemu -no-reboot exits) within about one timeout.
  critical  the critical image: event WatchdogStarved for critical-bad (annotated
            podinit.io/critical, never Ready) no sooner than the budget, none for
            critical-good (Ready) or plain-bad (not critical), then the watchdog reset.
  attack    the attack image: a default container cannot write /proc/sys (core_pattern),
            open /proc/sysrq-trigger for writing, read the masked /proc paths, make device
            nodes (the cgroup v2 BPF program) in /dev or an emptyDir, or open the board's
            /dev/kmsg and /dev/mem through a hostPath (nodev); seccomp RuntimeDefault
            refuses keyctl, add_key, unshare(CLONE_NEWUSER) and mount; /sys/fs/cgroup is
            cgroup2, read-only; an attacker watching /proc for 45 s while exec probes run
            every second never opens an fd of a child of podinit's before its exec, and
            no file appears on the board's root.
  mem-N     the main image with `-m N` for each N of --mem: does it boot and run the test
            pods (every container starts or ends as in main, no global OOM kill, prompt,
            poweroff)? A figure, not a check: near the limit the result varies from boot to
            boot. min_mem_mib is the smallest N from which up every size tried works.
Every wait has its own bound, and each boot has one for the whole boot (--timeout).

Scheduling: the main boots run first, one board after the other, each alone until its pods
have all started or ended (so its start-up times, t_init, t_first_app_started, ..., are not
slowed down by another boot); then the other boots start, longest first, at most --jobs
qemu processes at a time. Output is printed in a fixed order.
Figures: one `# BOARD: key=value ...` line per board, also appended to --times.
"""
import argparse
import json
import socket
import urllib.request
import os
import re
import sys
import threading
import time

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from boot import Boot, board_vars, kernel_path, qemu_command, _terminate_on_signals  # noqa: E402

# an event line; podinit may print one right after a `podinit> ` prompt
EV = r"^(?:podinit> )*podinit: (?:Normal|Warning) "
# containers declared under initContainers (sidecars): the others are app containers
SIDECARS = {("sidecar-app", "sidecar"), ("shutdown-order", "sidecar-1"), ("shutdown-order", "sidecar-2")}
MAIN_PODS = ("sidecar-app", "oom", "limits", "sigkill", "shutdown-order", "slow-stop", "web", "client")
# the watchdog each emulated board arms first (WDIOC_GETSUPPORT identity)
WATCHDOG_IDENTITY = {"qemu-virt-arm64": "i6300ESB timer", "qemu-virt-armv7": "Software Watchdog"}
KERNEL_TROUBLE = r"Kernel panic.*|^.*\bOops\b.*|^.*\bBUG: .*|Attempted to kill init.*|^.*\bOut of memory: Killed process.*"


class Suite:
    """The checks of one boot. Lines are kept and printed in order by the caller."""

    def __init__(self, board, label, boot, cfg):
        self.board, self.label, self.b, self.cfg = board, label, boot, cfg
        self.passed = self.failed = self.skipped = 0
        self.lines = []
        self.times = {}          # figures, keyed without the label
        self.shown_tail = False

    def _name(self, what):
        return f"{self.board}: {self.label + ': ' if self.label else ''}{what}"

    def ok(self, good, what, detail=""):
        good = bool(good)
        if good:
            self.passed += 1
            self.lines.append(f"ok - {self._name(what)}")
        else:
            self.failed += 1
            self.lines.append(f"not ok - {self._name(what)}")
            for line in str(detail).splitlines()[-15:]:
                self.lines.append(f"#   {line}")
        self._note(("ok - " if good else "not ok - ") + what)
        return good

    def _note(self, text):
        if self.b is not None:
            self.b.note(text)

    def skip(self, what, why):
        self.skipped += 1
        self.lines.append(f"ok - {self._name(what)} # SKIP {why}")
        self._note(f"skip - {what}: {why}")

    def remark(self, text):
        self.lines.append(f"# {self._name(text)}")
        self._note(text)

    def tail(self):
        """The console's last lines, once per boot (not under every failed check)."""
        if self.shown_tail:
            return ""
        self.shown_tail = True
        t = self.b.text().rstrip("\n").splitlines()[-10:]
        return "; the console's last lines:\n" + ("\n".join(t) if t else "(no output at all)")

    def wait(self, name, regex, timeout, what=None, start=None):
        """Waits for REGEX (a whole line) anywhere in the console (or after offset START);
        records when its line arrived as NAME. With WHAT, reports a check."""
        self.b.note(f"waiting up to {timeout:.0f} s for {regex!r}")
        t = time.monotonic()
        # only a whole line: a match on a line still arriving would see half of it
        m = self.b.expect(f"(?:{regex})[^\n]*\n", timeout, anywhere=True, start=start)
        if m:
            if name:
                self.times[name] = self.b.time_at(m.start())
            if what:
                self.ok(True, what)
            return m
        if what:
            detail = f"no match for {regex!r} after waiting {time.monotonic() - t:.1f} s"
            if self.b.eof:
                detail += " (qemu had exited)"
            self.ok(False, what, detail + self.tail())
        return None

    def command(self, line, timeout=15):
        """Types LINE at the prompt; returns what came before the next prompt, or None."""
        self.b.send(line)
        start = self.b.cursor
        m = self.b.expect(r"podinit> ", timeout)
        return self.b.text()[start:m.start()] if m else None

    def prompt(self, timeout=8):
        """Enter; True once a `podinit> ` prompt shows."""
        self.b.send("")
        return self.b.expect(r"podinit> ", timeout) is not None

    def wait_log(self, pod, ctr, regex, timeout=20):
        """Asks `logs POD -c CTR` every half second until REGEX shows in it."""
        deadline = time.monotonic() + timeout
        while True:
            out = self.command(f"logs {pod} -c {ctr}", 10)
            if out is not None and re.search(regex, strip_events(out), re.M):
                return True
            if time.monotonic() > deadline or self.b.eof:
                return False
            time.sleep(0.5)

    def events_after(self, offset, regex):
        return [m for m in self.b.find_all(EV + regex) if m.start() >= offset]


def strip_events(text):
    """Command output without the event lines that the console printed in between."""
    return "\n".join(line for line in text.splitlines()
                     if not re.match(r"^(?:podinit> )*podinit: (?:Normal|Warning) ", line))


def arm_check(s, timeout):
    """The watchdog event: the board's device, armed with the image's timeout."""
    m = s.wait("t_watchdog_armed", EV + r"podinit Watchdog: (\S+) \((.*)\) armed, timeout (\d+)s", 30)
    want_id = WATCHDOG_IDENTITY.get(s.board)
    good = (m is not None and m.group(1) == s.cfg["bv"]["WATCHDOG_DEV"] and int(m.group(3)) == timeout
            and (want_id is None or m.group(2) == want_id))
    s.ok(good, f"the watchdog is armed: {s.cfg['bv']['WATCHDOG_DEV']} ({want_id or 'any'}), timeout {timeout}s",
         m.group(0) if m else "no 'podinit Watchdog: ... armed' event" + s.tail())
    return m


def reset_evidence(s):
    """What says that the watchdog reset the board: QMP WATCHDOG (i6300esb) or the
    softdog's console line, and a SHUTDOWN event of reason guest-reset."""
    b = s.b
    wd = b.qmp_event("WATCHDOG")
    soft = b.find_all(r"softdog: Initiating system reboot")
    sd = b.qmp_event("SHUTDOWN")
    fired = (wd is not None and wd[1].get("action") == "reset") or bool(soft)
    reason = sd[1].get("reason") if sd else None
    return fired, reason, (f"QMP WATCHDOG: {wd[1] if wd else None}; softdog line: {bool(soft)}; "
                           f"QMP SHUTDOWN reason: {reason}")


# ---- one orderly stop (poweroff or reboot), shared by the main and reboot boots
def orderly_stop(s, how, wd_timeout):
    b = s.b
    pre = "" if s.label == how else f"{how}: "
    # a SIGTERM before the shell has set its trap would be lost (the shell is PID 1 of
    # its PID namespace): wait for the line each prints after its `trap`
    traps = [("shutdown-order", "sidecar-1", "sidecar-1"), ("shutdown-order", "sidecar-2", "sidecar-2"),
             ("shutdown-order", "app", "app"), ("slow-stop", "app", "slow-stop")]
    missing = [f"{p}/{c}" for p, c, n in traps if not s.wait_log(p, c, rf"^{n} up$")]
    s.ok(not missing, f"{pre}before it: the containers of shutdown-order and slow-stop have set their SIGTERM traps "
         f"(their 'up' lines in 'logs')", "no 'up' line from " + ", ".join(missing))
    start = len(b.text())
    t_sent = b.now()
    b.send(how)
    rc = b.wait_exit(60)
    t_end = b.now()
    text = b.text()[start:]
    # 1. the order of the shutdown-order pod's events
    seq = [(m.group(1), "Killing" if m.group(2) == "Killing" else "exit", m.group(2))
           for m in re.finditer(EV + r"pod/shutdown-order/(\S+) (Killing|Completed|Died|OOMKilled): .*$", text, re.M)]
    want = [("app", "Killing"), ("app", "exit"), ("sidecar-2", "Killing"), ("sidecar-2", "exit"),
            ("sidecar-1", "Killing"), ("sidecar-1", "exit")]
    shown = ", ".join(f"{c} {r}" for c, _, r in seq) or "(no event of pod shutdown-order)"
    s.ok([(c, k) for c, k, _ in seq] == want,
         f"{pre}pod shutdown-order stops app, then sidecar-2, then sidecar-1, each after the previous one exited",
         "events in order: " + shown)
    s.ok(len(seq) == 6 and all(r == "Completed" for c, k, r in seq if k == "exit")
         and not re.search(EV + r"pod/shutdown-order/\S+ Killing: .*SIGKILL", text, re.M),
         f"{pre}the containers of shutdown-order exit 0 on SIGTERM (Completed, no SIGKILL)", "events: " + shown)
    # 2. podinit ends, qemu exits with 0
    stopped = s.events_after(start, r"podinit Stopped:")
    t_stopped = b.time_at(stopped[0].start()) if stopped else None
    if t_stopped is not None:
        s.times[f"{how}_s"] = t_stopped - t_sent
    kmsg = {"poweroff": "reboot: Power down", "reboot": "reboot: Restarting system"}[how]
    reason_want = {"poweroff": "guest-shutdown", "reboot": "guest-reset"}[how]
    fired, reason, ev = reset_evidence(s)
    if how == "poweroff":
        what = "the console prompt: 'poweroff' stops the pods and qemu exits with status 0"
    else:
        what = "the console prompt: 'reboot' stops the pods and qemu (-no-reboot) exits with status 0"
    s.ok(rc == 0 and bool(stopped) and kmsg in text, what,
         f"qemu exit status {rc}, 'podinit Stopped' event seen: {bool(stopped)}, kernel '{kmsg}' seen: "
         f"{kmsg in text}\n" + text[-800:])
    # 3. the board stayed fed while the pods stopped, and the watchdog did not fire after
    long_enough = t_stopped is not None and t_stopped - t_sent > wd_timeout
    s.ok(long_enough and not fired and reason == reason_want,
         f"{pre}the watchdog is fed during a shutdown longer than its timeout ({wd_timeout} s), "
         f"then disarmed: no watchdog reset",
         f"shutdown took {t_stopped - t_sent if t_stopped is not None else float('nan'):.1f} s; {ev} "
         f"(wanted: no watchdog, reason {reason_want})")
    return rc, t_end - t_sent


# ---- the boots
def scenario_main(s, measured):
    try:
        main_boot(s, measured)
    finally:
        measured.set()  # never leave the other boots waiting


def main_boot(s, measured):
    b, cfg = s.b, s.cfg
    first = s.wait("t_init", r"^podinit: ", cfg["boot_timeout"], "the kernel starts podinit as PID 1 (first 'podinit:' line)")
    if not first:
        kernel = b.find_all(r"Kernel panic.*|VFS: Unable to mount root.*")
        if kernel:
            s.lines.append(f"#   kernel: {kernel[0].group(0)}")
        return
    start = s.wait("t_supervisor", EV + r"podinit Starting:", 30, "the supervisor starts (event 'podinit Starting')")
    s.ok(bool(start and re.search(r"cgroups v2\b", start.group(0))),
         "cgroup v2 is in use (Starting event says 'cgroups v2')", start.group(0) if start else "no Starting event")
    arm_check(s, cfg["wd_timeout"])
    # pods
    sc = s.wait("t_sidecar_started", EV + r"pod/sidecar-app/sidecar Started:", 60, "pod sidecar-app: the sidecar starts (event Started)")
    app = s.wait("t_app_started", EV + r"pod/sidecar-app/app Started:", 60, "pod sidecar-app: the app starts (event Started)")
    s.ok(sc and app and sc.start() < app.start(), "pod sidecar-app: the sidecar starts before the app",
         "" if sc and app else "one of them never started")
    apps = [m for m in b.find_all(EV + r"pod/([^/\s]+)/(\S+) Started:")
            if (m.group(1), m.group(2)) not in SIDECARS]
    if apps:
        s.times["t_first_app_started"] = b.time_at(apps[0].start())
    # a container's end is one event: Completed, Died or OOMKilled (wait for any, then judge)
    end = EV + r"pod/{} (Completed|Died|OOMKilled): .*$"
    m = s.wait("t_oom", end.format("oom/hog"), 60, "pod oom: its container ends")
    s.ok(m and m.group(1) == "OOMKilled", "pod oom: the end is event OOMKilled", m.group(0) if m else "")
    s.ok(m and re.search(r"exited with code 137 \(OOMKilled\)", m.group(0)), "pod oom: exit code 137, reason OOMKilled",
         m.group(0) if m else "")
    m = s.wait("t_limits_done", end.format("limits/show"), 60, "pod limits: its container ends")
    s.ok(m and m.group(1) == "Completed", "pod limits: the end is event Completed (exit code 0)", m.group(0) if m else "")
    died = s.wait("t_victim_killed", EV + r"pod/sigkill/victim Died: .*exited with code 137\b", 60,
                  "pod sigkill: the victim, SIGKILLed by the killer container, ends with Died, exit code 137")
    if died:
        s.wait("t_victim_restarted", EV + r"pod/sigkill/victim Started:", 30,
               "pod sigkill: the victim is started again", start=died.end())
    else:
        s.ok(False, "pod sigkill: the victim is started again", "it never died")
    if s.wait(None, EV + r"pod/shutdown-order/app Started:", 30, "pod shutdown-order: its app starts"):
        order = [m.group(1) for m in b.find_all(EV + r"pod/shutdown-order/(\S+) Started:")]
        s.ok(order[:3] == ["sidecar-1", "sidecar-2", "app"],
             "pod shutdown-order: sidecar-1, then sidecar-2, then the app start", "Started: " + ", ".join(order))
    s.wait(None, EV + r"pod/slow-stop/app Started:", 30, "pod slow-stop: its container starts")
    if cfg["bv"].get("UPLINK_ADDR") == "dhcp":
        m = s.wait(None, EV + r"podinit UplinkAddress: eth0 (\S+) via (\S+), DNS (\S+) \(DHCP\)", 30,
                   "the uplink's address by DHCP (event UplinkAddress)")
        s.ok(m and m.group(1) == "10.0.2.15/24" and m.group(2) == "10.0.2.2",
             "DHCP gave QEMU's 10.0.2.15/24 via 10.0.2.2", m.group(0) if m else "")
    unavailable = b.find_all(EV + r"podinit NetworkUnavailable: .*$")
    s.ok(not unavailable, "the pod network is up (no NetworkUnavailable event): uplink, bridge, nftables",
         "\n".join(m.group(0) for m in unavailable))
    bad = b.find_all(r"^podinit: (?:cannot .*|module .*: .*|the supervisor could not run.*)$")
    s.ok(not bad, "PID 1 stage: no mount, module or start error on the console", "\n".join(m.group(0) for m in bad))
    s.times["t_pods_checked"] = b.now()
    measured.set()  # the busy part is over: the other boots may start now
    # the console prompt (CONTRACT §10): Enter shows `podinit> `
    what = ["the console prompt: 'get pods' lists the test pods",
            "the console prompt: 'logs sidecar-app -c app' shows the app's lines",
            "the console prompt: 'logs limits' shows the container's own cgroup v2 namespace and its limits",
            "the console prompt: 'get pod sigkill -o json': the victim has restartCount >= 1 and lastState exit code 137",
            "the console prompt: 'top' reports podinit's RSS",
            "the console prompt: 'debug hang' is refused without podinit.debug=1 (the loop goes on)"]
    if not s.prompt():
        for w in what + ["poweroff (the console prompt)"]:
            s.skip(w, "no 'podinit> ' prompt after Enter yet")
    else:
        out = s.command("get pods")
        s.ok(out is not None and all(re.search(rf"^{n}\s", out, re.M) for n in MAIN_PODS), what[0], out or b.text()[-800:])
        out = s.command("get pods -o wide")
        s.ok(out is not None and re.search(r"^web\s.*\s10\.88\.\d+\.\d+\s", out, re.M),
             "the console prompt: 'get pods -o wide' shows web's address from the pod range", out or "")
        deadline = time.monotonic() + 30
        out = ""
        while time.monotonic() < deadline:
            out = s.command("logs client --tail 3") or ""
            if re.search(r"^got=served-by-web$", out, re.M):
                break
            time.sleep(1)
        s.ok(re.search(r"^got=served-by-web$", out, re.M),
             "pod to pod through a Service's name on the board (client's wget http://websvc/)", out)
        port = cfg.get("nodeport_fwd")
        if port:
            body = ""
            for _ in range(10):
                try:
                    with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=3) as r:
                        body = r.read().decode().strip()
                        break
                except OSError as e:
                    body = repr(e)
                    time.sleep(1)
            s.ok(body == "served-by-web",
                 f"from the host: the board's NodePort 30080 (forwarded from 127.0.0.1:{port}) serves web", body)
        out = s.command("logs sidecar-app -c app")
        s.ok(out is not None and re.search(r"^app-line-\d+", out, re.M), what[1], out or b.text()[-800:])
        out = s.command("logs limits")
        s.ok(out is not None and re.search(r"^0::/$", out, re.M) and re.search(r"^memory.max 25165824$", out, re.M)
             and re.search(r"^cpu.max 50000 100000$", out, re.M), what[2], out or b.text()[-800:])
        out = s.command("get pod sigkill -o json")
        victim, why = None, ""
        try:
            body = strip_events(out or "")
            doc = json.loads(body[body.index("{"):body.rindex("}") + 1])
            victim = next(c for c in doc["status"]["containerStatuses"] if c["name"] == "victim")
        except (ValueError, KeyError, StopIteration, TypeError) as e:
            why = f"cannot read the victim's status: {e!r}\n"
        good = (victim is not None and victim.get("restartCount", 0) >= 1
                and victim.get("lastState", {}).get("terminated", {}).get("exitCode") == 137)
        s.ok(good, what[3], why + (json.dumps(victim, indent=1) if victim else (out or b.text()[-800:])))
        if victim is not None:
            s.times["victim_restarts"] = victim.get("restartCount")
        out = s.command("top")
        m = re.search(r"^podinit: RSS (\d+) KiB", out or "", re.M)
        s.ok(m, what[4], out or b.text()[-800:])
        if m:
            s.times["rss_kib"] = int(m.group(1))
        out = s.command("debug hang", 8)
        s.ok(out is not None and "hanging" not in out and b.proc.poll() is None, what[5], out or b.text()[-800:])
        # the prompt answers as podctl does: a flag it does not know, one it refuses
        out = strip_events(s.command("get pods --bogus") or "")
        s.ok(re.search(r"^error: unknown flag: --bogus \(usage: podctl get ", out, re.M),
             "the prompt: 'get pods --bogus' is refused, naming the flag", out)
        # since the OTA generations (1b49b1d) --dry-run prints a plan, and the manifests
        # directory's objects belong to the update agent: podctl refuses to change them
        out = strip_events(s.command("apply --dry-run -f /etc/podinit/manifests/limits.yaml") or "")
        s.ok(re.search(r'^error: pod "limits" comes from the manifests directory .*update agent', out, re.M),
             "the prompt: 'apply --dry-run' of a manifests-directory object is refused: the update agent owns it", out)
        orderly_stop(s, "poweroff", cfg["wd_timeout"])


def scenario_reboot(s):
    b, cfg = s.b, s.cfg
    if not s.wait("t_init", r"^podinit: ", cfg["boot_timeout"], "the kernel starts podinit"):
        return
    arm_check(s, cfg["wd_timeout"])
    ok = s.wait(None, EV + r"pod/shutdown-order/app Started:", 60, "pod shutdown-order: its app starts")
    ok = s.wait(None, EV + r"pod/slow-stop/app Started:", 30, "pod slow-stop: its container starts") and ok
    if not s.prompt():
        s.skip("reboot (the console prompt)", "no 'podinit> ' prompt after Enter yet")
        return
    orderly_stop(s, "reboot", cfg["wd_timeout"])


def scenario_hang(s):
    b, cfg = s.b, s.cfg
    wd = cfg["wd_timeout"]
    if not s.wait("t_init", r"^podinit: ", cfg["boot_timeout"], "the kernel starts podinit (with podinit.debug=1)"):
        return
    armed = arm_check(s, wd)
    if not armed:
        return
    if not s.prompt(15):
        s.skip("debug hang (the console prompt)", "no 'podinit> ' prompt after Enter yet")
        return
    t_armed = s.times["t_watchdog_armed"]
    # more than two timeouts, and then about half a feed period after a feed: the reset
    # is due timeout - period/2 after the hang
    idle_until = t_armed + 2 * wd + wd / 4
    rc = b.wait_exit(max(0.0, idle_until - b.now()))
    s.times["wd_idle_s"] = b.now() - t_armed
    if not s.ok(rc is None, f"the board stays up {b.now() - t_armed:.1f} s after arming (> 2 watchdog timeouts) "
                f"while idle: the event loop feeds the watchdog",
                f"qemu exited with status {rc} at {b.now():.1f} s" + s.tail()):
        return
    out = s.command("get pods", 10)
    s.ok(out is not None and re.search(r"^idle\s|^sidecar-app\s", out, re.M), "the console still answers just before the hang",
         out or b.text()[-800:])
    t_hang = b.now()
    b.send("debug hang")
    rc = b.wait_exit(wd + 10)
    sd = b.qmp_event("SHUTDOWN")
    t_exit = sd[0] if sd else b.now()
    delay = t_exit - t_hang
    s.times["wd_hang_reset_s"] = delay
    lo, hi = wd / 2 - 0.5, wd + 3
    s.ok(rc is not None and lo <= delay <= hi,
         f"after 'debug hang' the watchdog resets the board (qemu exits) {delay:.1f} s later "
         f"(expected {lo:.1f}..{hi:.1f} s: at most one timeout after the last feed)",
         f"qemu exit status {rc}" + ("" if rc is not None else " (still running: killed)") + s.tail())
    fired, reason, ev = reset_evidence(s)
    stopped = b.find_all(EV + r"podinit Stopped:")
    s.ok(fired and reason == "guest-reset" and not stopped,
         "the reset is the watchdog's (QMP WATCHDOG or softdog's message, SHUTDOWN guest-reset; no 'podinit Stopped')",
         ev + f"; 'podinit Stopped' seen: {bool(stopped)}")


def scenario_critical(s):
    b, cfg = s.b, s.cfg
    wd, budget = cfg["wd_timeout"], cfg["wd_budget"]
    if not s.wait("t_init", r"^podinit: ", cfg["boot_timeout"], "the kernel starts podinit"):
        return
    if not arm_check(s, wd):
        return
    sched = s.wait("t_critical_scheduled", EV + r"critical-bad Scheduled:", 30, "pod critical-bad is created")
    if not sched:
        return
    starved = s.wait("t_starved", EV + r"(\S+) WatchdogStarved: .*", budget + 2 * wd + 20,
                     "event WatchdogStarved once the critical pod stays unhealthy")
    if not starved:
        return
    s.ok(starved.group(1) == "critical-bad", "WatchdogStarved names the critical pod that is never Ready (critical-bad)",
         starved.group(0))
    after = s.times["t_starved"] - s.times["t_critical_scheduled"]
    s.times["wd_starved_after_s"] = after
    # on_feed checks every timeout/2: first sight up to one period late, the budget's end too
    lo, hi = budget, budget + wd + 3
    s.ok(lo <= after <= hi, f"WatchdogStarved {after:.1f} s after the pod was created (expected {lo}..{hi} s: "
         f"the budget, checked every timeout/2)", starved.group(0))
    rc = b.wait_exit(wd + 10)
    sd = b.qmp_event("SHUTDOWN")
    t_exit = sd[0] if sd else b.now()
    delay = t_exit - s.times["t_starved"]
    s.times["wd_reset_after_starved_s"] = delay
    s.ok(rc is not None and 0 <= delay <= wd + 3,
         f"then the watchdog resets the board (qemu exits) {delay:.1f} s after WatchdogStarved (expected <= {wd + 3} s)",
         f"qemu exit status {rc}" + s.tail())
    fired, reason, ev = reset_evidence(s)
    s.ok(fired and reason == "guest-reset", "the reset is the watchdog's (QMP WATCHDOG or softdog's message, SHUTDOWN guest-reset)", ev)
    others = [m.group(0) for m in b.find_all(EV + r"(?:critical-good|plain-bad) WatchdogStarved:.*")]
    s.ok(not others, "no WatchdogStarved for the Ready critical pod nor for the unready pod that is not critical",
         "\n".join(others))


def scenario_attack(s):
    cfg = s.cfg
    if not s.wait("t_init", r"^podinit: ", cfg["boot_timeout"], "the kernel starts podinit"):
        return
    if not s.wait(None, EV + r"pod/attack/c Started:", 60, "the attack container starts"):
        return
    if not s.prompt():
        s.ok(False, "a prompt after Enter", s.tail())
        return
    if not s.wait_log("attack", "c", r"^ATTACK-DONE$", 60):
        s.ok(False, "the attack container ran to its end", s.tail())
        return
    out = strip_events(s.command("logs attack -c c", 15) or "")
    lines = dict(l.split("=", 1) for l in out.splitlines() if "=" in l)
    for key, what in [("core_pattern", "/proc/sys/kernel/core_pattern cannot be written"),
                      ("sysrq", "/proc/sysrq-trigger cannot be opened for writing"),
                      ("mknod-dev-kmsg", "no device node in /dev (cgroup v2 device program)"),
                      ("mknod-dev-disk", "no node for the board's disk"),
                      ("mknod-emptydir-kmsg", "no device node in an emptyDir"),
                      ("open-hostdev-kmsg", "the board's /dev/kmsg through a hostPath cannot be opened"),
                      ("read-hostdev-mem", "the board's /dev/mem through a hostPath cannot be read")]:
        s.ok(lines.get(key) == "denied", what, f"{key}={lines.get(key)}")
    s.ok(lines.get("write-dev-null") == "DONE", "/dev/null still works", f"write-dev-null={lines.get('write-dev-null')}")
    s.ok(lines.get("masked-kcore", "0") == "0" and lines.get("masked-keys", "0") == "0",
         "/proc/kcore and /proc/keys are masked", out)
    s.ok(lines.get("cgroupfs", "").startswith("cgroup2 ro"), "/sys/fs/cgroup is the container's cgroup2, read-only",
         f"cgroupfs={lines.get('cgroupfs')}")
    for call in ("keyctl", "add_key", "unshare_user", "mount"):
        s.ok(lines.get(call) == "EPERM", f"seccomp RuntimeDefault refuses {call}", f"{call}={lines.get(call)}")
    if not s.wait_log("race", "attacker", r"^escape: done ", 100):
        s.ok(False, "the fd-race attacker ran to its end", s.tail())
        return
    out = strip_events(s.command("logs race -c attacker", 15) or "")
    m = re.search(r"escape: done seen=(\d+) podinit=(\d+) opened=(\d+) leaked=(\d+) escaped=(\d+)", out)
    if not s.ok(m is not None, "the fd-race attacker reports", out):
        return
    seen, pre, leaked, escaped = int(m.group(1)), int(m.group(2)), int(m.group(4)), int(m.group(5))
    s.remark(f"fd race: {m.group(0)}")
    s.ok(seen >= 30, f"the attacker saw at least 30 of podinit's children ({seen}, {pre} before their exec)", m.group(0))
    s.ok(leaked == 0 and escaped == 0, "no fd or link of theirs opened before exec, nothing escaped", m.group(0))
    if s.wait_log("race", "witness", r"^witness=", 30):
        w = strip_events(s.command("logs race -c witness", 15) or "")
        s.ok("witness=absent" in w, "no file appeared on the board's root", w)
    else:
        s.ok(False, "the witness reports", s.tail())
    s.b.send("poweroff")
    rc = s.b.wait_exit(60)
    s.ok(rc == 0, "poweroff after the attacks", f"qemu exit status {rc}" + s.tail())


def scenario_mem(s, mib):
    """Boots with -m MIB and runs the test pods: a figure, not a check (near the limit
    the result varies from boot to boot: who the global OOM killer meets first)."""
    b, cfg = s.b, s.cfg
    steps = [(r"^podinit: ", 25, "reaches podinit"),
             (EV + r"podinit Starting:", 20, "podinit Starting"),
             (EV + r"pod/sidecar-app/app Started:", 40, "sidecar-app's app started"),
             (EV + r"pod/oom/hog OOMKilled:", 40, "oom OOMKilled"),
             (EV + r"pod/limits/show Completed:", 40, "limits Completed"),
             (EV + r"pod/sigkill/victim Died: .*code 137", 40, "the victim was SIGKILLed"),
             (EV + r"pod/shutdown-order/app Started:", 40, "shutdown-order's app started"),
             (EV + r"pod/slow-stop/app Started:", 40, "slow-stop started")]
    why = None
    for rx, t, what in steps:  # each bounded, and cut short by qemu's exit or an OOM kill
        b.note(f"waiting up to {t} s for {rx!r} (or a global OOM kill)")
        deadline = time.monotonic() + t
        while not b.expect(f"(?:{rx})[^\n]*\n", min(2.0, max(0.0, deadline - time.monotonic())), anywhere=True):
            if b.eof or b.find_all(KERNEL_TROUBLE) or time.monotonic() >= deadline:
                why = f"no '{what}'" + (" (qemu exited)" if b.eof else "" if b.find_all(KERNEL_TROUBLE)
                                        else f" within {t} s")
                break
        if not why and b.find_all(KERNEL_TROUBLE):
            why = f"stopped after '{what}'"
        if why:
            break
    if why is None:
        if not s.prompt(15):
            why = "no prompt"
        else:
            out = s.command("get pods", 15)
            if out is None or not all(re.search(rf"^{n}\s", out, re.M) for n in MAIN_PODS):
                why = "get pods does not list the pods"
            else:
                b.send("poweroff")
                rc = b.wait_exit(60)
                if rc != 0:
                    why = f"poweroff: qemu exit status {rc}"
    trouble = b.find_all(KERNEL_TROUBLE)
    if trouble:
        why = (why + "; " if why else "") + "kernel: " + trouble[0].group(0).strip()
    if why and not b.text().strip():
        why += " (nothing at all on the console)"
    s.remark(f"-m {mib}: " + ("boots and runs the test pods" if why is None else "does not: " + why))
    s.times["ok"] = why is None


def free_port():
    """A TCP port of the host's loopback that nothing holds now."""
    with socket.socket() as so:
        so.bind(("127.0.0.1", 0))
        return so.getsockname()[1]


# ---- running them
class Run:
    def __init__(self, board, label, fn, image, log, cfg, extra=(), append="", args=()):
        self.board, self.label, self.fn, self.image, self.log = board, label, fn, image, log
        self.cfg, self.extra, self.append, self.args = cfg, extra, append, args
        self.suite = None
        self.done = threading.Event()
        self.wall = None

    def __call__(self, slots):
        with slots:
            t0 = time.monotonic()
            self.suite = Suite(self.board, self.label, None, self.cfg)
            try:
                cmd = qemu_command(self.board, self.image, self.extra, self.append, kernel=self.cfg["kernel"])
                if self.fn is scenario_main and self.cfg.get("nodeport_fwd"):
                    # the host's loopback port to the board's NodePort 30080
                    fwd = f",hostfwd=tcp:127.0.0.1:{self.cfg['nodeport_fwd']}-:30080"
                    cmd = [a + fwd if a.startswith("user,") else a for a in cmd]
                with Boot(cmd, self.log, total_timeout=self.cfg["timeout"], qmp=True) as b:
                    self.suite.b = b
                    self.fn(self.suite, *self.args)
                    oops = b.find_all(KERNEL_TROUBLE)
                    if not self.label.startswith("mem-"):
                        self.suite.ok(not oops, "no kernel panic, oops, BUG or global OOM kill on the console",
                                      "\n".join(m.group(0) for m in oops[:5]))
                    self.suite.times["t_total"] = b.now()
            except Exception as e:  # a harness error is a failed check, not a traceback
                self.suite.ok(False, "the harness ran this boot to its end", f"{type(e).__name__}: {e}")
            finally:
                self.wall = time.monotonic() - t0
                for a in self.args:  # scenario_main's event: never leave the others waiting
                    if isinstance(a, threading.Event):
                        a.set()
                self.done.set()


def main():
    ap = argparse.ArgumentParser(description="podinit's end-to-end boots (see the file's header)")
    ap.add_argument("boards", nargs="+")
    ap.add_argument("--dir", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "build", "test", "e2e"),
                    help="where run.sh put DIR/BOARD/initramfs*.cpio.gz; logs go there too")
    ap.add_argument("--times", default=None, help="append the figures here, one line per board")
    ap.add_argument("--binary", action="append", default=[], help="BOARD=PATH of the podinit binary (its size is a figure)")
    ap.add_argument("--timeout", type=float, default=float(os.environ.get("E2E_BOOT_TIMEOUT", 180)),
                    help="bound on one boot, checks included (s)")
    ap.add_argument("--boot-timeout", type=float, default=60, help="bound on reaching podinit (s)")
    ap.add_argument("--watchdog-timeout", type=int, default=int(os.environ.get("E2E_WATCHDOG_TIMEOUT", 4)))
    ap.add_argument("--watchdog-budget", type=int, default=int(os.environ.get("E2E_WATCHDOG_BUDGET", 6)))
    ap.add_argument("--jobs", type=int, default=int(os.environ.get("E2E_JOBS", 4)), help="qemu processes at a time")
    ap.add_argument("--scenarios", default=os.environ.get("E2E_SCENARIOS", "main reboot hang critical attack mem"))
    ap.add_argument("--mem", default=os.environ.get("E2E_MEM", "80 72 64 56 48"), help="-m sizes to try (MiB)")
    a = ap.parse_args()
    _terminate_on_signals()
    want = set(a.scenarios.split())
    mems = sorted((int(x) for x in a.mem.split()), reverse=True) if "mem" in want else []
    binaries = dict(x.split("=", 1) for x in a.binary)
    t0 = time.monotonic()
    slots = threading.BoundedSemaphore(max(1, a.jobs))
    mains, others, setup_fail = [], [], []
    for board in a.boards:
        d = os.path.join(os.path.abspath(a.dir), board)
        try:
            bv = board_vars(board)
            cfg = dict(bv=bv, kernel=kernel_path(bv), timeout=a.timeout, boot_timeout=a.boot_timeout,
                       wd_timeout=a.watchdog_timeout, wd_budget=a.watchdog_budget, nodeport_fwd=free_port())
        except Exception as e:
            setup_fail.append(f"not ok - {board}: the board's variables and kernel (boot.py): {e}")
            continue
        main_img = os.path.join(d, "initramfs.cpio.gz")
        measured = threading.Event()
        if "main" in want:
            mains.append(Run(board, "", scenario_main, main_img, os.path.join(d, "console.log"), cfg, args=(measured,)))
        else:
            measured.set()
        if "hang" in want:
            others.append(Run(board, "watchdog-hang", scenario_hang, main_img, os.path.join(d, "console-hang.log"),
                              cfg, append="podinit.debug=1"))
        if "critical" in want:
            others.append(Run(board, "watchdog-critical", scenario_critical, os.path.join(d, "initramfs-critical.cpio.gz"),
                              os.path.join(d, "console-critical.log"), cfg))
        if "attack" in want:
            others.append(Run(board, "attack", scenario_attack, os.path.join(d, "initramfs-attack.cpio.gz"),
                              os.path.join(d, "console-attack.log"), cfg))
        if "reboot" in want:
            others.append(Run(board, "reboot", scenario_reboot, main_img, os.path.join(d, "console-reboot.log"), cfg))
        for mib in mems:
            others.append(Run(board, f"mem-{mib}", scenario_mem, main_img, os.path.join(d, f"console-mem-{mib}.log"),
                              cfg, extra=("-m", str(mib)), args=(mib,)))
        cfg["measured"] = measured
    # longest first, boards interleaved
    order = {"watchdog-hang": 0, "attack": 1, "watchdog-critical": 2, "reboot": 3}
    others.sort(key=lambda r: (order.get(r.label, 3), mems.index(int(r.label[4:])) if r.label.startswith("mem-") else 0))
    threads = []

    def start_all():
        # main boots one after the other: each measures its start-up alone
        for r in mains:
            t = threading.Thread(target=r, args=(slots,), daemon=True)
            t.start()
            threads.append(t)
            r.cfg["measured"].wait(a.timeout + 30)
        for r in mains:
            r.cfg["measured"].wait(a.timeout + 30)
        for r in others:
            t = threading.Thread(target=r, args=(slots,), daemon=True)
            t.start()
            threads.append(t)
            time.sleep(0.3)  # in order of the list: the semaphore is not fair
    starter = threading.Thread(target=start_all, daemon=True)
    starter.start()

    passed = failed = skipped = 0
    for line in setup_fail:
        print(line)
        failed += 1
    sys.stdout.flush()
    for r in mains + others:  # a fixed order, each as soon as it and those before are done
        r.done.wait()
        for line in r.suite.lines:
            print(line)
        sys.stdout.flush()
        passed, failed, skipped = passed + r.suite.passed, failed + r.suite.failed, skipped + r.suite.skipped
    # figures, one line per board
    wall = time.monotonic() - t0
    for board in a.boards:
        runs = [r for r in mains + others if r.board == board]
        if not runs:
            continue
        fig = {}
        for r in runs:
            pre = "" if r.label == "" else {"watchdog-hang": "hang.", "watchdog-critical": "critical.",
                                            "reboot": "reboot.", "attack": "attack."}.get(r.label, r.label + ".")
            for k, v in r.suite.times.items():
                if r.label.startswith("mem-"):
                    if k == "ok":
                        fig[f"mem{r.label[4:]}"] = "ok" if v else "fail"
                elif pre == "" or k.startswith(("wd_", "reboot_")) or k == "t_total":
                    fig[pre + k] = v
        if mems:  # the smallest size from which up every size tried works
            works = None
            for m in mems:
                if fig.get(f"mem{m}") != "ok":
                    break
                works = m
            fig["min_mem_mib"] = works if works is not None else f">{mems[0]}"
        if board in binaries:
            try:
                fig["podinit_bytes"] = os.path.getsize(binaries[board])
            except OSError:
                pass
        fig["wd_timeout_s"], fig["wd_budget_s"] = a.watchdog_timeout, a.watchdog_budget

        def fmt(k, v):
            if isinstance(v, float):
                return f"{k}={v:.2f}" + ("" if k.endswith("_s") else "s")
            return f"{k}={v}"
        line = " ".join(fmt(k, v) for k, v in fig.items() if v is not None)
        boots = " ".join(f"{r.label or 'main'}={r.wall:.1f}s" for r in runs if r.wall is not None)
        print(f"# {board}: {line}")
        print(f"# {board}: boot walls: {boots}")
        if a.times:
            with open(a.times, "a") as f:
                f.write(f"{time.strftime('%Y-%m-%dT%H:%M:%S')} {board} {line} wall={wall:.2f}s\n")
    print(f"# boots: {len(mains) + len(others)}, at most {a.jobs} at a time, {wall:.1f} s")
    print(f"{passed} passed, {failed} failed, {skipped} skipped")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
