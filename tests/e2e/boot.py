#!/usr/bin/env python3
"""Boot a board's initramfs under qemu-system and drive its serial console.

Library (python3 stdlib only):

    from boot import Boot, qemu_command
    cmd = qemu_command("qemu-virt-arm64", "build/qemu-virt-arm64/initramfs.cpio.gz")
    with Boot(cmd, log_path="console.log", total_timeout=120) as b:
        m = b.expect(r"^podinit: ", timeout=60)        # None on timeout / qemu exit
        b.send("get pods")                            # a line, ended by "\\r" (a terminal's Enter)
        b.wait_exit(timeout=30)                       # qemu's exit status, or None
    # Boot(cmd, ..., qmp=True): qemu's QMP events too (b.qmp_event("SHUTDOWN") -> (t, data))

* The console is qemu's `-serial stdio` on pipes (`-display none -monitor none`, the board's
  -nographic dropped): no monitor multiplexer, so no byte is taken as an escape.
* Every read is bounded: expect() waits at most its timeout and never past the boot's
  total_timeout; a timer kills qemu at total_timeout even if the caller is stuck elsewhere;
  close() (and leaving the `with`) ends qemu (SIGTERM, then SIGKILL after 3 s), and qemu
  also dies with this process (PR_SET_PDEATHSIG).
* Everything qemu prints (console and qemu's own stderr) goes to the log file, a line at a
  time, prefixed with seconds since qemu was started; sends are logged as `>>> ...`.
* Output is matched as text with "\\r" removed and re.MULTILINE, so `^` anchors at a line.
* With qmp=True, qemu's QMP events are logged as `qmp: EVENT {data}`: the SHUTDOWN event's
  reason is guest-shutdown for a power-off and guest-reset for a reset (-no-reboot turns a
  reset into an exit), and the i6300esb model also sends WATCHDOG {"action": "reset"}.
  b.t_eof is when the console closed, i.e. when qemu exited.

Command line (ad-hoc use; the e2e suite is tests/e2e/run.sh):

    tests/e2e/boot.py BOARD INITRAMFS [--log FILE] [--timeout S] [--append 'k=v ...']
                      [--step 'expect:REGEX' | --step 'send:TEXT' | --step 'sleep:S' |
                       --step 'exit:S' ...] [--echo] [--qmp] [-- extra qemu arguments]

Steps run in order; each expect waits up to --step-timeout (default 60 s). Quote the steps
(an unquoted `expect:^podinit>` is a shell redirection). The last line printed is
`RESULT ok=True|False t_first=<s> t_total=<s> rc=<qemu exit status or killed>`.
"""
import argparse
import ctypes
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time

TOP = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
BOARD_VARS = ("ARCH", "KERNEL_PKG_GLOB", "QEMU_SYSTEM", "QEMU_ARGS", "KERNEL_CMDLINE", "CONSOLE",
              "MODULES", "WATCHDOG_DEV", "WATCHDOG_TIMEOUT", "UPLINK_ADDR")


def board_vars(board):
    """The board's variables, read from boards/BOARD/board.mk through make."""
    mk = ("include $(TOP)/boards/$(BOARD)/board.mk\n"
          "$(foreach v,$(VARS),$(info $(v)=$(strip $($(v)))))\n"
          "all: ; @:\n")
    env = {k: v for k, v in os.environ.items() if k not in ("MAKEFLAGS", "MAKEFILES", "MAKELEVEL", "MFLAGS")}
    out = subprocess.run(["make", "--no-print-directory", "-s", "-f", "-", "TOP=" + TOP, "BOARD=" + board,
                          "VARS=" + " ".join(BOARD_VARS)], input=mk, capture_output=True, text=True,
                         env=env, check=True, timeout=60).stdout
    v = dict(line.split("=", 1) for line in out.splitlines() if "=" in line)
    return {k: v.get(k, "") for k in BOARD_VARS}


