#!/usr/bin/env python3
"""tests/e2e/ota.py [options] BOARD...

OTA generations on the emulated boards (docs/ota-e2e.md), from the serial console only.
tests/e2e/run.sh builds, per board, under DIR/BOARD/ota/:
    initramfs-ota.cpio.gz   /etc/podinit/manifests -> /var/lib/podinit/agent/manifests
                            (rootfs/mkinitramfs.sh MANIFESTS_LINK) and /etc/podinit/ota-e2e/
                            (tests/e2e/ota/stage.sh: the agent, its sets, its orders)
    images.squashfs         the image store (the busybox image) as the images disk, vda
    seed/                   the data disk's first content (set a as agent/gen-1)
Each boot gets vda = images.squashfs (read-only) and vdb = an ext4 data disk made from seed/
(mkfs.ext4 -d), and podinit's flags after `--` on the kernel command line (the kernel hands
them to init): --ota-settle 2s --ota-deadline 60s --backoff 1s,2s,60s. The update agent is
a pod the operator applies at the console (tests/e2e/ota/agent.sh); an order is a ConfigMap
applied at the console. The sets (pod=VERSION): a = keep=1 web=1, b = keep=1 web=2 new=2
(keep's file the same bytes), bad (broken YAML), crash (a pod exiting 3), c = b + slow
(Ready once ordered).

Runs per board:
  ota-updates   one data disk, two boots: (1) a -> b committed, keep's uid unchanged, web
                recreated, new created, podinit's copy DATA/ota/gen-N is b; (2) bad rejected
                with FILE:LINE:COL in `ota status`, no pod touched; (3) crash put on trial,
                rolled back (crash loop), web back at version 2, crash gone; (4) c on trial,
                QEMU killed during the trial, the next boot resumes it (TrialResumed,
                trialBoots 1), slow made Ready, committed.
  ota-cuts      one data disk, a chain of boots: a warm-up update measures how long an
                update takes (order to Committed, T); then --cuts times: order the other set
                (a <-> b), SIGKILL QEMU after a random delay (in turn in [0, 0.6] s, around the
                agent's write and swap, and in [0, 1.3 T]), boot again with the
                same disk and check that the pods are those of exactly one set, never a mix,
                at the first look and once settled, that `ota status` is settled on it and
                that podinit's copy of the committed generation (DATA/ota/gen-N, reported by
                the agent) and the manifests directory (the agent's link) hold that set.
Prints `ok - ...`/`not ok - ...`, `# ...` remarks (one per cut: when it was cut, what was seen
last, what came up), `# BOARD: ota key=value ...` figures and `N passed, N failed, N skipped`.
Console logs: DIR/BOARD/console-ota-*.log.
"""
import argparse
import json
import os
import random
import re
import subprocess
import sys
import threading
import time

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from boot import Boot, board_vars, kernel_path, qemu_command, _terminate_on_signals  # noqa: E402
from e2e import EV, KERNEL_TROUBLE, Suite, strip_events  # noqa: E402

SETS = {"a": "keep=1 web=1", "b": "keep=1 new=2 web=2", "c": "keep=1 new=2 slow=1 web=2"}
FLAGS = "--ota-settle 2s --ota-deadline 60s --backoff 1s,2s,60s"
ORDERS = "/etc/podinit/ota-e2e/order"