def kernel_path(bv):
    """Debian's kernel for the board's arch (rootfs/fetch.sh downloads it once)."""
    env = dict(os.environ, KERNEL_PKG_GLOB=bv["KERNEL_PKG_GLOB"])
    out = subprocess.run([os.path.join(TOP, "rootfs", "fetch.sh"), bv["ARCH"]], env=env,
                         stdout=subprocess.PIPE, check=True, text=True, timeout=600).stdout
    return out.strip().splitlines()[-1]


def qemu_command(board, initrd, extra=(), append="", kernel=None):
    """The qemu-system argv that boots INITRD for BOARD with the console on stdio."""
    bv = board_vars(board)
    if not bv["QEMU_SYSTEM"]:
        raise SystemExit(f"boot.py: board {board} cannot be emulated (no QEMU_SYSTEM in its board.mk)")
    args = [a for a in bv["QEMU_ARGS"].split() if a != "-nographic"]
    cmdline = bv["KERNEL_CMDLINE"] + (" " + append if append else "")
    return ([bv["QEMU_SYSTEM"]] + args +
            ["-display", "none", "-monitor", "none", "-serial", "stdio", "-parallel", "none",
             "-kernel", kernel or kernel_path(bv), "-initrd", initrd, "-append", cmdline] + list(extra))


def _die_with_parent():
    os.setsid()
    try:
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


class Boot:
    """One qemu-system process and its serial console."""

    def __init__(self, cmd, log_path=None, total_timeout=300.0, echo=False, qmp=False):
        self.cmd = list(cmd)
        self.qmp_events = []       # (seconds since start, event name, data) from qemu's QMP
        self._qmp_dir = None
        if qmp:
            self._qmp_dir = tempfile.mkdtemp(prefix="podinit-qmp.")
            self._qmp_path = os.path.join(self._qmp_dir, "qmp.sock")
            self.cmd += ["-qmp", f"unix:{self._qmp_path},server=on,wait=off"]
        self.t_eof = None          # when the console reached its end (qemu exited), seconds
        self.total_timeout = total_timeout
        self.echo = echo
        self.buf = ""              # the console so far, "\r" removed
        self.arrivals = []         # (offset into buf, seconds since start) per chunk
        self.cursor = 0            # where the next expect() starts
        self.cond = threading.Condition()
        self.eof = False
        self.rc = None
        self.killed_by = None      # None, "timeout" or "close"
        self.log = open(log_path, "w", encoding="utf-8", errors="replace") if log_path else None
        self.log_lock = threading.Lock()
        self._partial = {"console": "", "qemu": "", "note": "", "qmp": ""}
        self.t0 = time.monotonic()
        self._log_raw("qemu", "$ " + " ".join(self.cmd) + "\n")
        self.proc = subprocess.Popen(self.cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE, preexec_fn=_die_with_parent, cwd=TOP)
        self._threads = [threading.Thread(target=self._read, args=(self.proc.stdout, "console"), daemon=True),
                         threading.Thread(target=self._read, args=(self.proc.stderr, "qemu"), daemon=True)]
        if qmp:
            self._threads.append(threading.Thread(target=self._qmp, daemon=True))
        for t in self._threads:
            t.start()
        self._timer = threading.Timer(total_timeout, self._kill, args=("timeout",))
        self._timer.daemon = True
        self._timer.start()

    # ---- time and logging
    def now(self):
        return time.monotonic() - self.t0

    def _log_raw(self, stream, text):
        """Logs complete lines of TEXT, each prefixed with the time; keeps a partial last line."""
        with self.log_lock:
            text = self._partial[stream] + text
            lines = text.split("\n")
            self._partial[stream] = lines.pop()
            for line in lines:
                self._log_line(stream, line)

    def _log_line(self, stream, line):
        s = f"[{self.now():8.3f}] {stream + ': ' if stream in ('qemu', 'qmp') else ''}{line}\n"
        if self.log:
            self.log.write(s)
            self.log.flush()
        if self.echo:
            sys.stderr.write(s)

    def note(self, text):
        """Writes a harness remark into the log (e.g. which check runs)."""
        with self.log_lock:
            self._log_line("note", "### " + text)

    # ---- reading
    def _read(self, pipe, stream):
        while True:
            try:
                data = os.read(pipe.fileno(), 65536)
            except OSError:
                data = b""
            if not data:
                break
            text = data.decode("utf-8", errors="replace").replace("\r", "")
            self._log_raw(stream, text)
            if stream == "console":
                with self.cond:
                    self.arrivals.append((len(self.buf), self.now()))
                    self.buf += text
                    self.cond.notify_all()
        with self.log_lock:
            if self._partial[stream]:
                self._log_line(stream, self._partial[stream] + "  [no newline]")
                self._partial[stream] = ""
        if stream == "console":
            with self.cond:
                self.t_eof = self.now()
                self.eof = True
                self.cond.notify_all()

    def _qmp(self):
        """Logs qemu's QMP events (`qmp: EVENT {data}`): SHUTDOWN's reason tells a guest
        power-off (guest-shutdown) from a reset (guest-reset: reboot or watchdog), and a
        watchdog device model (i6300esb) also sends WATCHDOG."""
        deadline = time.monotonic() + 30
        sock = None
        while time.monotonic() < deadline and self.proc.poll() is None:
            try:
                sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
                sock.connect(self._qmp_path)
                break
            except OSError:
                sock.close()
                sock = None
                time.sleep(0.05)
        if sock is None:
            self._log_raw("qemu", "(no QMP connection)\n")
            return
        try:
            sock.sendall(b'{"execute": "qmp_capabilities"}\n')
            f = sock.makefile("rb")
            for raw in f:
                try:
                    msg = json.loads(raw)
                except ValueError:
                    continue
                if "event" in msg:
                    with self.cond:
                        self.qmp_events.append((self.now(), msg["event"], msg.get("data", {})))
                        self.cond.notify_all()
                    self._log_raw("qmp", f"{msg['event']} {json.dumps(msg.get('data', {}))}\n")
        except OSError:
            pass
        finally:
            sock.close()

    def qmp_event(self, name):
        """The first QMP event NAME as (time, data), or None."""
        with self.cond:
            for t, n, d in self.qmp_events:
                if n == name:
                    return t, d
        return None

    def time_at(self, offset):
        """Seconds since start at which the console byte at OFFSET arrived."""
        with self.cond:
            t = None
            for off, at in self.arrivals:
                if off > offset:
                    break
                t = at
            return t

    def expect(self, regex, timeout, anywhere=False, start=None):
        """Waits up to TIMEOUT seconds for REGEX (re.MULTILINE) in the console output after
        the cursor (or anywhere since the boot, with anywhere=True; or from offset START,
        which also leaves the cursor alone). Returns the match and, unless anywhere or
        start, moves the cursor past it; None on timeout, qemu's exit, or the boot's total
        timeout."""
        rx = re.compile(regex, re.MULTILINE)
        deadline = min(time.monotonic() + timeout, self.t0 + self.total_timeout)
        with self.cond:
            while True:
                m = rx.search(self.buf, start if start is not None else 0 if anywhere else self.cursor)
                if m:
                    if not anywhere and start is None:
                        self.cursor = m.end()
                    return m
                left = deadline - time.monotonic()
                if left <= 0 or self.eof:
                    return None
                self.cond.wait(min(left, 1.0))

    def find_all(self, regex):
        """Every match of REGEX in the console output so far."""
        with self.cond:
            return list(re.finditer(regex, self.buf, re.MULTILINE))

    def text(self):
        with self.cond:
            return self.buf

    # ---- writing
    def send(self, line, eol="\r"):
        """Types LINE and Enter (a terminal sends "\\r"; the tty turns it into "\\n")."""
        self._log_raw("note", f">>> {line}\n")
        try:
            self.proc.stdin.write((line + eol).encode())
            self.proc.stdin.flush()
            return True
        except (BrokenPipeError, ValueError, OSError):
            return False

    # ---- the end
    def wait_exit(self, timeout):
        """qemu's exit status once it exits by itself within TIMEOUT, else None."""
        try:
            self.rc = self.proc.wait(timeout=max(0.0, min(timeout, self.t0 + self.total_timeout - time.monotonic())))
        except subprocess.TimeoutExpired:
            return None
        return self.rc

    def _kill(self, why):
        if self.proc.poll() is not None:
            return
        self.killed_by = self.killed_by or why
        if why == "timeout":
            self.note(f"total timeout of {self.total_timeout:.0f} s reached: killing qemu")
        try:
            self.proc.terminate()
            self.proc.wait(timeout=3)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        except OSError:
            pass

    def close(self):
        self._timer.cancel()
        self._kill("close")
        try:
            self.rc = self.proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.rc = self.proc.wait()
        for t in self._threads:
            t.join(timeout=2)
        if self._qmp_dir:
            shutil.rmtree(self._qmp_dir, ignore_errors=True)
        end = f"console closed at {self.t_eof:.3f} s" if self.t_eof is not None else "console still open"
        self.note(f"qemu ended: rc={self.rc} killed_by={self.killed_by} ({end}) after {self.now():.3f} s")
        if self.log:
            self.log.close()
            self.log = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
        return False