class Board:
    """One QEMU boot of the OTA image with its two disks, and the console helpers."""

    def __init__(self, s, cfg, disk, log, flags=FLAGS):
        self.s, self.cfg = s, cfg
        pci = "virtio-net-pci" in cfg["bv"]["QEMU_ARGS"]
        dev = "virtio-blk-pci" if pci else "virtio-blk-device"
        images = ["-drive", f"file={cfg['images']},if=none,id=images,format=raw,readonly=on",
                  "-device", f"{dev},drive=images"]
        data = ["-drive", f"file={disk},if=none,id=data,format=raw", "-device", f"{dev},drive=data"]
        # vda = images, vdb = data. PCI slots go in command-line order; the virt machine's
        # virtio-mmio transports the other way: the first virtio-blk-device becomes the last vdX
        extra = images + data if pci else data + images
        cmd = qemu_command(s.board, cfg["image"], extra, "-- " + flags, kernel=cfg["kernel"])
        self.b = Boot(cmd, log, total_timeout=cfg["timeout"], qmp=False)
        s.b = self.b
        s.shown_tail = False

    def kill(self):
        """A power cut: SIGKILL to QEMU, nothing of the guest's page cache reaches the disk."""
        try:
            self.b.proc.kill()
        except OSError:
            pass
        self.b.wait_exit(10)
        self.b.close()

    def close(self):
        self.b.close()

    def ev(self, regex, timeout, start=0):
        """The first whole event line matching REGEX after console offset START, or None."""
        return self.b.expect(EV + f"(?:{regex})[^\n]*\n", timeout, start=start)

    def cmd(self, line, timeout=20):
        out = self.s.command(line, timeout)
        return None if out is None else strip_events(out)

    def json_of(self, line):
        out = self.cmd(line)
        if out is None:
            return None
        i = out.find("{")
        try:
            return json.loads(out[i:]) if i >= 0 else None
        except ValueError:
            return None

    def status(self):
        return self.json_of("ota status -o json") or {}

    def pods(self):
        """{name: {uid, version, phase, ready, terminating}} of every pod but the agent."""
        d = self.json_of("get pods -o json")
        if d is None:
            return None
        items = d.get("items", [d]) if isinstance(d, dict) else d
        out = {}
        for p in items:
            name = p["metadata"]["name"]
            if name == "agent":
                continue
            env = p["spec"]["containers"][0].get("env", [])
            st = p.get("status", {})
            cs = st.get("containerStatuses") or [{}]
            out[name] = {"uid": p["metadata"].get("uid"), "version": env[0]["value"] if env else "?",
                         "phase": st.get("phase"), "ready": all(c.get("ready") for c in cs),
                         "restarts": sum(c.get("restartCount", 0) for c in cs),
                         "terminating": bool(p["metadata"].get("deletionTimestamp"))}
        return out

    def agent_log(self):
        return self.cmd("logs agent") or ""

    def report(self):
        """The agent's last report: ((link, its set "keep=1 web=1"), record dict, {gen-N: set})."""
        reps = re.findall(r"^agent: report #\d+ link=(\S*) \((.*?)\) \| record: (.*?)\| copies:(.*)$", self.agent_log(), re.M)
        if not reps:
            return None
        link, lset, rec, copies = reps[-1]
        link = (link, " ".join(sorted(lset.split())))
        record = dict((kv.split(" ", 1) + [""])[:2] for kv in rec.split(";") if kv.strip())
        cp = {}
        for part in copies.split(";"):
            if ":" in part:
                g, v = part.split(":", 1)
                cp[g.strip()] = " ".join(sorted(v.split()))
        return link, record, cp

    def wait_report(self, pred, timeout=8):
        """The agent's last report once PRED(report) holds (or the last one after TIMEOUT)."""
        deadline = time.monotonic() + timeout
        while True:
            rep = self.report()
            if (rep and pred(rep)) or time.monotonic() > deadline or self.b.eof:
                return rep
            time.sleep(0.7)

    def up(self, what="podinit starts"):
        """Waits for podinit's start and the console prompt."""
        ok = self.ev(r"podinit Starting:", self.cfg["boot_timeout"]) is not None
        return ok and self.s.prompt(10)

    def agent_started(self, timeout=30):
        """Until the agent (an operator object, started again at each boot) has started: an
        order given before its start is not acted on."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and not self.b.eof:
            if re.search(r"^agent: report #1 ", self.agent_log(), re.M):
                return True
            time.sleep(0.7)
        return False

    def apply(self, path):
        out = self.cmd(f"apply -f {path}")
        return out is not None and re.search(r"(created|configured|unchanged)", out) is not None

    def wait_status(self, pred, timeout):
        deadline = time.monotonic() + timeout
        st = {}
        while time.monotonic() < deadline and not self.b.eof:
            st = self.status()
            if st and pred(st):
                return st
            time.sleep(0.7)
        return st if st and pred(st) else None


def vset(pods, running_only=True):
    """"keep=1 web=1": the pods (not terminating) and their versions."""
    return " ".join(f"{n}={p['version']}" for n, p in sorted(pods.items()) if not p["terminating"])


def new_disk(cfg, path):
    subprocess.run(["mkfs.ext4", "-q", "-F", "-d", cfg["seed"], path, "32M"], check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, timeout=60)
    return path


def start_agent(s, bd):
    ok = bd.apply("/etc/podinit/ota-e2e/agent.yaml")
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and not re.search(r"^agent: report #1 ", bd.agent_log(), re.M):
        time.sleep(0.7)
    return s.ok(ok and bd.report() is not None, "the operator applies the update agent at the console; it runs and reports",
                bd.agent_log()[-600:] + s.tail())


def wait_running(bd, want, timeout):
    """Until the pods (not terminating) are WANT and all Running and Ready; the last look."""
    deadline = time.monotonic() + timeout
    pods = {}
    while time.monotonic() < deadline and not bd.b.eof:
        pods = bd.pods() or {}
        if vset(pods) == want and all(p["phase"] == "Running" and p["ready"] for p in pods.values()
                                      if not p["terminating"]):
            return pods
        time.sleep(0.7)
    return pods


# ---- ota-updates: commit, rejection, rollback, a trial across a power cut
def run_updates(s, cfg):
    disk = new_disk(cfg, os.path.join(cfg["dir"], "data-updates.img"))
    t0 = time.monotonic()
    bd = Board(s, cfg, disk, os.path.join(cfg["logdir"], "console-ota-updates.log"))
    try:
        m = bd.ev(r"podinit DataMounted: /dev/vdb \(ext4\)", cfg["boot_timeout"])
        s.ok(m is not None, "PID 1 mounts the data disk (DataMounted /dev/vdb)", s.tail())
        m = bd.ev(r"podinit ImagesMounted: /dev/vda \(squashfs\)", 10)
        s.ok(m is not None, "PID 1 mounts the images disk (ImagesMounted /dev/vda squashfs)", s.tail())
        m = bd.ev(r"ota Committed: generation 1 ", 30)
        s.ok(m is not None, "first boot: the manifests directory (set a, on the data disk) is generation 1, committed at once", s.tail())
        if not bd.up() or not start_agent(s, bd):
            return
        pods = wait_running(bd, SETS["a"], 30)
        s.ok(vset(pods) == SETS["a"], "set a runs (keep=1 web=1)", f"pods: {vset(pods)}" + s.tail())
        st = bd.status()
        s.ok(st.get("generation") == 1 and st.get("state") == "committed" and st.get("committedGeneration") == 1
             and st.get("settleSeconds") == 2 and st.get("deadlineSeconds") == 60 and st.get("operatorObjects") == 1,
             "ota status -o json: generation 1 committed; settle 2 s and deadline 60 s from the kernel command line; "
             "1 operator object (the agent)", json.dumps(st))
        uid_keep, uid_web = pods["keep"]["uid"], pods["web"]["uid"]

        # 1. a good update: committed, only changed pods recreated
        start = len(bd.b.text())
        t = time.monotonic()
        bd.apply(f"{ORDERS}/order-1-b.yaml")
        tr = bd.ev(r"ota TrialStarted: generation 2 ", 20, start)
        cm = bd.ev(r"ota Committed: generation 2 ", 40, start)
        if cm:
            s.times["update_s"] = time.monotonic() - t
        s.ok(tr is not None and cm is not None, "update a -> b: generation 2 on trial, then committed", s.tail())
        pods = wait_running(bd, SETS["b"], 20)
        s.ok(vset(pods) == SETS["b"], "after the commit set b runs (keep=1 new=2 web=2)", f"pods: {vset(pods)}")
        s.ok(pods.get("keep", {}).get("uid") == uid_keep, "the unchanged pod keep was not recreated (same uid)",
             f"uid before {uid_keep}, after {pods.get('keep', {}).get('uid')}")
        s.ok(pods.get("web", {}).get("uid") not in (None, uid_web), "the changed pod web was recreated (new uid)")
        st = bd.status()
        s.ok(st.get("state") == "committed" and st.get("committedGeneration") == 2 and st.get("hash") == st.get("committedHash"),
             "ota status: generation 2 committed, committedHash the generation's", json.dumps(st))
        rep = bd.wait_report(lambda r: r[2] == {"gen-2": SETS["b"]} and r[1].get("state") == "committed")
        s.ok(rep is not None and rep[2] == {"gen-2": SETS["b"]} and rep[1].get("state") == "committed",
             "podinit's copy on the data disk: only DATA/ota/gen-2, set b; the record says committed",
             f"agent's report: {rep}")
        uid_web2 = pods.get("web", {}).get("uid")

        # 2. broken YAML: rejected, nothing changes
        start = len(bd.b.text())
        bd.apply(f"{ORDERS}/order-2-bad.yaml")
        rj = bd.ev(r"ota GenerationRejected: generation 3 ", 20, start)
        s.ok(rj is not None, "set bad (broken YAML in one file): generation 3 rejected (GenerationRejected)", s.tail())
        st = bd.status()
        s.ok(st.get("state") == "rejected" and re.match(r"^broken\.yaml:\d+:\d+: ", st.get("reason", "")) is not None
             and st.get("committedGeneration") == 2,
             "ota status: rejected, the reason is broken.yaml:LINE:COL: ..., generation 2 stays committed", json.dumps(st))
        time.sleep(1)
        pods = bd.pods() or {}
        s.ok(vset(pods) == SETS["b"] and pods["keep"]["uid"] == uid_keep and pods["web"]["uid"] == uid_web2,
             "after the rejection the pods of b run untouched (same uids, web=2, no web=3)", f"pods: {vset(pods)}")

        # 3. a crash-looping pod: rolled back
        start = len(bd.b.text())
        bd.apply(f"{ORDERS}/order-3-crash.yaml")
        tr = bd.ev(r"ota TrialStarted: generation 4 ", 20, start)
        rb = bd.ev(r"ota RolledBack: generation 4 rolled back to generation 2", 60, start)
        s.ok(tr is not None and rb is not None, "set crash: generation 4 on trial, then rolled back to generation 2", s.tail())
        st = bd.status()
        s.ok(st.get("state") == "rolled-back" and "crash" in st.get("reason", "") and st.get("committedGeneration") == 2,
             "ota status: rolled-back, the reason names the crash loop, generation 2 committed", json.dumps(st))
        if st.get("reason"):
            s.remark(f"rollback reason: {st['reason']}")
        pods = wait_running(bd, SETS["b"], 30)
        s.ok(vset(pods) == SETS["b"] and pods["keep"]["uid"] == uid_keep,
             "after the rollback set b runs again (web=2 back, crash gone, keep never recreated)",
             f"pods: {vset(pods)}, keep uid {pods.get('keep', {}).get('uid')} (was {uid_keep})")

        # 4. a trial across a power cut
        start = len(bd.b.text())
        bd.apply(f"{ORDERS}/order-4-c.yaml")
        tr = bd.ev(r"ota TrialStarted: generation 5 ", 20, start)
        s.ok(tr is not None, "set c (pod slow not Ready yet): generation 5 on trial", s.tail())
        time.sleep(1)
        bd.kill()
        bd = Board(s, cfg, disk, os.path.join(cfg["logdir"], "console-ota-updates-2.log"))
        rs = bd.ev(r"ota TrialResumed: generation 5 ", cfg["boot_timeout"])
        s.ok(rs is not None, "after a power cut (QEMU killed) during the trial, the next boot resumes it (TrialResumed)", s.tail())
        if not bd.up():
            s.ok(False, "the console prompt after the power cut", s.tail())
            return
        s.ok(bd.agent_started(), "the agent runs again after the power cut (the operator's object on the data disk)", s.tail())
        st = bd.status()
        s.ok(st.get("state") == "trial" and st.get("generation") == 5 and st.get("trialBoots") == 1
             and st.get("committedGeneration") == 2,
             "ota status: generation 5 on trial, trialBoots 1, generation 2 committed", json.dumps(st))
        start = len(bd.b.text())
        bd.apply(f"{ORDERS}/order-5-ready.yaml")
        cm = bd.ev(r"ota Committed: generation 5 ", 40, start)
        s.ok(cm is not None, "once pod slow is Ready the resumed trial commits generation 5", s.tail())
        pods = wait_running(bd, SETS["c"], 20)
        st = bd.status()
        s.ok(vset(pods) == SETS["c"] and st.get("state") == "committed" and st.get("committedGeneration") == 5,
             "set c runs, ota status: generation 5 committed", f"pods: {vset(pods)}; {json.dumps(st)}")
        rep = bd.wait_report(lambda r: r[2] == {"gen-5": SETS["c"]})
        s.ok(rep is not None and rep[2] == {"gen-5": SETS["c"]}, "podinit's copy: only DATA/ota/gen-5, set c",
             f"agent's report: {rep}")
        oops = bd.b.find_all(KERNEL_TROUBLE)
        s.ok(not oops, "no kernel panic, oops, BUG or global OOM kill", "\n".join(m.group(0) for m in oops[:5]))
    finally:
        bd.close()
        s.times["updates_wall_s"] = time.monotonic() - t0


# ---- ota-cuts: power cuts at random moments of updates
def last_seen(text):
    """The last OTA step on the console before the cut."""
    steps = [(m.start(), m.group(1)) for m in re.finditer(
        EV + r"(?:ota (Generation|TrialStarted|Committed|RolledBack|GenerationRejected)|"
             r"(?:\S+ (Scheduled)))", text, re.M)]
    seen = [g for _, g in sorted(steps)]
    order = re.search(r"configmap/order (?:created|configured)", text)
    if not seen and not order:
        return "nothing (before the order's apply answered)"
    return ("order applied" + (", then " + " ".join(x or "Scheduled" for x in seen[-3:]) if seen else ""))


def check_boot(s, bd, i, label):
    """After a boot: exactly one set runs, at the first look and settled; the status and the
    copy agree. Returns (set name, details) or (None, why)."""
    if not bd.up():
        return None, "no podinit start or prompt" + s.tail()
    first = first_st = None
    deadline = time.monotonic() + 45
    st, pods = {}, {}
    while time.monotonic() < deadline and not bd.b.eof:
        pods = bd.pods() or {}
        live = {n: p for n, p in pods.items() if not p["terminating"]}
        if first is None and live and all(p["phase"] == "Running" for p in live.values()):
            first = vset(pods)
        st = bd.status()
        if first_st is None and st:
            first_st = f"{st.get('state')} generation {st.get('generation')}" + \
                (f" trialBoots {st.get('trialBoots')}" if st.get("state") == "trial" else "")
        if (st.get("state") in ("committed", "rolled-back", "rejected") and vset(pods) in SETS.values()
                and all(p["phase"] == "Running" and p["ready"] for p in live.values())):
            break
        time.sleep(0.7)
    got = vset(pods)
    name = next((k for k, v in SETS.items() if v == got), None)
    # the agent reports each new record: let it see the last one
    rep = bd.wait_report(lambda r: r[1].get("committed") == str(st.get("committedGeneration"))
                         and r[1].get("state") == st.get("state") and len(r[2]) == 1)
    copy = rep[2].get(f"gen-{st.get('committedGeneration')}") if rep else None
    problems = []
    if first is not None and first not in (SETS["a"], SETS["b"]):
        problems.append(f"first look: '{first}' is neither a nor b")
    if name not in ("a", "b"):
        problems.append(f"settled: runs '{got}', neither a nor b")
    if st.get("state") not in ("committed",):
        problems.append(f"ota status not settled on committed: {json.dumps(st)}")
    if copy != got:
        problems.append(f"the copy of committed generation {st.get('committedGeneration')} is '{copy}', the pods '{got}' "
                        f"(agent's report: {rep})")
    if rep and rep[0][1] != got:
        problems.append(f"committed and running '{got}', but the manifests directory (the agent's {rep[0][0]}) holds "
                        f"'{rep[0][1]}'")
    if st.get("generation") != st.get("committedGeneration"):
        problems.append(f"generation {st.get('generation')} is not the committed {st.get('committedGeneration')}")
    if not bd.agent_started():
        problems.append("the agent did not start again")
    detail = (f"first look: {first_st}, pods {first!r}; settled: {name}, generation {st.get('generation')} "
              f"{st.get('state')}, committed {st.get('committedGeneration')}; the agent's link {rep[0][0] if rep else '?'}")
    if problems:
        return None, "; ".join(problems) + "; " + detail
    return name, detail


def run_cuts(s, cfg, n_cuts, seed):
    rnd = random.Random(f"{seed}-{s.board}")  # each board its own delays
    disk = new_disk(cfg, os.path.join(cfg["dir"], "data-cuts.img"))
    t0 = time.monotonic()
    logs = os.path.join(cfg["logdir"], "console-ota-cuts-%02d.log")
    bd = Board(s, cfg, disk, logs % 0)
    results = []
    try:
        if not bd.up() or not start_agent(s, bd):
            s.ok(False, "power cuts: the first boot runs the agent", s.tail())
            return
        # warm-up: how long an update takes here
        start = len(bd.b.text())
        t = time.monotonic()
        bd.apply(f"{ORDERS}/order-1-b.yaml")
        cm = bd.ev(r"ota Committed: generation 2 ", 40, start)
        if not s.ok(cm is not None, "power cuts: the warm-up update a -> b commits", s.tail()):
            return
        T = time.monotonic() - t
        s.times["update_s"] = T
        cur = "b"
        wait_running(bd, SETS["b"], 20)
        oid = 1
        for i in range(1, n_cuts + 1):
            oid += 1
            target = "a" if cur == "b" else "b"
            # every other cut early: around the agent's write and swap and podinit's reading
            delay = rnd.uniform(0, 0.6 if i % 2 else 1.3 * T)
            start = len(bd.b.text())
            t = time.monotonic()
            bd.b.send(f"apply -f {ORDERS}/order-{oid}-{target}.yaml")
            time.sleep(max(0.0, delay - (time.monotonic() - t)))
            seen = last_seen(bd.b.text()[start:])
            bd.kill()
            bd = Board(s, cfg, disk, logs % i)
            name, detail = check_boot(s, bd, i, "")
            outcome = ("old" if name == cur else "new") if name else "BAD"
            line = f"cut {i}: {cur} -> {target}, SIGKILL {delay:.2f} s after the order (last seen: {seen}): came up {outcome} " \
                   f"({detail})"
            results.append((outcome, delay))
            s.remark(line)
            if name is None:
                s.ok(False, f"power cut {i}: the next boot runs exactly one whole set, its status and copy agree", line)
                # start afresh so the other cuts still count
                bd.close()
                disk = new_disk(cfg, disk)
                bd = Board(s, cfg, disk, logs % i + ".fresh")
                if not bd.up() or not start_agent(s, bd):
                    return
                cur = "a"
                continue
            cur = name
        bad = sum(1 for o, _ in results if o == "BAD")
        old = sum(1 for o, _ in results if o == "old")
        new = sum(1 for o, _ in results if o == "new")
        s.times["cuts"] = len(results)
        s.times["cuts_old"], s.times["cuts_new"], s.times["cuts_bad"] = old, new, bad
        s.remark(f"power cuts: {len(results)} tried, {old} came up with the old set, {new} with the new one, {bad} otherwise "
                 f"(update takes {T:.1f} s here; cuts drawn from [0, 0.6] s and [0, {1.3 * T:.1f}] s in turn, seed {seed})")
        s.ok(len(results) == n_cuts and bad == 0,
             f"power cuts: after each of {n_cuts} SIGKILLs of QEMU during an update the board comes up with exactly one whole "
             f"generation, ota status and podinit's copy agreeing", f"{bad} bad of {len(results)}")
    finally:
        bd.close()
        s.times["cuts_wall_s"] = time.monotonic() - t0


def main():
    ap = argparse.ArgumentParser(description="podinit's OTA boots (see the file's header)")
    ap.add_argument("boards", nargs="+")
    ap.add_argument("--dir", required=True, help="where run.sh put DIR/BOARD/ota/; logs go to DIR/BOARD/")
    ap.add_argument("--cuts", type=int, default=int(os.environ.get("E2E_OTA_CUTS", 5)), help="power cuts per board")
    ap.add_argument("--seed", type=int, default=int(os.environ.get("E2E_OTA_SEED", time.time())))
    ap.add_argument("--timeout", type=float, default=float(os.environ.get("E2E_BOOT_TIMEOUT", 180)))
    ap.add_argument("--boot-timeout", type=float, default=60)
    ap.add_argument("--runs", default=os.environ.get("E2E_OTA_RUNS", "updates cuts"))
    ap.add_argument("--times", default=None)
    a = ap.parse_args()
    _terminate_on_signals()
    t0 = time.monotonic()
    runs = []
    for board in a.boards:
        d = os.path.join(os.path.abspath(a.dir), board)
        bv = board_vars(board)
        base = dict(bv=bv, kernel=kernel_path(bv), timeout=a.timeout, boot_timeout=a.boot_timeout,
                    image=os.path.join(d, "ota", "initramfs-ota.cpio.gz"), images=os.path.join(d, "ota", "images.squashfs"),
                    seed=os.path.join(d, "ota", "seed"), dir=os.path.join(d, "ota"), logdir=d)
        if "updates" in a.runs.split():
            runs.append((board, "ota-updates", run_updates, (), base))
        if "cuts" in a.runs.split():
            # the cuts' boots are 2x longer than one boot's checks: a longer bound per boot
            runs.append((board, "ota-cuts", run_cuts, (a.cuts, a.seed), dict(base)))
    suites = []
    threads = []
    for board, label, fn, args, cfg in runs:
        s = Suite(board, label, None, cfg)
        suites.append(s)

        def go(s=s, fn=fn, args=args, cfg=cfg):
            try:
                fn(s, cfg, *args)
            except Exception as e:
                s.ok(False, "the harness ran this run to its end", f"{type(e).__name__}: {e}")
        t = threading.Thread(target=go, daemon=True)
        t.start()
        threads.append(t)
        time.sleep(0.5)
    for t in threads:
        t.join()
    passed = failed = skipped = 0
    for s in suites:
        for line in s.lines:
            print(line)
        passed, failed, skipped = passed + s.passed, failed + s.failed, skipped + s.skipped
    for board in a.boards:
        fig = {}
        for s in suites:
            if s.board == board:
                for k, v in s.times.items():
                    fig[f"{s.label[4:]}.{k}"] = v
        line = " ".join(f"{k}={v:.1f}" if isinstance(v, float) else f"{k}={v}" for k, v in fig.items())
        print(f"# {board}: ota {line}")
        if a.times:
            with open(a.times, "a") as f:
                f.write(f"{time.strftime('%Y-%m-%dT%H:%M:%S')} {board} ota {line}\n")
    print(f"# ota: {time.monotonic() - t0:.1f} s")
    print(f"{passed} passed, {failed} failed, {skipped} skipped")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