def _terminate_on_signals():
    def handler(signum, frame):
        raise KeyboardInterrupt(f"signal {signum}")
    signal.signal(signal.SIGTERM, handler)
    signal.signal(signal.SIGHUP, handler)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("board")
    ap.add_argument("initrd")
    ap.add_argument("--log", default=None)
    ap.add_argument("--timeout", type=float, default=120, help="total seconds for the whole boot")
    ap.add_argument("--step-timeout", type=float, default=60)
    ap.add_argument("--append", default="", help="more kernel command line")
    ap.add_argument("--step", action="append", default=[], help="expect:REGEX | send:TEXT | sleep:S | exit:S (qemu exits within S)")
    ap.add_argument("--echo", action="store_true", help="copy the log to stderr as it comes")
    ap.add_argument("--qmp", action="store_true", help="log qemu's QMP events (SHUTDOWN reason, WATCHDOG)")
    argv = sys.argv[1:]
    extra = argv[argv.index("--") + 1:] if "--" in argv else []
    a = ap.parse_args(argv[:argv.index("--")] if "--" in argv else argv)
    _terminate_on_signals()
    cmd = qemu_command(a.board, os.path.abspath(a.initrd), extra, a.append)
    ok, t_first = True, None
    with Boot(cmd, a.log, a.timeout, echo=a.echo, qmp=a.qmp) as b:
        m = b.expect(r"\S", a.step_timeout, anywhere=True)
        t_first = b.time_at(m.start()) if m else None
        for step in a.step:
            kind, _, arg = step.partition(":")
            if kind == "expect":
                m = b.expect(arg, a.step_timeout)
                print(f"[{b.now():8.3f}] {'matched' if m else 'TIMEOUT waiting for'} {arg!r}"
                      + (f": {m.group(0)!r}" if m else ""))
                if not m:
                    ok = False
                    break
            elif kind == "send":
                b.send(arg)
            elif kind == "sleep":
                time.sleep(float(arg))
            elif kind == "exit":
                rc = b.wait_exit(float(arg))
                print(f"[{b.now():8.3f}] " + (f"qemu exited, status {rc}" if rc is not None
                                               else f"qemu still running after {arg} s"))
                if rc is None:
                    ok = False
                    break
            else:
                raise SystemExit(f"boot.py: unknown step {step!r}")
        total = b.now()
    rc = "killed" if b.killed_by else b.rc
    print(f"RESULT ok={ok} t_first={t_first if t_first is None else round(t_first, 3)} t_total={total:.3f} rc={rc}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
