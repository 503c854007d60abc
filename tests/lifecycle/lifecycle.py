#!/usr/bin/env python3
"""tests/lifecycle/lifecycle.py PODINIT [SCENARIO...] | --list

The pod lifecycle scenario suite (see run.sh). The framework is at the top, the
scenarios below it, each tagged with the rules of sidecar-rules.md it checks.

Every container runs `sh -c` with a prelude that defines `t EVENT`, which appends
`NAME EVENT UPTIME` to /log/events, a hostPath volume (WORK/host/POD/events) that
outlives the pod. UPTIME is the first field of /proc/uptime: containers share the
kernel clock with this script, so container lines and the script's own readings
compare directly. Scripts avoid `$(` and `$$` (Kubernetes' $(VAR) expansion).
"""
import concurrent.futures
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import traceback

BIN = None
PODCTL = None
WORK = None
IMAGES = None
PRINT_LOCK = threading.Lock()
INSTANCES = []          # every instance started, for the final cleanup
INSTANCES_LOCK = threading.Lock()
STOP = threading.Event()  # set on an interrupt: every wait gives up


def now():
    with open("/proc/uptime") as f:
        return float(f.read().split()[0])


# ---------------------------------------------------------------------------
# manifests


PRELUDE = 't() { read u r < /proc/uptime; echo "%s $1 $u" >> /log/events; }; '


def sh(name, body):
    return ["sh", "-c", PRELUDE % name + body]


def C(name, body, sidecar=False, **kw):
    """A container running BODY after the prelude; kw: extra container fields."""
    c = {"name": name, "image": "busybox", "command": sh(name, body),
         "volumeMounts": [{"name": "log", "mountPath": "/log"}]}
    if sidecar:
        c["restartPolicy"] = "Always"
    c.update(kw)
    return c


def SC(name, body, **kw):
    return C(name, body, sidecar=True, **kw)


def execp(name, body, **kw):
    """An exec probe or hook running BODY (with the prelude, logging as NAME)."""
    p = {"exec": {"command": sh(name, body)}}
    p.update(kw)
    return p


LOOP = "while true; do sleep 3600 & wait; done"


def forever(term_delay=0, code=0):
    """Runs until SIGTERM; then logs TERM, takes TERM_DELAY s, logs Exiting, exits CODE."""
    d = "sleep %s; " % term_delay if term_delay else ""
    return "t Starting; trap 't TERM; %st Exiting; exit %d' TERM; %s" % (d, code, LOOP)


def ignore_term():
    """Logs SIGTERM and goes on (only SIGKILL stops it)."""
    return "t Starting; trap 't TERM' TERM; " + LOOP


def run(secs, code=0):
    """Runs SECS s then exits CODE (or at once on SIGTERM, with CODE)."""
    return ("t Starting; trap 't TERM; t Exiting; exit %d' TERM; sleep %s & wait; "
            "t Exiting; exit %d" % (code, secs, code))


def counted(var, file):
    """Shell: appends a line to FILE and sets VAR to its line count (runs so far)."""
    return "echo x >> %s; %s=`wc -l < %s`; " % (file, var, file)


# ---------------------------------------------------------------------------
# the shared log file


class Log:
    def __init__(self, path):
        self.ev = []
        try:
            with open(path) as f:
                for line in f:
                    p = line.split()
                    if len(p) == 3:
                        try:
                            self.ev.append((p[0], p[1], float(p[2])))
                        except ValueError:
                            pass
        except OSError:
            pass
        self.text = "".join("%s %s %.2f\n" % e for e in self.ev)

    def times(self, name, event):
        return [t for n, e, t in self.ev if n == name and e == event]

    def first(self, name, event):
        t = self.times(name, event)
        return t[0] if t else None

    def last(self, name, event):
        t = self.times(name, event)
        return t[-1] if t else None

    def count(self, name, event):
        return len(self.times(name, event))

    def after(self, t0):
        return [e for e in self.ev if e[2] >= t0]


# ---------------------------------------------------------------------------
# pod status helpers


def cstat(st, name):
    if not st:
        return {}
    s = st.get("status", {})
    for c in s.get("initContainerStatuses", []) + s.get("containerStatuses", []):
        if c.get("name") == name:
            return c
    return {}


def cond(st, typ):
    if not st:
        return None
    for c in st.get("status", {}).get("conditions", []):
        if c.get("type") == typ:
            return c.get("status")
    return None


def phase(st):
    return st.get("status", {}).get("phase") if st else None


def state_of(cs):
    """('running'|'waiting'|'terminated'|None, details)"""
    s = cs.get("state") or {}
    for k in ("running", "waiting", "terminated"):
        if k in s:
            return k, s[k]
    return None, {}


def term(cs, last=False):
    s = cs.get("lastState" if last else "state") or {}
    return s.get("terminated") or {}


def summary(st):
    if not st:
        return "(no status: the pod is gone)"
    s = st.get("status", {})
    out = ["phase=%s conditions=%s uid=%s" % (
        s.get("phase"),
        ",".join("%s=%s" % (c.get("type"), c.get("status")) for c in s.get("conditions", [])),
        st.get("metadata", {}).get("uid"))]
    for c in s.get("initContainerStatuses", []) + s.get("containerStatuses", []):
        k, d = state_of(c)
        ls = (c.get("lastState") or {}).get("terminated")
        out.append("  %s: ready=%s started=%s restartCount=%s state=%s%s%s" % (
            c.get("name"), c.get("ready"), c.get("started"), c.get("restartCount"), k,
            json.dumps(d, sort_keys=True) if d else "",
            " lastState.terminated=" + json.dumps(ls, sort_keys=True) if ls else ""))
    return "\n".join(out)


# ---------------------------------------------------------------------------
# cgroups of an instance (as tests/integration/lib.sh): one group per v1
# hierarchy podinit uses (or the v2 group), so leftovers can be found and removed


def cg_setup(name):
    dirs = []
    with open("/proc/self/cgroup") as f:
        for line in f:
            parts = line.rstrip("\n").split(":", 2)
            if len(parts) != 3:
                continue
            _, ctrls, path = parts
            if ctrls in ("memory", "cpu", "cpuacct", "pids", "devices", "cpu,cpuacct", "cpuacct,cpu"):
                base = "/sys/fs/cgroup/" + ctrls
            elif ctrls == "" and os.path.exists("/sys/fs/cgroup/cgroup.controllers"):
                base = "/sys/fs/cgroup"
            else:
                continue
            if not os.path.isdir(base):
                continue
            d = base + path.rstrip("/") + "/" + name
            try:
                os.makedirs(d, exist_ok=True)
                dirs.append(d)
            except OSError:
                pass
    return dirs


def cg_leftovers(dirs):
    left = []
    for d in dirs:
        for root, subdirs, _ in os.walk(d):
            for s in subdirs:
                left.append(os.path.join(root, s))
    return left


def cg_remove(dirs):
    for d in dirs:
        if not os.path.isdir(d):
            continue
        for _ in range(10):
            any_proc = False
            for root, _, files in os.walk(d):
                try:
                    with open(os.path.join(root, "cgroup.procs")) as f:
                        for p in f.read().split():
                            try:
                                os.kill(int(p), signal.SIGKILL)
                                any_proc = True
                            except OSError:
                                pass
                except OSError:
                    pass
            if not any_proc:
                break
            time.sleep(0.2)
        for root, subdirs, _ in sorted(os.walk(d), key=lambda x: -len(x[0])):
            try:
                os.rmdir(root)
            except OSError:
                pass


# ---------------------------------------------------------------------------
# a podinit instance


class Instance:
    def __init__(self, name, backoff="1s,4s,60s", base=None):
        self.name = name
        self.backoff = backoff
        self.base = base or os.path.join(WORK, "inst", name)
        self.manifests = os.path.join(self.base, "manifests")
        self.run_dir = os.path.join(self.base, "run")
        self.data = os.path.join(self.base, "data")
        self.sock = os.path.join(self.run_dir, "podinit.sock")
        for d in (self.manifests, self.run_dir, self.data):
            os.makedirs(d, exist_ok=True)
        self.proc = None
        self.pid = None
        self.logs = []
        self.cg = []
        # podinit serves LIM_CTL_CLIENTS (16) control connections at once and drops
        # the others: the parallel scenarios share a few
        self.ctl_slots = threading.BoundedSemaphore(6)

    @property
    def log(self):
        return self.logs[-1] if self.logs else None

    def start(self, timeout=10):
        """Starts podinit (PID 1 of new PID + mount namespaces); True once its socket answers."""
        n = len(self.logs)
        log = os.path.join(self.base, "podinit.%d.log" % n)
        self.logs.append(log)
        if not self.cg:
            self.cg = cg_setup("podinit-lifecycle-%d-%s" % (os.getpid(), self.name))
        # scenarios about pods, not updates: each valid generation commits
        # at once (trials: tests/integration/ota.sh)
        cmd = [BIN, "--console", "none", "--manifests", self.manifests, "--images", IMAGES,
               "--run", self.run_dir, "--data", self.data, "--ota-deadline", "0"]
        if self.backoff:
            cmd += ["--backoff", self.backoff]
        # the wrapper joins the instance's cgroups, then becomes unshare
        wrapper = ('for f in "$@"; do [ "$f" = -- ] && break; echo $$ > "$f" || exit 99; shift; done; '
                   'shift; exec "$@"')
        full = (["sh", "-c", wrapper, "sh"] + [d + "/cgroup.procs" for d in self.cg] + ["--"] +
                ["unshare", "--pid", "--fork", "--mount", "--net", "--kill-child=SIGKILL"] + cmd)
        with open(log, "ab") as lf:
            self.proc = subprocess.Popen(full, stdout=lf, stderr=subprocess.STDOUT,
                                         stdin=subprocess.DEVNULL)
        with INSTANCES_LOCK:
            if self not in INSTANCES:
                INSTANCES.append(self)
        deadline = time.time() + timeout
        self.pid = None
        while time.time() < deadline:
            if self.proc.poll() is not None:
                return False
            if self.pid is None:
                try:
                    with open("/proc/%d/task/%d/children" % (self.proc.pid, self.proc.pid)) as f:
                        ch = f.read().split()
                    if ch:
                        self.pid = int(ch[0])
                except OSError:
                    pass
            if self.pid and os.path.exists(self.sock):
                rc, _, _ = self.ctl("version", timeout=3)
                if rc == 0:
                    return True
            time.sleep(0.1)
        return False

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def ctl(self, *args, timeout=15):
        with self.ctl_slots:
            return self._ctl(args, timeout)

    def _ctl(self, args, timeout):
        try:
            r = subprocess.run([PODCTL, "--socket", self.sock] + list(args), capture_output=True,
                               text=True, timeout=timeout)
            return r.returncode, r.stdout, r.stderr
        except subprocess.TimeoutExpired:
            return 124, "", "podctl timed out"

    def get(self, pod):
        rc, out, _ = self.ctl("get", "pod", pod, "-o", "json", timeout=10)
        if rc != 0:
            return None
        try:
            return json.loads(out)
        except ValueError:
            return None

    def write_manifest(self, name, text):
        tmp = os.path.join(self.manifests, ".%s.tmp" % name)
        with open(tmp, "w") as f:
            f.write(text)
        os.rename(tmp, os.path.join(self.manifests, name + ".yaml"))

    def delete(self, pod):
        """Removes the pod's file: the manifests directory's objects are
        the update agent's, which podctl delete refuses (docs/ota.md)."""
        try:
            os.unlink(os.path.join(self.manifests, pod + ".yaml"))
        except OSError as e:
            return 1, "", str(e)
        return 0, "", ""

    def events(self, all_logs=False):
        out = []
        for lg in (self.logs if all_logs else self.logs[-1:]):
            try:
                with open(lg, errors="replace") as f:
                    out += f.read().splitlines()
            except OSError:
                pass
        return out

    def wait_event(self, regex, timeout, interval=0.05):
        """The test's uptime when a line matching REGEX first appears, and the match; (None, None)."""
        rx = re.compile(regex)
        deadline = time.time() + timeout
        while True:
            for line in self.events():
                m = rx.search(line)
                if m:
                    return now(), m
            if time.time() >= deadline:
                return None, None
            time.sleep(interval)

    def stop(self, timeout=40, how="poweroff"):
        """Stops podinit (poweroff or a signal to PID 1); its exit status (None if it had to be killed)."""
        if not self.proc:
            return None
        if self.proc.poll() is None:
            if how == "poweroff":
                self.ctl("poweroff", timeout=10)
            elif self.pid:
                try:
                    os.kill(self.pid, how)
                except OSError:
                    pass
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.kill()
                return None
        return self.proc.returncode

    def kill(self):
        """SIGKILL to podinit (the namespace dies with its PID 1), then to the wrapper."""
        if self.pid:
            try:
                os.kill(self.pid, signal.SIGKILL)
            except OSError:
                pass
        if self.proc and self.proc.poll() is None:
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                try:
                    self.proc.kill()
                except OSError:
                    pass
                try:
                    self.proc.wait(5)
                except subprocess.TimeoutExpired:
                    pass

    def cleanup(self):
        if self.alive():
            self.stop(timeout=15)
        left = cg_leftovers(self.cg)
        cg_remove(self.cg)
        return left


# ---------------------------------------------------------------------------
# scenarios


SCENARIOS = []


def scenario(name, rules, weight=10, own=False):
    """Registers a scenario. WEIGHT: its rough duration (longest start first);
    OWN: it starts its own podinit instances (else it runs in the shared one)."""
    def deco(fn):
        SCENARIOS.append({"name": name, "rules": rules, "fn": fn, "weight": weight, "own": own})
        return fn
    return deco


class Fail(Exception):
    pass


class S:
    """One scenario's context: its pods, assertions and diagnostics."""

    def __init__(self, name, inst):
        self.name = name
        self.inst = inst
        self.fails = []
        self.notes = []
        self.pods = []          # (instance, pod)
        self.deleted = set()
        self.instances = []     # own instances

    # -- setup

    def host(self, pod):
        return os.path.join(WORK, "host", pod)

    def pod(self, name, init=(), apps=(), restart=None, grace=5, inst=None, **spec_extra):
        inst = inst or self.inst
        host = self.host(name)
        os.makedirs(host, exist_ok=True)
        spec = {"volumes": [{"name": "log", "hostPath": {"path": host, "type": "DirectoryOrCreate"}}]}
        if init:
            spec["initContainers"] = list(init)
        spec["containers"] = list(apps)
        if restart:
            spec["restartPolicy"] = restart
        if grace is not None:
            spec["terminationGracePeriodSeconds"] = grace
        spec.update(spec_extra)
        doc = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name}, "spec": spec}
        inst.write_manifest(name, json.dumps(doc, indent=1))
        if (inst, name) not in self.pods:
            self.pods.append((inst, name))
        return name

    def new_instance(self, name, backoff="1s,4s,60s"):
        inst = Instance(name, backoff)
        self.instances.append(inst)
        if not inst.start():
            raise Fail("podinit instance %s did not start: %s" % (
                name, " | ".join(inst.events()[-5:])))
        return inst

    def flag(self, pod, fname, on=True):
        p = os.path.join(self.host(pod), fname)
        os.makedirs(self.host(pod), exist_ok=True)
        if on:
            with open(p, "w") as f:
                f.write("1\n")
        else:
            try:
                os.unlink(p)
            except OSError:
                pass

    # -- reading

    def log(self, pod):
        return Log(os.path.join(self.host(pod), "events"))

    def st(self, pod, inst=None):
        return (inst or self.inst).get(pod)

    def events(self, pod, ctr=None, reason=None, inst=None):
        obj = " pod/%s/%s " % (pod, ctr) if ctr else None
        out = []
        for line in (inst or self.inst).events(all_logs=True):
            if obj is not None:
                if obj not in line:
                    continue
            elif (" pod/%s/" % pod) not in line and (" %s " % pod) not in line:
                continue
            if reason and (" %s: " % reason) not in line:
                continue
            out.append(line)
        return out

    # -- assertions

    def fail(self, msg):
        self.fails.append(msg)

    def check(self, ok, msg):
        if not ok:
            self.fail(msg)
        return ok

    def eq(self, got, want, what):
        return self.check(got == want, "%s: got %r, want %r" % (what, got, want))

    def within(self, val, lo, hi, what):
        if val is None:
            self.fail("%s: missing" % what)
            return False
        return self.check(lo <= val <= hi, "%s: %.2f s, want %.2f..%.2f s" % (what, val, lo, hi))

    def before(self, a, b, what, slack=0.0):
        """a <= b (+slack); both uptimes (None: missing)."""
        if a is None or b is None:
            self.fail("%s: missing (%s, %s)" % (what, a, b))
            return False
        return self.check(a <= b + slack, "%s: %.2f is after %.2f" % (what, a, b))

    def order(self, L, seq):
        """The first occurrences of SEQ ((name, event)...) in non-decreasing time order."""
        prev = None
        for name, ev in seq:
            t = L.first(name, ev)
            if t is None:
                self.fail("no '%s %s' line" % (name, ev))
                return False
            if prev is not None and t < prev[1]:
                self.fail("order: '%s %s' (%.2f) before '%s %s' (%.2f)" % (
                    name, ev, t, prev[0][0], prev[0][1], prev[1]))
                return False
            prev = ((name, ev), t)
        return True

    def never(self, L, name, event="Starting"):
        return self.check(L.count(name, event) == 0,
                          "%s should never have logged %s (did %d times)" % (name, event, L.count(name, event)))

    # -- waiting

    def wait(self, pred, timeout, what, interval=0.2, soft=False):
        """Polls PRED (returns a true value when done) until TIMEOUT s; its last value."""
        deadline = time.time() + timeout
        while True:
            if STOP.is_set():
                raise Fail("interrupted")
            try:
                v = pred()
            except Exception:  # a status not there yet
                v = None
            if v:
                return v
            if time.time() >= deadline:
                if not soft:
                    raise Fail("timed out after %ss waiting for %s" % (timeout, what))
                return v
            time.sleep(interval)

    def wait_log(self, pod, name, event, n=1, timeout=20):
        return self.wait(lambda: self.log(pod).count(name, event) >= n, timeout,
                         "%d x '%s %s' in %s's log" % (n, name, event, pod))

    def wait_phase(self, pod, phases, timeout=20, inst=None):
        if isinstance(phases, str):
            phases = (phases,)
        st = self.wait(lambda: (lambda s: s if phase(s) in phases else None)(self.st(pod, inst)),
                       timeout, "pod %s phase in %s" % (pod, "/".join(phases)))
        return st

    def wait_gone(self, pod, timeout, inst=None):
        """Waits for the pod's Stopped event; (test uptime when seen, terminal phase)."""
        t, m = (inst or self.inst).wait_event(r"Stopped: pod %s stopped \((\w+)\)" % re.escape(pod),
                                              timeout)
        if t is None:
            raise Fail("pod %s did not stop within %ss" % (pod, timeout))
        return t, m.group(1)

    def sleep_until(self, t):
        d = t - now()
        if d > 0:
            time.sleep(d)

    def delete(self, pod, inst=None):
        inst = inst or self.inst
        t0 = now()
        rc, out, err = inst.delete(pod)
        self.check(rc == 0, "podctl delete pod %s: exit %d %s" % (pod, rc, err.strip()))
        self.deleted.add((inst, pod))
        return t0

    # -- the end

    def diagnostics(self):
        out = []
        for inst, pod in self.pods:
            L = self.log(pod)
            if L.ev:
                t0 = L.ev[0][2]
                out.append("%s's log (uptime, +s from its first line):" % pod)
                out += ["  %s %s %.2f (+%.2f)" % (n, e, t, t - t0) for n, e, t in L.ev[-60:]]
            if inst.alive():
                out.append("%s status:" % pod)
                out += ["  " + x for x in summary(inst.get(pod)).splitlines()]
            evs = self.events(pod, inst=inst)
            if evs:
                out.append("%s events (last 25):" % pod)
                out += ["  " + e for e in evs[-25:]]
        return out

    def cleanup(self):
        for inst, pod in self.pods:
            if (inst, pod) not in self.deleted and inst.alive():
                st = inst.get(pod)
                if st and phase(st) not in ("Succeeded", "Failed"):
                    inst.delete(pod)
        for inst in self.instances:
            left = inst.cleanup()
            if left:
                self.fail("cgroups left by instance %s: %s" % (inst.name, " ".join(left)))


def run_scenario(sc, main_inst):
    s = S(sc["name"], main_inst)
    t0 = time.time()
    try:
        sc["fn"](s)
    except Fail as e:
        s.fail(str(e))
    except Exception:
        s.fail("exception: " + traceback.format_exc())
    diag = s.diagnostics() if s.fails else []
    try:
        s.cleanup()
    except Exception:
        s.fail("cleanup: " + traceback.format_exc())
    return s, time.time() - t0, diag


def report(sc, s, secs, diag):
    with PRINT_LOCK:
        rules = ",".join(str(r) for r in sc["rules"])
        if not s.fails:
            print("ok - %s (rules %s; %.1f s)" % (sc["name"], rules, secs))
        else:
            print("not ok - %s (rules %s; %.1f s)" % (sc["name"], rules, secs))
            for f in s.fails:
                for line in f.splitlines():
                    print("#   FAIL: " + line)
            for n in s.notes:
                print("#   note: " + n)
            for line in diag:
                print("#     " + line)
        sys.stdout.flush()


# ===========================================================================
# Validation (rules 1-4): podinit -n, and podctl apply


def validate(spec):
    doc = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "v"}, "spec": spec}
    d = tempfile.mkdtemp(dir=WORK)
    p = os.path.join(d, "v.yaml")
    with open(p, "w") as f:
        json.dump(doc, f)
    r = subprocess.run([BIN, "-o", "json", "-n", p], capture_output=True, text=True, timeout=10)
    shutil.rmtree(d, ignore_errors=True)
    return r.returncode, r.stdout, r.stderr


def bb(name, **kw):
    c = {"name": name, "image": "busybox"}
    c.update(kw)
    return c


PROBE = {"exec": {"command": ["true"]}}


@scenario("validate-restart-policy", [1], weight=1)
def _(s):
    cases = [
        ("restartPolicy on an app container", {"containers": [bb("a", restartPolicy="Always")]},
         "may only be set on init"),
        ("init restartPolicy Never", {"initContainers": [bb("i", restartPolicy="Never")],
                                      "containers": [bb("a")]}, "Always"),
        ("init restartPolicy OnFailure", {"initContainers": [bb("i", restartPolicy="OnFailure")],
                                          "containers": [bb("a")]}, "Always"),
        ("restartPolicyRules on an init container",
         {"initContainers": [bb("i", restartPolicy="Always", restartPolicyRules=[])],
          "containers": [bb("a")]}, "restartPolicyRules"),
        ("restartPolicyRules on an app container",
         {"containers": [bb("a", restartPolicyRules=[])]}, "restartPolicyRules"),
    ]
    for what, spec, msg in cases:
        rc, _, err = validate(spec)
        s.check(rc == 1 and msg in err, "%s: want exit 1 and '%s', got %d: %s" % (what, msg, rc, err.strip()))
    rc, out, err = validate({"initContainers": [bb("i", restartPolicy="Always")], "containers": [bb("a")]})
    s.check(rc == 0, "a sidecar (restartPolicy: Always) should be valid: %s" % err.strip())
    # the same through podctl apply: rejected, nothing written, nothing started
    d = os.path.join(WORK, "apply-invalid")
    os.makedirs(d, exist_ok=True)
    bad = os.path.join(d, "badpod.yaml")
    with open(bad, "w") as f:
        json.dump({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "badpod"},
                   "spec": {"containers": [bb("a", restartPolicy="Always", command=["true"])]}}, f)
    rc, out, err = s.inst.ctl("apply", "-f", bad)
    s.check(rc == 1, "podctl apply of an app container with restartPolicy: exit %d, want 1 (%s)" % (rc, err.strip()))
    s.check("restartPolicy" in err + out, "podctl apply error does not name restartPolicy: %s" % (err + out).strip())
    s.check(not os.path.exists(os.path.join(s.inst.manifests, "badpod.yaml")),
            "podctl apply wrote the invalid manifest")
    time.sleep(0.5)
    s.check(s.inst.get("badpod") is None, "the invalid pod exists")


@scenario("validate-probes-hooks", [2], weight=1)
def _(s):
    for field, val in (("readinessProbe", PROBE), ("livenessProbe", PROBE), ("startupProbe", PROBE),
                       ("lifecycle", {"postStart": {"exec": {"command": ["true"]}}}),
                       ("lifecycle", {"preStop": {"sleep": {"seconds": 1}}})):
        rc, _, err = validate({"initContainers": [bb("i", **{field: val})], "containers": [bb("a")]})
        s.check(rc == 1 and field in err, "plain init container with %s: want exit 1 naming it, got %d: %s" % (
            field, rc, err.strip()))
    full = dict(readinessProbe=PROBE, livenessProbe=PROBE, startupProbe=PROBE,
                lifecycle={"postStart": {"exec": {"command": ["true"]}}, "preStop": {"sleep": {"seconds": 1}}})
    rc, _, err = validate({"initContainers": [bb("i", restartPolicy="Always", **full)], "containers": [bb("a", **full)]})
    s.check(rc == 0, "a sidecar and an app with probes and hooks should be valid: %s" % err.strip())


@scenario("validate-names", [3], weight=1)
def _(s):
    rc, _, err = validate({"initContainers": [bb("x")], "containers": [bb("x")]})
    s.check(rc == 1 and "duplicate" in err, "same name in initContainers and containers: %d %s" % (rc, err.strip()))
    rc, _, err = validate({"initContainers": [bb("x", restartPolicy="Always"), bb("x")], "containers": [bb("a")]})
    s.check(rc == 1 and "duplicate" in err, "same name twice in initContainers: %d %s" % (rc, err.strip()))
    rc, _, err = validate({"initContainers": [bb("x", restartPolicy="Always")]})
    s.check(rc == 1, "a pod with only a sidecar (no app container) must be invalid: %d %s" % (rc, err.strip()))
    rc, _, err = validate({"initContainers": [bb("x", restartPolicy="Always")], "containers": []})
    s.check(rc == 1, "a pod with containers: [] must be invalid: %d %s" % (rc, err.strip()))


@scenario("validate-defaults", [4], weight=1)
def _(s):
    probe = {"exec": {"command": ["true"]}}
    rc, out, err = validate({"initContainers": [bb("i", restartPolicy="Always", startupProbe=probe)],
                             "containers": [bb("a", livenessProbe=probe, readinessProbe=probe)]})
    if not s.check(rc == 0, "valid pod rejected: %s" % err.strip()):
        return
    doc = json.loads(out)
    pod = doc["items"][0] if doc.get("kind") == "List" else doc
    spec = pod["spec"]
    s.eq(spec.get("restartPolicy"), "Always", "default restartPolicy")
    s.eq(spec.get("terminationGracePeriodSeconds"), 30, "default terminationGracePeriodSeconds")
    for where, p in (("startupProbe", spec["initContainers"][0]["startupProbe"]),
                     ("livenessProbe", spec["containers"][0]["livenessProbe"]),
                     ("readinessProbe", spec["containers"][0]["readinessProbe"])):
        got = {k: p.get(k, 0) for k in ("initialDelaySeconds", "periodSeconds", "timeoutSeconds",
                                         "successThreshold", "failureThreshold")}
        s.eq(got, {"initialDelaySeconds": 0, "periodSeconds": 10, "timeoutSeconds": 1,
                   "successThreshold": 1, "failureThreshold": 3}, "%s defaults" % where)
    for kind in ("livenessProbe", "startupProbe"):
        rc, _, err = validate({"containers": [bb("a", **{kind: dict(probe, successThreshold=2)})]})
        s.check(rc == 1 and "successThreshold" in err, "%s successThreshold 2: want exit 1, got %d %s" % (
            kind, rc, err.strip()))
    rc, _, err = validate({"containers": [bb("a", readinessProbe=dict(probe, successThreshold=2))]})
    s.check(rc == 0, "readinessProbe successThreshold 2 should be valid: %s" % err.strip())


# ===========================================================================
# Start (rules 5-8)


@scenario("A-init-sidecar-app-never", [5, 6, 8, 17, 18, 22], weight=8)
def _(s):
    # spec scenario A; e2e "should launch restartable init containers before starting the regular container"
    p = s.pod("sa", restart="Never", init=[C("init-1", run(1)), SC("side-1", forever())],
              apps=[C("app-1", run(2))])
    st = s.wait_phase(p, ("Succeeded", "Failed"), 25)
    L = s.log(p)
    s.order(L, [("init-1", "Starting"), ("init-1", "Exiting"), ("side-1", "Starting"),
                ("app-1", "Starting"), ("app-1", "Exiting"), ("side-1", "TERM"), ("side-1", "Exiting")])
    if L.first("init-1", "Exiting") and L.first("init-1", "Starting"):
        s.within(L.first("init-1", "Exiting") - L.first("init-1", "Starting"), 0.9, 3, "init-1 run time")
    s.eq(phase(st), "Succeeded", "phase")
    for n in ("init-1", "side-1", "app-1"):
        c = cstat(st, n)
        s.eq((term(c).get("exitCode"), term(c).get("reason")), (0, "Completed"), "%s terminated state" % n)
        s.eq(c.get("restartCount"), 0, "%s restartCount" % n)
        s.eq(L.count(n, "Starting"), 1, "%s runs" % n)
    s.eq(cond(st, "Initialized"), "True", "Initialized after completion")
    s.eq(cond(st, "ContainersReady"), "False", "ContainersReady after completion")
    s.eq(cond(st, "Ready"), "False", "Ready after completion")
    for _ in range(4):
        time.sleep(0.5)
        s.eq(phase(s.st(p)), "Succeeded", "phase after completion (terminal phases never change)")


@scenario("init-order-strict", [5, 6, 8], weight=10)
def _(s):
    p = s.pod("order", init=[C("init-1", run(0.5)), SC("side-1", forever()), C("init-2", run(0.5)),
                             SC("side-2", forever()), C("init-3", run(0.5))],
              apps=[C("app-1", forever()), C("app-2", forever()), C("app-3", forever())])
    s.wait(lambda: all(s.log(p).count(a, "Starting") for a in ("app-1", "app-2", "app-3")), 25,
           "every app container started")
    L = s.log(p)
    s.order(L, [("init-1", "Starting"), ("init-1", "Exiting"), ("side-1", "Starting"), ("init-2", "Starting"),
                ("init-2", "Exiting"), ("side-2", "Starting"), ("init-3", "Starting"), ("init-3", "Exiting")])
    for a in ("app-1", "app-2", "app-3"):
        s.before(L.first("init-3", "Exiting"), L.first(a, "Starting"), "%s starts after init-3 exited" % a)
    starts = [L.first(a, "Starting") for a in ("app-1", "app-2", "app-3")]
    s.within(max(starts) - min(starts), 0, 1.0, "app containers start in one pass (spread of their starts)")
    for n in ("init-1", "side-1", "init-2", "side-2", "init-3"):
        s.eq(L.count(n, "Starting"), 1, "%s runs" % n)
    st = s.wait(lambda: (lambda x: x if cond(x, "Ready") == "True" else None)(s.st(p)), 10, "Ready")
    s.eq(phase(st), "Running", "phase")
    s.eq(cond(st, "Initialized"), "True", "Initialized")


@scenario("C-sidecar-startup-probe-late", [6, 14, 15, 19], weight=12)
def _(s):
    # spec scenario C; e2e "should launch restartable init container and then regular containers after startup probe succeeds"
    side = SC("side-1", "t Starting; trap 't TERM; t Exiting; exit 0' TERM; (sleep 3; touch /tmp/up) & " + LOOP,
              startupProbe=execp("side-1", "if test -f /tmp/up; then t StartupOK; exit 0; fi; exit 1",
                                 periodSeconds=1, failureThreshold=30))
    p = s.pod("startlate", init=[side, C("init-2", run(0))], apps=[C("app-1", forever())])
    s.wait_log(p, "side-1", "Starting", timeout=20)
    s.sleep_until(s.log(p).first("side-1", "Starting") + 1.5)
    st = s.st(p)
    c = cstat(st, "side-1")
    s.eq(state_of(c)[0], "running", "side-1 state while its startup probe fails")
    s.eq(c.get("started"), False, "side-1 started before its startup probe passed")
    s.eq(phase(st), "Pending", "phase while a sidecar is starting")
    s.eq(cond(st, "Initialized"), "False", "Initialized while a sidecar is starting")
    s.eq(state_of(cstat(st, "app-1"))[1].get("reason"), "PodInitializing", "app-1 waiting reason")
    s.never(s.log(p), "init-2")
    s.wait_log(p, "app-1", "Starting", timeout=20)
    L = s.log(p)
    s.within(L.first("init-2", "Starting") - L.first("side-1", "Starting"), 2.95, 6,
             "init-2 start after side-1 start (startup probe passes after 3 s)")
    s.before(L.first("side-1", "StartupOK"), L.first("init-2", "Starting"), "init-2 starts after the startup probe passed", 0.02)
    st = s.st(p)
    s.eq(cstat(st, "side-1").get("started"), True, "side-1 started after its startup probe passed")
    s.eq(cstat(st, "side-1").get("restartCount"), 0, "side-1 restartCount")
    s.eq(phase(st), "Running", "phase")


@scenario("sidecar-startup-probe-fails", [6, 13, 15], weight=12)
def _(s):
    # e2e "should call the container's preStop hook and terminate it if its startup probe fails"
    side = SC("side-1", forever(), startupProbe=execp("side-1", "exit 1", periodSeconds=1, failureThreshold=2),
              lifecycle={"preStop": execp("side-1", "t PreStop")})
    p = s.pod("startfail", init=[side], apps=[C("app-1", forever())])
    st = s.wait(lambda: (lambda x: x if cstat(x, "side-1").get("restartCount", 0) >= 2 else None)(s.st(p)), 25,
                "side-1 restartCount >= 2")
    time.sleep(0.3)
    st = s.st(p)
    L = s.log(p)
    s.never(L, "app-1")
    s.eq(phase(st), "Pending", "phase while the sidecar never starts")
    s.eq(cond(st, "Initialized"), "False", "Initialized")
    c = cstat(st, "side-1")
    s.check(bool(term(c, last=True)), "side-1 lastState.terminated missing: %s" % c.get("lastState"))
    s.eq(c.get("started"), False, "side-1 started")
    s.check(L.count("side-1", "PreStop") >= 2, "side-1 preStop ran %d times, want >= 2 (one per kill)" % L.count("side-1", "PreStop"))
    pre, trm = L.times("side-1", "PreStop"), L.times("side-1", "TERM")
    for i in range(min(len(pre), len(trm))):
        s.before(pre[i], trm[i], "preStop #%d before SIGTERM #%d" % (i + 1, i + 1))
    s.check(any("Startup probe failed" in e for e in s.events(p, "side-1", "Unhealthy")),
            "no 'Unhealthy: Startup probe failed' event")
    s.check(len(s.events(p, "side-1", "Killing")) >= 2, "no Killing events for side-1")


@scenario("readiness-gates-ready-not-startup", [6, 13, 14, 19], weight=14)
def _(s):
    side = SC("side-1", forever(),
              readinessProbe={"exec": {"command": ["test", "-f", "/log/side-ready"]}, "periodSeconds": 1,
                              "failureThreshold": 1},
              livenessProbe={"exec": {"command": ["true"]}, "initialDelaySeconds": 5, "periodSeconds": 1})
    app = C("app-1", forever(), readinessProbe={"exec": {"command": ["test", "-f", "/log/app-ready"]},
                                                "periodSeconds": 1, "failureThreshold": 1})
    p = s.pod("readygate", init=[side], apps=[app])
    s.wait_log(p, "app-1", "Starting", timeout=20)
    L = s.log(p)
    s.within(L.first("app-1", "Starting") - L.first("side-1", "Starting"), 0, 2.0,
             "app-1 starts right after side-1 (readiness and liveness do not gate start-up)")
    time.sleep(1.0)
    st = s.st(p)
    c = cstat(st, "side-1")
    s.eq((c.get("started"), c.get("ready")), (True, False), "side-1 (started, ready) before its readiness passes")
    s.eq(phase(st), "Running", "phase")
    s.eq(cond(st, "Initialized"), "True", "Initialized")
    s.eq((cond(st, "ContainersReady"), cond(st, "Ready")), ("False", "False"), "ContainersReady, Ready: nothing ready")
    s.flag(p, "app-ready")
    st = s.wait(lambda: (lambda x: x if cstat(x, "app-1").get("ready") else None)(s.st(p)), 6, "app-1 ready")
    time.sleep(0.3)
    st = s.st(p)
    s.eq((cond(st, "ContainersReady"), cond(st, "Ready")), ("False", "False"),
         "ContainersReady, Ready: app ready, sidecar not ready")
    s.flag(p, "side-ready")
    st = s.wait(lambda: (lambda x: x if cond(x, "Ready") == "True" else None)(s.st(p)), 6, "Ready True")
    s.eq(cond(st, "ContainersReady"), "True", "ContainersReady with every container ready")
    s.flag(p, "side-ready", False)
    st = s.wait(lambda: (lambda x: x if cond(x, "Ready") == "False" else None)(s.st(p)), 6,
                "Ready False after the sidecar's readiness fails")
    s.eq(cstat(st, "side-1").get("ready"), False, "side-1 ready")
    s.eq(cstat(st, "side-1").get("restartCount"), 0, "side-1 restartCount (readiness failure does not restart)")
    s.eq(s.log(p).count("side-1", "TERM"), 0, "side-1 SIGTERMs (readiness failure does not kill)")
    s.eq(phase(st), "Running", "phase")


@scenario("poststart-blocks-next-init-entry", [6, 7], weight=8)
def _(s):
    side = SC("side-1", forever(), lifecycle={"postStart": execp("side-1", "t PostStartBegin; sleep 2; t PostStartEnd")})
    p = s.pod("psinit", init=[side, C("init-2", run(0))], apps=[C("app-1", forever())])
    s.wait_log(p, "side-1", "PostStartBegin", timeout=20)
    time.sleep(0.8)
    st = s.st(p)
    s.eq(cstat(st, "side-1").get("started"), False, "side-1 started while its postStart hook runs")
    s.eq(phase(st), "Pending", "phase while the sidecar's postStart runs")
    s.wait_log(p, "app-1", "Starting", timeout=15)
    L = s.log(p)
    s.order(L, [("side-1", "Starting"), ("side-1", "PostStartBegin"), ("side-1", "PostStartEnd"),
                ("init-2", "Starting"), ("init-2", "Exiting"), ("app-1", "Starting")])
    s.eq(cstat(s.st(p), "side-1").get("started"), True, "side-1 started after its hook")


@scenario("poststart-blocks-next-app", [7, 8], weight=8)
def _(s):
    app1 = C("app-1", forever(), lifecycle={"postStart": execp("app-1", "t PostStartBegin; sleep 2; t PostStartEnd")})
    p = s.pod("psapp", apps=[app1, C("app-2", forever())])
    s.wait(lambda: s.log(p).count("app-2", "Starting") and s.log(p).count("app-1", "PostStartEnd"), 20,
           "app-2 started and app-1's postStart ended")
    L = s.log(p)
    s.order(L, [("app-1", "Starting"), ("app-1", "PostStartBegin"), ("app-1", "PostStartEnd")])
    s.before(L.first("app-1", "PostStartEnd"), L.first("app-2", "Starting"),
             "app-2 must not start before app-1's postStart hook returned (rule 7)", 0.02)


@scenario("poststart-fails-sidecar-restarts", [7, 9, 12], weight=10)
def _(s):
    hook = execp("side-1", "if [ ! -f /log/ps-failed ]; then touch /log/ps-failed; t PostStartFail; exit 1; fi; "
                           "t PostStartOK")
    p = s.pod("psfail", init=[SC("side-1", forever(), lifecycle={"postStart": hook})], apps=[C("app-1", forever())])
    s.wait_log(p, "app-1", "Starting", timeout=20)
    L = s.log(p)
    st = s.st(p)
    s.check(bool(s.events(p, "side-1", "FailedPostStartHook")), "no FailedPostStartHook event for side-1")
    s.eq(L.count("side-1", "Starting"), 2, "side-1 runs")
    s.eq(L.count("side-1", "TERM"), 1, "side-1 SIGTERMs (the failed instance is killed)")
    s.eq(cstat(st, "side-1").get("restartCount"), 1, "side-1 restartCount")
    s.check(bool(term(cstat(st, "side-1"), last=True)), "side-1 lastState.terminated missing")
    s.before(L.times("side-1", "Starting")[-1], L.first("app-1", "Starting"),
             "app-1 starts only after the second side-1 instance")
    s.before(L.first("side-1", "PostStartOK"), L.first("app-1", "Starting"), "app-1 after the successful hook", 0.02)
    s.eq(phase(st), "Running", "phase")


@scenario("poststart-fails-app-never", [7, 9, 17, 24], weight=10)
def _(s):
    app = C("app-1", ignore_term(), lifecycle={"postStart": execp("app-1", "t PostStartFail; exit 1")})
    p = s.pod("psfailnever", restart="Never", grace=3, init=[SC("side-1", forever())], apps=[app])
    st = s.wait_phase(p, ("Succeeded", "Failed"), 20)
    L = s.log(p)
    s.eq(phase(st), "Failed", "phase")
    s.check(bool(s.events(p, "app-1", "FailedPostStartHook")), "no FailedPostStartHook event for app-1")
    c = cstat(st, "app-1")
    s.eq(c.get("restartCount"), 0, "app-1 restartCount (Never)")
    s.eq(L.count("app-1", "Starting"), 1, "app-1 runs")
    s.eq((term(c).get("exitCode"), term(c).get("reason")), (137, "Error"),
         "app-1 terminated (ignores SIGTERM: SIGKILL at grace)")
    s.before(L.first("app-1", "PostStartFail"), L.first("side-1", "TERM"), "side-1 stopped after the app")


@scenario("init-not-rerun-after-start", [8, 9], weight=12)
def _(s):
    p = s.pod("norerun", grace=3, init=[C("init-1", run(0)), SC("side-1", "t Starting; sleep 1; t Exiting; exit 1")],
              apps=[C("app-1", "t Starting; sleep 1.5; t Exiting; exit 0")])
    s.wait_log(p, "app-1", "Starting", timeout=20)
    phases, inits = set(), set()
    end = time.time() + 9
    while time.time() < end:
        st = s.st(p)
        phases.add(phase(st))
        inits.add(cond(st, "Initialized"))
        time.sleep(0.4)
    st = s.st(p)
    L = s.log(p)
    s.eq(L.count("init-1", "Starting"), 1, "init-1 runs (never again once an app started)")
    s.eq(phases, {"Running"}, "phases seen while sidecar and app restart")
    s.eq(inits, {"True"}, "Initialized while sidecar and app restart")
    s.check(cstat(st, "side-1").get("restartCount", 0) >= 2, "side-1 restartCount %s, want >= 2" % cstat(st, "side-1").get("restartCount"))
    c = cstat(st, "app-1")
    s.check(c.get("restartCount", 0) >= 2, "app-1 restartCount %s, want >= 2 (Always restarts exit 0)" % c.get("restartCount"))
    lt = term(c, last=True)
    s.eq((lt.get("exitCode"), lt.get("reason")), (0, "Completed"), "app-1 lastState.terminated")


@scenario("sidecar-restart-during-init-no-regate", [5, 6, 8, 9], weight=16)
def _(s):
    # kubelet computeInitContainerActions: an entry once done stays done; a sidecar that
    # crashes (and waits in back-off) while a later init container runs does not hold
    # back the entries after it
    side = SC("side-1", counted("n", "/log/side-runs") + "t Starting; if [ $n -eq 1 ]; then sleep 1; fi; "
                                                         "t Exiting; exit 1")
    p = s.pod("noregate", grace=3, init=[side, C("init-2", run(6))], apps=[C("app-1", forever())])
    s.wait_log(p, "app-1", "Starting", timeout=30)
    L = s.log(p)
    ex = L.first("init-2", "Exiting")
    s.check(len([t for t in L.times("side-1", "Starting") if ex and t < ex]) >= 2,
            "side-1 restarted while init-2 ran (sidecars restart during initialization)")
    s.eq(L.count("init-2", "TERM"), 0, "init-2 interrupted")
    s.within(L.first("app-1", "Starting") - ex if ex else None, 0, 1.5,
             "app-1 start after init-2 exited (side-1 was in back-off then)")


# ===========================================================================
# Restart (rules 9-12)


@scenario("init-fail-never", [10, 15, 18, 19, 22], weight=10)
def _(s):
    # e2e "an Init container after restartable init container fails"
    p = s.pod("initfailnever", restart="Never", init=[
        SC("side-1", forever(term_delay=2)), C("init-2", "t Starting; sleep 1; t Exiting; exit 1"),
        SC("side-3", forever())], apps=[C("app-1", forever())])
    s.wait_log(p, "init-2", "Exiting", timeout=20)
    s.sleep_until(s.log(p).first("init-2", "Exiting") + 0.8)
    st = s.st(p)
    s.eq(phase(st), "Failed", "phase right after the init container failed under Never (getPhase: Failed at once)")
    st = s.wait_phase(p, ("Failed", "Succeeded"), 15)
    s.wait_log(p, "side-1", "Exiting", timeout=10)
    L = s.log(p)
    s.before(L.first("init-2", "Exiting"), L.first("side-1", "TERM"), "side-1 terminated after init-2 failed")
    s.eq(phase(st), "Failed", "final phase")
    c = cstat(st, "init-2")
    s.eq((term(c).get("exitCode"), term(c).get("reason"), c.get("restartCount")), (1, "Error", 0), "init-2 (exitCode, reason, restartCount)")
    s.eq(L.count("init-2", "Starting"), 1, "init-2 runs (Never: no retry)")
    # the phase is Failed at once; side-1's own exit comes after its 2 s TERM delay
    st = s.wait(lambda: term(cstat(s.st(p), "side-1")).get("exitCode") is not None and s.st(p), 10,
                "side-1 terminated") or s.st(p)
    s.eq((term(cstat(st, "side-1")).get("exitCode")), 0, "side-1 exit code (terminated gracefully)")
    s.never(L, "side-3")
    s.never(L, "app-1")
    s.eq(cond(st, "Initialized"), "False", "Initialized")
    time.sleep(1.5)
    s.eq(phase(s.st(p)), "Failed", "phase stays Failed")


@scenario("init-fail-first-never", [10, 18], weight=6)
def _(s):
    # e2e "an Init container before restartable init container fails"
    p = s.pod("initfirstfail", restart="Never", init=[C("init-1", "t Starting; sleep 0.5; t Exiting; exit 1"),
                                                     SC("side-2", forever())], apps=[C("app-1", forever())])
    st = s.wait_phase(p, ("Failed", "Succeeded"), 15)
    time.sleep(1)
    L = s.log(p)
    s.eq(phase(st), "Failed", "phase")
    s.never(L, "side-2")
    s.never(L, "app-1")
    s.eq(term(cstat(st, "init-1")).get("exitCode"), 1, "init-1 exit code")


def gaps(L, name):
    """Back-off gaps: each start after the first, minus the exit before it."""
    st, ex = L.times(name, "Starting"), L.times(name, "Exiting")
    return [st[i + 1] - ex[i] for i in range(min(len(st) - 1, len(ex)))]


def check_backoff(s, g, want, what, tol=0.6):
    """g: measured gaps; want: expected ones (0, 1, 2, 4 ...)."""
    if not s.check(len(g) >= len(want), "%s: only %d restarts seen (%s), want %d" % (
            what, len(g), ", ".join("%.2f" % x for x in g), len(want))):
        return
    for i, w in enumerate(want):
        lo = 0 if w == 0 else w - tol
        s.within(g[i], lo, w + tol + (0.1 if w == 0 else 0), "%s: gap before restart #%d (want ~%ss)" % (what, i + 1, w))


@scenario("init-fail-onfailure-backoff", [10, 11, 12, 15], weight=14)
def _(s):
    p = s.pod("initfailonf", restart="OnFailure", grace=3,
              init=[SC("side-1", forever()), C("init-2", "t Starting; t Exiting; exit 1")],
              apps=[C("app-1", forever())])
    s.wait_log(p, "init-2", "Starting", timeout=20)
    phases, reasons, inits = set(), set(), set()
    end = time.time() + 9.5
    while time.time() < end:
        st = s.st(p)
        phases.add(phase(st))
        inits.add(cond(st, "Initialized"))
        reasons.add(state_of(cstat(st, "init-2"))[1].get("reason"))
        time.sleep(0.3)
    st = s.st(p)
    L = s.log(p)
    s.eq(phases, {"Pending"}, "phases while the init container is retried")
    s.eq(inits, {"False"}, "Initialized while the init container is retried")
    s.check("CrashLoopBackOff" in reasons, "init-2 waiting reason CrashLoopBackOff never seen (%s)" % reasons)
    check_backoff(s, gaps(L, "init-2"), [0, 1, 2, 4], "init-2")
    c = cstat(st, "init-2")
    s.check(c.get("restartCount", 0) >= 3, "init-2 restartCount %s, want >= 3" % c.get("restartCount"))
    lt = term(c, last=True) or term(c)
    s.eq(lt.get("exitCode"), 1, "init-2 last exit code")
    s.eq((L.count("side-1", "Starting"), L.count("side-1", "TERM")), (1, 0), "side-1 (runs, SIGTERMs): keeps running")
    s.eq(cstat(st, "side-1").get("restartCount"), 0, "side-1 restartCount")
    s.never(L, "app-1")


@scenario("init-fail-always-recovers", [10, 11, 12], weight=10)
def _(s):
    init2 = C("init-2", counted("n", "/log/init-runs") + "t Starting; if [ $n -le 2 ]; then t Exiting; exit 1; fi; "
                                                          "t Exiting; exit 0")
    p = s.pod("initfailalw", grace=3, init=[SC("side-1", forever()), init2], apps=[C("app-1", forever())])
    s.wait_log(p, "app-1", "Starting", timeout=20)
    time.sleep(0.3)
    st = s.st(p)
    L = s.log(p)
    c = cstat(st, "init-2")
    s.eq(c.get("restartCount"), 2, "init-2 restartCount")
    s.eq((term(c).get("exitCode"), term(c).get("reason")), (0, "Completed"), "init-2 state")
    s.eq(term(c, last=True).get("exitCode"), 1, "init-2 lastState exit code")
    s.before(L.last("init-2", "Exiting"), L.first("app-1", "Starting"), "app-1 after the last init-2 run")
    s.eq((L.count("side-1", "Starting"), L.count("side-1", "TERM"), cstat(st, "side-1").get("restartCount")),
         (1, 0, 0), "side-1 (runs, SIGTERMs, restartCount)")
    s.eq(phase(st), "Running", "phase")
    s.eq(cond(st, "Initialized"), "True", "Initialized")


@scenario("D-sidecar-crashloop-never", [9, 11, 12, 16], weight=22)
def _(s):
    p = s.pod("crashside", restart="Never", grace=3, init=[SC("side-1", "t Starting; sleep 1; t Exiting; exit 1")],
              apps=[C("app-1", forever())])
    s.wait_log(p, "app-1", "Starting", timeout=20)
    phases, reasons = set(), set()
    end = time.time() + 17.5
    while time.time() < end:
        st = s.st(p)
        phases.add(phase(st))
        reasons.add(state_of(cstat(st, "side-1"))[1].get("reason"))
        time.sleep(0.3)
    st = s.st(p)
    L = s.log(p)
    s.eq(phases, {"Running"}, "phases while the sidecar crash-loops")
    s.check("CrashLoopBackOff" in reasons, "side-1 waiting reason CrashLoopBackOff never seen (%s)" % reasons)
    check_backoff(s, gaps(L, "side-1"), [0, 1, 2, 4, 4], "side-1 (--backoff 1s,4s: 0, 1, 2, 4, capped at 4)")
    s.check(cstat(st, "side-1").get("restartCount", 0) >= 5, "side-1 restartCount %s, want >= 4" % cstat(st, "side-1").get("restartCount"))
    s.eq((L.count("app-1", "Starting"), cstat(st, "app-1").get("restartCount")), (1, 0), "app-1 (runs, restartCount)")


@scenario("default-backoff-0-10-20", [11], weight=45, own=True)
def _(s):
    inst = s.new_instance("defbackoff", backoff=None)
    s.inst = inst
    p = s.pod("defbackoff", inst=inst, grace=3, apps=[C("app-1", "t Starting; t Exiting; exit 1")])
    msgs = set()
    deadline = time.time() + 45
    while time.time() < deadline and s.log(p).count("app-1", "Starting") < 4:
        st = inst.get(p)
        m = state_of(cstat(st, "app-1"))[1].get("message")
        if m:
            msgs.add(m)
        time.sleep(0.5)
    L = s.log(p)
    st = L.times("app-1", "Starting")
    if s.check(len(st) >= 4, "only %d starts within 45 s" % len(st)):
        g = [st[i + 1] - st[i] for i in range(3)]
        s.within(g[0], 0, 2, "first restart (immediate)")
        s.within(g[1], 8, 12, "second restart (10 s)")
        s.within(g[2], 18, 22, "third restart (20 s)")
    s.check(any("10s" in m for m in msgs) and any("20s" in m for m in msgs),
            "waiting messages do not name the 10s and 20s back-offs: %s" % sorted(msgs))
    s.check(bool(s.events(p, "app-1", "BackOff", inst=inst)), "no BackOff event")
    rc = inst.stop(30)
    s.eq(rc, 0, "podinit's exit status after poweroff")


@scenario("backoff-reset", [11], weight=25, own=True)
def _(s):
    inst = s.new_instance("backoffreset", backoff="1s,4s,5s")
    s.inst = inst
    body = counted("n", "/log/runs") + "t Starting; if [ $n -eq 4 ]; then sleep 6; fi; t Exiting; exit 1"
    p = s.pod("backoffreset", inst=inst, grace=3, apps=[C("app-1", body)])
    s.wait(lambda: s.log(p).count("app-1", "Starting") >= 6, 30, "6 runs of app-1")
    L = s.log(p)
    g = gaps(L, "app-1")
    s.notes.append("gaps: " + ", ".join("%.2f" % x for x in g))
    s.within(g[0], 0, 0.7, "restart 1 (immediate)")
    s.within(g[1], 0.4, 1.6, "restart 2 (1 s)")
    s.within(g[2], 1.4, 2.6, "restart 3 (2 s)")
    runs = L.times("app-1", "Exiting")[3] - L.times("app-1", "Starting")[3]
    s.within(runs, 5.5, 8, "run 4 (clean running longer than the 5 s reset window)")
    s.within(g[3], 0, 0.7, "restart 4 after running longer than the reset window (back-off reset: immediate)")
    s.within(g[4], 0.4, 1.6, "restart 5 (back-off starts again at 1 s)")
    rc = inst.stop(30)
    s.eq(rc, 0, "podinit's exit status after poweroff")


@scenario("app-never-nonzero-fails", [17, 22], weight=8)
def _(s):
    p = s.pod("appfail", restart="Never", init=[SC("side-1", forever(0.3))],
              apps=[C("app-1", run(1, code=1)), C("app-2", run(2))])
    st = s.wait_phase(p, ("Succeeded", "Failed"), 20)
    L = s.log(p)
    s.eq(phase(st), "Failed", "phase")
    s.before(L.first("app-1", "Exiting"), L.first("side-1", "TERM"), "side-1 SIGTERM after app-1 exited")
    s.before(L.first("app-2", "Exiting"), L.first("side-1", "TERM"), "side-1 SIGTERM after app-2 exited (all apps finished)")
    c = cstat(st, "app-1")
    s.eq((term(c).get("exitCode"), term(c).get("reason"), c.get("restartCount")), (1, "Error", 0), "app-1")
    s.eq(term(cstat(st, "app-2")).get("reason"), "Completed", "app-2 reason")
    s.eq(term(cstat(st, "side-1")).get("exitCode"), 0, "side-1 exit code")
    s.eq(L.count("app-1", "Starting"), 1, "app-1 runs")
    time.sleep(1.5)
    s.eq(phase(s.st(p)), "Failed", "phase stays Failed")


@scenario("app-never-all-zero-reverse", [17, 22], weight=10)
def _(s):
    p = s.pod("appok3", restart="Never", grace=10,
              init=[SC("side-1", forever(0.5)), SC("side-2", forever(0.5)), SC("side-3", forever(0.5))],
              apps=[C("app-1", run(1)), C("app-2", run(2))])
    st = s.wait_phase(p, ("Succeeded", "Failed"), 20)
    L = s.log(p)
    s.eq(phase(st), "Succeeded", "phase")
    s.order(L, [("app-1", "Exiting"), ("app-2", "Exiting"), ("side-3", "TERM"), ("side-3", "Exiting"),
                ("side-2", "TERM"), ("side-2", "Exiting"), ("side-1", "TERM"), ("side-1", "Exiting")])
    for n in ("side-1", "side-2", "side-3"):
        c = cstat(st, n)
        s.eq((term(c).get("reason"), c.get("restartCount")), ("Completed", 0), "%s (reason, restartCount)" % n)


@scenario("onfailure-app-restart-then-complete", [9, 17], weight=10)
def _(s):
    app1 = C("app-1", counted("n", "/log/app1-runs") + "t Starting; sleep 0.5; t Exiting; "
                                                        "if [ $n -eq 1 ]; then exit 1; fi; exit 0")
    p = s.pod("onfail", restart="OnFailure", init=[SC("side-1", forever(0.2))], apps=[app1, C("app-2", run(3))])
    st = s.wait_phase(p, ("Succeeded", "Failed"), 20)
    L = s.log(p)
    s.eq(phase(st), "Succeeded", "phase")
    c = cstat(st, "app-1")
    s.eq(c.get("restartCount"), 1, "app-1 restartCount (exit 1 restarted, exit 0 not)")
    s.eq(term(c, last=True).get("exitCode"), 1, "app-1 lastState exit code")
    s.eq(term(c).get("exitCode"), 0, "app-1 exit code")
    s.eq(cstat(st, "app-2").get("restartCount"), 0, "app-2 restartCount (exit 0 under OnFailure)")
    s.eq(L.count("app-1", "Starting"), 2, "app-1 runs")
    s.before(L.last("app-1", "Exiting"), L.first("side-1", "TERM"), "side-1 stopped after app-1 completed")
    s.before(L.last("app-2", "Exiting"), L.first("side-1", "TERM"), "side-1 stopped after app-2 completed")


@scenario("always-app-exit0-restarts", [9, 17], weight=10)
def _(s):
    p = s.pod("alw0", grace=3, init=[SC("side-1", forever())], apps=[C("app-1", "t Starting; sleep 0.5; t Exiting; exit 0")])
    s.wait_log(p, "app-1", "Starting", timeout=20)
    phases = set()
    end = time.time() + 6
    while time.time() < end:
        phases.add(phase(s.st(p)))
        time.sleep(0.4)
    st = s.st(p)
    c = cstat(st, "app-1")
    s.eq(phases, {"Running"}, "phases (an Always pod never completes)")
    s.check(c.get("restartCount", 0) >= 2, "app-1 restartCount %s, want >= 2" % c.get("restartCount"))
    lt = term(c, last=True)
    s.eq((lt.get("exitCode"), lt.get("reason")), (0, "Completed"), "app-1 lastState.terminated")
    s.eq(s.log(p).count("side-1", "Starting"), 1, "side-1 runs")


@scenario("sidecar-exit-codes-ignored", [16, 17], weight=10)
def _(s):
    # e2e "should mark pod as succeeded if any of the restartable init containers have terminated with non-zero exit code"
    p = s.pod("sidecodes", restart="Never", init=[SC("side-1", forever(code=3)),
                                                 SC("side-2", "t Starting; sleep 1; t Exiting; exit 1")],
              apps=[C("app-1", run(3.5))])
    s.wait_log(p, "app-1", "Starting", timeout=20)
    time.sleep(2)
    s.eq(phase(s.st(p)), "Running", "phase while side-2 crash-loops")
    st = s.wait_phase(p, ("Succeeded", "Failed"), 15)
    s.eq(phase(st), "Succeeded", "phase (sidecar exit codes never count)")
    s.eq((term(cstat(st, "side-1")).get("exitCode"), term(cstat(st, "side-1")).get("reason")), (3, "Error"),
         "side-1 terminated")
    s.check(cstat(st, "side-2").get("restartCount", 0) >= 1, "side-2 was not restarted")


@scenario("fresh-writable-layer", [12], weight=8)
def _(s):
    body = ("echo x >> /log/count; if [ -e /marker ]; then t Stale; else t Fresh; fi; touch /marker; "
            "t Starting; sleep 0.3; t Exiting; exit 1")
    p = s.pod("freshlayer", grace=3, apps=[C("app-1", body)])
    s.wait(lambda: s.log(p).count("app-1", "Starting") >= 3, 15, "3 runs of app-1")
    L = s.log(p)
    s.eq(L.count("app-1", "Stale"), 0, "runs that saw the previous instance's /marker")
    with open(os.path.join(s.host(p), "count")) as f:
        n = len(f.read().split())
    s.check(n >= 3, "the volume kept %d lines, want >= 3 (volumes keep data)" % n)
    s.check(not os.path.exists(os.path.join(IMAGES, "docker.io/library/busybox/latest/rootfs/marker")),
            "the container wrote into the image")
    st = s.st(p)
    s.check(cstat(st, "app-1").get("restartCount", 0) >= 2, "restartCount %s" % cstat(st, "app-1").get("restartCount"))


# ===========================================================================
# Probes (rules 13, 14)


@scenario("liveness-sidecar-restart", [13, 14], weight=14)
def _(s):
    side = SC("side-1", "touch /log/alive; " + forever(),
              livenessProbe=execp("side-1", "test -f /log/alive", periodSeconds=1, failureThreshold=2),
              lifecycle={"preStop": execp("side-1", "t PreStop")})
    s.flag("liveside", "alive")
    p = s.pod("liveside", init=[side], apps=[C("app-1", forever())])
    s.wait(lambda: cond(s.st(p), "Ready") == "True", 20, "Ready")
    time.sleep(1.5)
    t_rm = now()
    s.flag(p, "alive", False)
    s.wait_log(p, "side-1", "Starting", n=2, timeout=12)
    time.sleep(2.5)
    st = s.st(p)
    L = s.log(p)
    c = cstat(st, "side-1")
    s.eq(c.get("restartCount"), 1, "side-1 restartCount")
    s.check(bool(term(c, last=True)), "side-1 lastState.terminated missing")
    s.order(L, [("side-1", "PreStop"), ("side-1", "TERM"), ("side-1", "Exiting")])
    s.within(L.first("side-1", "PreStop") - t_rm, 0, 3.5, "liveness kill (preStop) after the probe began failing")
    s.before(L.first("side-1", "Exiting"), L.times("side-1", "Starting")[1], "restart after the exit")
    s.check(len(s.events(p, "side-1", "Unhealthy")) >= 2 and
            all("Liveness probe failed" in e for e in s.events(p, "side-1", "Unhealthy")),
            "want >= 2 'Unhealthy: Liveness probe failed' events: %s" % s.events(p, "side-1", "Unhealthy"))
    s.check(bool(s.events(p, "side-1", "Killing")), "no Killing event")
    s.eq((L.count("app-1", "Starting"), cstat(st, "app-1").get("restartCount")), (1, 0), "app-1 (runs, restartCount)")
    s.eq(phase(st), "Running", "phase")
    s.wait(lambda: cond(s.st(p), "Ready") == "True", 5, "Ready again")


@scenario("liveness-app-probe-grace", [13, 23, 24], weight=14)
def _(s):
    app = C("app-1", "touch /log/alive; " + ignore_term(),
            livenessProbe=execp("app-1", "test -f /log/alive", periodSeconds=1, failureThreshold=1,
                                terminationGracePeriodSeconds=3))
    s.flag("liveapp", "alive")
    p = s.pod("liveapp", grace=12, apps=[app])
    s.wait_log(p, "app-1", "Starting", timeout=20)
    time.sleep(1.5)
    s.flag(p, "alive", False)
    s.wait_log(p, "app-1", "Starting", n=2, timeout=15)
    time.sleep(0.3)
    st = s.st(p)
    L = s.log(p)
    c = cstat(st, "app-1")
    s.eq(c.get("restartCount"), 1, "app-1 restartCount")
    lt = term(c, last=True)
    s.eq((lt.get("exitCode"), lt.get("reason")), (137, "Error"), "app-1 lastState.terminated (SIGKILL)")
    s.within(L.times("app-1", "Starting")[1] - L.first("app-1", "TERM") if L.first("app-1", "TERM") else None,
             2.5, 4.6, "SIGTERM to restart (the probe's terminationGracePeriodSeconds 3, not the pod's 12)")
    s.check(any("Liveness probe failed" in e for e in s.events(p, "app-1", "Unhealthy")), "no Unhealthy event")
    s.check(bool(s.events(p, "app-1", "Killing")), "no Killing event")
    s.eq(phase(st), "Running", "phase")


@scenario("probe-timeout", [13, 14], weight=12)
def _(s):
    side = SC("side-1", forever(), readinessProbe={"exec": {"command": ["sleep", "3"]}, "timeoutSeconds": 1,
                                                   "periodSeconds": 1})
    app = C("app-1", forever(), livenessProbe=execp("app-1", "t LiveRun; sleep 3", timeoutSeconds=1, periodSeconds=1,
                                                    failureThreshold=2))
    p = s.pod("probetimeout", grace=3, init=[side], apps=[app])
    s.wait_log(p, "app-1", "Starting", timeout=20)
    readies = set()
    end = time.time() + 8
    while time.time() < end:
        st = s.st(p)
        readies.add((cstat(st, "side-1").get("ready"), cond(st, "Ready")))
        time.sleep(0.4)
    st = s.st(p)
    s.eq(readies, {(False, "False")}, "(side-1 ready, Ready) while its readiness probe times out")
    s.check(cstat(st, "app-1").get("restartCount", 0) >= 1,
            "app-1 restartCount %s: liveness probes that time out are failures" % cstat(st, "app-1").get("restartCount"))
    ev = s.events(p, "side-1", "Unhealthy")
    s.check(ev and all("Readiness probe failed" in e and "timeout" in e.lower() for e in ev),
            "side-1 Unhealthy events should say Readiness probe failed: timeout: %s" % ev[:3])
    s.eq(cstat(st, "side-1").get("restartCount"), 0, "side-1 restartCount")


@scenario("probes-wait-for-started", [6, 14], weight=10)
def _(s):
    app = C("app-1", "t Starting; trap 't TERM; t Exiting; exit 0' TERM; (sleep 3; touch /tmp/up) & " + LOOP,
            startupProbe=execp("app-1", "if test -f /tmp/up; then t StartupOK; exit 0; fi; exit 1",
                               periodSeconds=1, failureThreshold=30),
            livenessProbe=execp("app-1", "t LiveRun", periodSeconds=1),
            readinessProbe=execp("app-1", "t ReadyRun", periodSeconds=1))
    p = s.pod("probeorder", grace=3, apps=[app])
    s.wait_log(p, "app-1", "Starting", timeout=20)
    s.sleep_until(s.log(p).first("app-1", "Starting") + 1.5)
    c = cstat(s.st(p), "app-1")
    s.eq((c.get("started"), c.get("ready")), (False, False), "app-1 (started, ready) before its startup probe passed")
    s.wait(lambda: s.log(p).count("app-1", "LiveRun") >= 2 and s.log(p).count("app-1", "ReadyRun") >= 1, 15,
           "liveness and readiness runs")
    L = s.log(p)
    s.before(L.first("app-1", "StartupOK"), L.first("app-1", "LiveRun"), "first liveness run after Started", 0.02)
    s.before(L.first("app-1", "StartupOK"), L.first("app-1", "ReadyRun"), "first readiness run after Started", 0.02)
    s.eq(L.count("app-1", "StartupOK"), 1, "startup probe successes (it stops once passed)")
    c = cstat(s.st(p), "app-1")
    s.eq((c.get("started"), c.get("ready")), (True, True), "app-1 (started, ready) afterwards")


@scenario("probe-in-container-namespaces", [14], weight=8)
def _(s):
    ns = "for n in mnt uts ipc net pid cgroup; do readlink /proc/self/ns/$n; done"
    body = ("echo private > /tmp/private; %s > /log/main.ns; cat /proc/self/cgroup > /log/main.cg; " % ns) + forever()
    probe = execp("app-1", "%s > /log/probe.ns; cat /proc/self/cgroup > /log/probe.cg; echo \"$FOO\" > /log/probe.env; "
                           "cat /tmp/private > /log/probe.private; id -u > /log/probe.uid" % ns, periodSeconds=1)
    p = s.pod("probens", grace=3, apps=[C("app-1", body, readinessProbe=probe, env=[{"name": "FOO", "value": "in-ctr"}])])
    s.wait(lambda: os.path.exists(os.path.join(s.host(p), "probe.uid")), 20, "the probe's output")
    time.sleep(0.3)

    def rd(f):
        try:
            with open(os.path.join(s.host(p), f)) as fh:
                return fh.read().strip()
        except OSError:
            return None
    s.eq(rd("probe.ns"), rd("main.ns"), "namespaces of the probe vs the container")
    s.eq(rd("probe.cg"), rd("main.cg"), "cgroups of the probe vs the container")
    s.eq(rd("probe.env"), "in-ctr", "the probe's environment")
    s.eq(rd("probe.private"), "private", "the probe sees the container's root")


@scenario("liveness-kill-prestop-outlasts-probe-grace", [13, 23], weight=12)
def _(s):
    # docs/lifecycle.md: a liveness kill is preStop, SIGTERM, then SIGKILL at the probe's
    # terminationGracePeriodSeconds, at least 2 s after SIGTERM (kubelet killContainer:
    # the grace left after the hook, but never under 2 s)
    app = C("app-1", "touch /log/alive; " + ignore_term(),
            livenessProbe=execp("app-1", "test -f /log/alive", periodSeconds=1, failureThreshold=1,
                                terminationGracePeriodSeconds=2),
            lifecycle={"preStop": execp("app-1", "t PreStopBegin; sleep 30; t PreStopEnd")})
    s.flag("livehook", "alive")
    p = s.pod("livehook", grace=10, apps=[app])
    s.wait_log(p, "app-1", "Starting", timeout=20)
    time.sleep(1.5)
    s.flag(p, "alive", False)
    s.wait_log(p, "app-1", "Starting", n=2, timeout=15)
    L = s.log(p)
    pb, tm = L.first("app-1", "PreStopBegin"), L.first("app-1", "TERM")
    restart = L.times("app-1", "Starting")[1]
    if s.check(tm is not None, "app-1 never got SIGTERM: it was SIGKILLed %.2f s after its preStop began" % (
            restart - pb if pb else -1)):
        s.within(tm - pb if pb else None, 1.7, 2.8, "SIGTERM after the preStop hook was cut at the probe's grace (2 s)")
        s.within(restart - tm, 1.8, 3.5, "SIGKILL (restart) at least 2 s after SIGTERM")
    s.eq(L.count("app-1", "PreStopEnd"), 0, "preStop ends")


@scenario("sigkill-2s-after-late-sigterm", [22, 23], weight=10)
def _(s):
    # the app takes 2.5 s of the 3 s budget: the sidecar gets SIGTERM at ~2.5 s and
    # keeps at least 2 s before SIGKILL, i.e. past the budget
    p = s.pod("latesigterm", grace=3, init=[SC("side-1", ignore_term())], apps=[C("app-1", forever(2.5))])
    s.wait(lambda: cond(s.st(p), "Ready") == "True", 20, "Ready")
    t0 = s.delete(p)
    t_end, ph = s.wait_gone(p, 15)
    L = s.log(p)
    ts = L.first("side-1", "TERM")
    s.within(ts - t0 if ts else None, 2.3, 3.3, "side-1 SIGTERM (after app-1 exited at ~2.5 s)")
    s.within(t_end - ts if ts else None, 1.8, 3.0, "side-1 SIGKILL >= 2 s after its SIGTERM")
    s.before(L.first("app-1", "Exiting"), ts, "side-1 SIGTERM after app-1 exited")


@scenario("sidecar-exit0-restarts-onfailure", [9, 16, 17], weight=12)
def _(s):
    # e2e "a restartable init container starts and exits with exit code 0 continuously" (OnFailure)
    p = s.pod("side0onf", restart="OnFailure", init=[SC("side-1", "t Starting; sleep 1; t Exiting; exit 0"),
                                                    C("init-2", run(1.5))], apps=[C("app-1", run(4))])
    st = s.wait_phase(p, ("Succeeded", "Failed"), 25)
    L = s.log(p)
    s.eq(phase(st), "Succeeded", "phase")
    a = L.first("app-1", "Starting")
    starts = L.times("side-1", "Starting")
    s.check(a is not None and any(t < a for t in starts[1:]), "side-1 was not restarted before app-1 started")
    s.check(a is not None and any(t > a for t in starts), "side-1 was not restarted after app-1 started")
    s.eq(L.count("app-1", "Starting"), 1, "app-1 runs")


@scenario("probe-initial-delay-from-container-start", [14], weight=10)
def _(s):
    # kubelet prober/worker.go: a probe is disabled while time since the container's
    # startedAt < initialDelaySeconds; liveness/readiness also wait for Started. With a
    # startup probe passing at ~3 s and readiness initialDelaySeconds 4, the first
    # readiness run comes at ~4-5 s after the start, not 3 + 4 s
    app = C("app-1", "t Starting; trap 't TERM; t Exiting; exit 0' TERM; (sleep 3; touch /tmp/up) & " + LOOP,
            startupProbe=execp("app-1", "if test -f /tmp/up; then t StartupOK; exit 0; fi; exit 1",
                               periodSeconds=1, failureThreshold=30),
            readinessProbe=execp("app-1", "t ReadyRun", periodSeconds=1, initialDelaySeconds=4))
    p = s.pod("probedelay", grace=3, apps=[app])
    s.wait_log(p, "app-1", "ReadyRun", timeout=20)
    L = s.log(p)
    s.within(L.first("app-1", "ReadyRun") - L.first("app-1", "Starting"), 3.8, 5.6,
             "first readiness run after the container start (initialDelaySeconds 4 counts from the start)")


@scenario("always-app-crashloop-phase", [9, 11, 15, 19], weight=8)
def _(s):
    # an Always pod whose only app exits at once, over and over (getPhase: a stopped
    # app container that will restart keeps the pod Running; Initialized stays True)
    p = s.pod("crashapp", grace=3, apps=[{"name": "app-1", "image": "busybox", "command": ["false"]}])
    st = s.wait(lambda: (lambda x: x if cstat(x, "app-1").get("restartCount", 0) >= 2 else None)(s.st(p)), 15,
                "app-1 restartCount >= 2")
    phases = set()
    for _ in range(6):
        st = s.st(p)
        phases.add((phase(st), cond(st, "Initialized")))
        time.sleep(0.3)
    s.eq(phases, {("Running", "True")}, "(phase, Initialized) while the app crash-loops")
    lt = term(cstat(st, "app-1"), last=True) or term(cstat(st, "app-1"))
    s.eq((lt.get("exitCode"), lt.get("reason")), (1, "Error"), "app-1 last termination")


def snapshot_problems(st, n_apps):
    """What in one `get pod -o json` contradicts the rest of it (getPhase and
    the conditions against the container statuses); [] when it is whole."""
    out = []
    if not st:
        return out
    ph, init, cready, ready = phase(st), cond(st, "Initialized"), cond(st, "ContainersReady"), cond(st, "Ready")
    stat = st.get("status", {})
    apps = stat.get("containerStatuses", [])
    inits = stat.get("initContainerStatuses", [])
    kinds = [state_of(c)[0] for c in apps]
    waiting = [c["name"] for c, k in zip(apps, kinds) if k == "waiting" and not (c.get("lastState") or {})]
    if len(apps) != n_apps:
        out.append("%d app statuses" % len(apps))
    if ph == "Running" and waiting:
        out.append("phase Running while %s waiting (%s)" % (
            ",".join(waiting), ",".join(state_of(c)[1].get("reason", "?") for c in apps if c["name"] in waiting)))
    if ph == "Running" and init != "True":
        out.append("phase Running, Initialized %s" % init)
    if init == "True" and any(state_of(c)[0] != "terminated" and not c.get("started") for c in inits):
        out.append("Initialized while an init entry is neither done nor started")
    if ready == "True" and not all(c.get("ready") for c in apps + [c for c in inits if c.get("started") is not None and state_of(c)[0] == "running"]):
        out.append("Ready with a container not ready")
    if ready != cready:
        out.append("Ready %s but ContainersReady %s" % (ready, cready))
    if any(c.get("ready") and k != "running" for c, k in zip(apps, kinds)):
        out.append("a container ready but not running")
    return out


@scenario("phase-whole-while-creating", [8, 15, 19], weight=14)
def _(s):
    # app containers that take a while to create (a large environment, many mounts),
    # after three init containers and a sidecar: every snapshot polled as fast as
    # podctl answers must agree with itself (getPhase counts ContainerCreating as waiting)
    env = [{"name": "VAR_%d" % i, "value": "value-%d-%s" % (i, "x" * 40)} for i in range(900)]
    vols = [{"name": "v%d" % i, "emptyDir": {}} for i in range(56)]
    mounts = [{"name": "v%d" % i, "mountPath": "/v/%d" % i} for i in range(56)]
    inits = [C("init-%d" % i, "exit 0") for i in (1, 2, 3)]
    side = SC("side-1", forever())
    logm = {"name": "log", "mountPath": "/log"}
    logv = {"name": "log", "hostPath": {"path": s.host("wholephase"), "type": "DirectoryOrCreate"}}
    apps = [C("app-%d" % i, forever(), env=env, volumeMounts=[logm] + mounts) for i in range(1, 7)]
    p = s.pod("wholephase", grace=3, init=inits + [side], apps=apps, volumes=[logv] + vols)
    st = None
    seen, bad, polls = set(), [], 0
    deadline = time.time() + 30
    while time.time() < deadline:
        st = s.st(p)
        polls += 1
        if not st:
            continue
        seen.add(phase(st))
        probs = snapshot_problems(st, 6)
        if probs:
            bad.append((polls, probs, summary(st)))
        apps_st = st.get("status", {}).get("containerStatuses", [])
        if len(apps_st) == 6 and all(state_of(c)[0] == "running" and c.get("ready") for c in apps_st):
            break
    s.notes.append("%d snapshots, phases seen: %s" % (polls, ", ".join(sorted(x for x in seen if x))))
    s.check(not bad, "snapshots that contradict themselves: %s" % "; ".join(
        "#%d %s [%s]" % (n, ", ".join(pr), sm) for n, pr, sm in bad[:4]))
    s.eq(phase(st), "Running", "phase once every app container runs")
    s.check("Pending" in seen, "no snapshot showed Pending (polled too late to see the start)")


@scenario("probes-http-tcp", [13, 14, 19], weight=10)
def _(s):
    side = SC("side-1", "httpd -p 9090 -h /tmp; " + forever(),
              readinessProbe={"tcpSocket": {"port": 9090}, "periodSeconds": 1})
    app = C("app-1", "mkdir -p /log/www; httpd -p 8080 -h /log/www; " + forever(),
            ports=[{"name": "http", "containerPort": 8080}],
            readinessProbe={"httpGet": {"path": "/healthz", "port": "http"}, "periodSeconds": 1, "failureThreshold": 1},
            livenessProbe={"tcpSocket": {"port": 8080}, "periodSeconds": 1, "failureThreshold": 2})
    p = s.pod("probehttp", grace=3, init=[side], apps=[app])
    s.wait(lambda: cstat(s.st(p), "side-1").get("ready"), 15, "side-1 ready (tcpSocket probe)")
    time.sleep(1.5)
    st = s.st(p)
    s.eq((cstat(st, "app-1").get("ready"), cond(st, "Ready")), (False, "False"), "(app-1 ready, Ready) while /healthz is 404")
    with open(os.path.join(s.host(p), "www", "healthz"), "w") as f:
        f.write("ok\n")
    s.wait(lambda: cond(s.st(p), "Ready") == "True", 6, "Ready once /healthz answers 200")
    os.unlink(os.path.join(s.host(p), "www", "healthz"))
    s.wait(lambda: cond(s.st(p), "Ready") == "False", 6, "not Ready once /healthz answers 404 again")
    st = s.st(p)
    s.eq((cstat(st, "app-1").get("restartCount"), cstat(st, "side-1").get("restartCount")), (0, 0),
         "restartCounts (the tcpSocket liveness probe passes)")
    s.check(any("Readiness probe failed" in e and "404" in e for e in s.events(p, "app-1", "Unhealthy")),
            "no 'Readiness probe failed ... 404' event")


@scenario("grace-zero", [21, 23], weight=8)
def _(s):
    # terminationGracePeriodSeconds 0: the budget is spent at once; every container
    # gets SIGTERM together, SIGKILL follows at least 2 s later
    p = s.pod("gracezero", grace=0, init=[SC("side-1", forever(0.2))], apps=[C("app-1", ignore_term())])
    s.wait(lambda: cond(s.st(p), "Ready") == "True", 20, "Ready")
    t0 = s.delete(p)
    t_end, ph = s.wait_gone(p, 10)
    L = s.log(p)
    s.within(L.first("app-1", "TERM") - t0 if L.first("app-1", "TERM") else None, -0.05, 1, "app-1 SIGTERM")
    s.within(L.first("side-1", "TERM") - t0 if L.first("side-1", "TERM") else None, -0.05, 1,
             "side-1 SIGTERM (budget 0: together with the app)")
    s.within(t_end - t0, 1.8, 3.2, "end (app-1 SIGKILL 2 s after its SIGTERM)")


# ===========================================================================
# Phase and conditions (rules 15-19)


@scenario("conditions-by-stage", [15, 19], weight=14)
def _(s):
    init1 = C("init-1", "t Starting; while [ ! -f /log/go-init ]; do sleep 0.2; done; t Exiting; exit 0")
    side = SC("side-1", forever(), readinessProbe={"exec": {"command": ["test", "-f", "/log/side-ready"]},
                                                   "periodSeconds": 1, "failureThreshold": 1})
    app = C("app-1", forever(), readinessProbe={"exec": {"command": ["test", "-f", "/log/app-ready"]},
                                                "periodSeconds": 1, "failureThreshold": 1})
    p = s.pod("conds", grace=3, init=[init1, side], apps=[app])

    def conds(st):
        return (phase(st), cond(st, "PodScheduled"), cond(st, "Initialized"), cond(st, "ContainersReady"), cond(st, "Ready"))
    s.wait_log(p, "init-1", "Starting", timeout=20)
    time.sleep(0.5)
    s.eq(conds(s.st(p)), ("Pending", "True", "False", "False", "False"), "(phase, PodScheduled, Initialized, ContainersReady, Ready) during init")
    s.flag(p, "go-init")
    s.wait_log(p, "app-1", "Starting", timeout=10)
    time.sleep(0.5)
    s.eq(conds(s.st(p)), ("Running", "True", "True", "False", "False"), "... after init, nothing ready")
    s.flag(p, "app-ready")
    s.wait(lambda: cstat(s.st(p), "app-1").get("ready"), 6, "app-1 ready")
    time.sleep(0.3)
    s.eq(conds(s.st(p)), ("Running", "True", "True", "False", "False"), "... app ready, sidecar not")
    s.flag(p, "side-ready")
    s.wait(lambda: cond(s.st(p), "Ready") == "True", 6, "Ready")
    s.eq(conds(s.st(p)), ("Running", "True", "True", "True", "True"), "... everything ready")
    s.flag(p, "app-ready", False)
    s.wait(lambda: cond(s.st(p), "Ready") == "False", 6, "not Ready after app-1's readiness fails")
    s.eq(conds(s.st(p)), ("Running", "True", "True", "False", "False"), "... app not ready")


@scenario("phase-running-while-app-starting", [15, 19], weight=10)
def _(s):
    # getPhase: once initialization is over, a running app container makes the pod
    # Running, whether or not its startup probe has passed yet
    app = C("app-1", "t Starting; trap 't TERM; t Exiting; exit 0' TERM; (sleep 4; touch /tmp/up) & " + LOOP,
            startupProbe={"exec": {"command": ["test", "-f", "/tmp/up"]}, "periodSeconds": 1, "failureThreshold": 30})
    p = s.pod("appstarting", grace=3, init=[C("init-1", run(0)), SC("side-1", forever())], apps=[app])
    s.wait_log(p, "app-1", "Starting", timeout=20)
    s.sleep_until(s.log(p).first("app-1", "Starting") + 1.5)
    st = s.st(p)
    c = cstat(st, "app-1")
    s.eq((state_of(c)[0], c.get("started")), ("running", False), "app-1 (state, started) before its startup probe passes")
    s.eq(cond(st, "Initialized"), "True", "Initialized (every init entry done)")
    s.eq(phase(st), "Running", "phase with the app container running (not yet Started)")
    s.wait(lambda: cstat(s.st(p), "app-1").get("started"), 10, "app-1 started")
    s.eq(phase(s.st(p)), "Running", "phase after app-1 Started")


@scenario("E-delete-while-sidecar-starting", [18, 20, 22], weight=10)
def _(s):
    # spec scenario E; e2e "should not hang in termination if terminated during initialization"
    side2 = SC("side-2", forever(0.3), startupProbe={"exec": {"command": ["false"]}, "periodSeconds": 1,
                                                     "failureThreshold": 100})
    p = s.pod("delstarting", grace=20, init=[SC("side-1", forever(1.2)), side2, C("init-3", run(0))],
              apps=[C("app-1", forever())])
    s.wait_log(p, "side-2", "Starting", timeout=20)
    s.sleep_until(s.log(p).first("side-2", "Starting") + 1.5)
    s.eq(cstat(s.st(p), "side-2").get("started"), False, "side-2 started")
    t0 = s.delete(p)
    s.sleep_until(t0 + 0.9)
    st = s.st(p)
    if st:
        s.eq((phase(st), cond(st, "Initialized")), ("Pending", "False"),
             "(phase, Initialized) while the pod deleted during initialization terminates")
    t_end, ph = s.wait_gone(p, 15)
    time.sleep(1)
    L = s.log(p)
    s.within(t_end - t0, 0, 5, "termination time (grace 20 s: well within it)")
    s.order(L, [("side-2", "TERM"), ("side-2", "Exiting"), ("side-1", "TERM"), ("side-1", "Exiting")])
    s.never(L, "init-3")
    s.never(L, "app-1")
    s.eq(ph, "Failed", "terminal phase of a pod deleted before any app ran")


@scenario("delete-during-plain-init", [18, 20], weight=8)
def _(s):
    p = s.pod("delinit", grace=10, init=[C("init-1", forever(1.5)), SC("side-2", forever())],
              apps=[C("app-1", forever())])
    s.wait_log(p, "init-1", "Starting", timeout=20)
    time.sleep(0.5)
    t0 = s.delete(p)
    s.sleep_until(t0 + 0.7)
    st = s.st(p)
    if st:
        s.eq((phase(st), cond(st, "Initialized")), ("Pending", "False"),
             "(phase, Initialized) while the pod deleted during initialization terminates")
    t_end, ph = s.wait_gone(p, 12)
    time.sleep(1)
    L = s.log(p)
    s.order(L, [("init-1", "TERM"), ("init-1", "Exiting")])
    s.within(t_end - t0, 1.4, 3.5, "termination time")
    s.never(L, "side-2")
    s.never(L, "app-1")
    s.eq(ph, "Failed", "terminal phase")


@scenario("terminal-phase-stable", [16, 18, 20], weight=10)
def _(s):
    side = "t Starting; trap 't TERM; t Exiting; exit 1' TERM; " + LOOP
    pa = s.pod("stableok", restart="Never", init=[SC("side-1", side)], apps=[C("app-1", run(0.5))])
    pb = s.pod("stablefail", restart="Never", init=[SC("side-1", side)], apps=[C("app-1", run(0.5, code=1))])
    s.wait_phase(pa, ("Succeeded", "Failed"), 20)
    s.wait_phase(pb, ("Succeeded", "Failed"), 20)
    seen = {pa: set(), pb: set()}
    end = time.time() + 4
    while time.time() < end:
        for p in (pa, pb):
            seen[p].add(phase(s.st(p)))
        time.sleep(0.4)
    s.eq(seen[pa], {"Succeeded"}, "phases of %s after completion" % pa)
    s.eq(seen[pb], {"Failed"}, "phases of %s after completion" % pb)
    for p in (pa, pb):
        L = s.log(p)
        s.eq((L.count("side-1", "Starting"), L.count("app-1", "Starting")), (1, 1),
             "%s (side-1 runs, app-1 runs): nothing restarts once terminating" % p)
        s.eq(cstat(s.st(p), "side-1").get("restartCount"), 0, "%s side-1 restartCount" % p)


# ===========================================================================
# Termination (rules 20-25)


@scenario("B-delete-reverse-two-sidecars", [20, 21, 22], weight=10)
def _(s):
    p = s.pod("delrev2", grace=30, init=[SC("side-1", forever(0.5)), SC("side-2", forever(0.5))],
              apps=[C("app-1", forever(0.5))])
    s.wait(lambda: cond(s.st(p), "Ready") == "True", 20, "Ready")
    t0 = s.delete(p)
    t_end, ph = s.wait_gone(p, 20)
    L = s.log(p)
    s.order(L, [("app-1", "TERM"), ("app-1", "Exiting"), ("side-2", "TERM"), ("side-2", "Exiting"),
                ("side-1", "TERM"), ("side-1", "Exiting")])
    s.within(L.first("app-1", "TERM") - t0 if L.first("app-1", "TERM") else None, -0.05, 1, "app-1 SIGTERM after delete")
    s.within(t_end - t0, 1.4, 4.5, "termination time (3 x 0.5 s exits, in sequence)")
    s.eq(ph, "Succeeded", "terminal phase (every app exited 0)")


@scenario("delete-reverse-three-sidecars-two-apps", [21, 22], weight=10)
def _(s):
    p = s.pod("delrev3", grace=30,
              init=[SC("side-1", forever(0.4)), SC("side-2", forever(0.4)), SC("side-3", forever(0.4))],
              apps=[C("app-1", forever(0.2)), C("app-2", forever(1.0))])
    s.wait(lambda: cond(s.st(p), "Ready") == "True", 20, "Ready")
    t0 = s.delete(p)
    t_end, ph = s.wait_gone(p, 20)
    L = s.log(p)
    a1, a2 = L.first("app-1", "TERM"), L.first("app-2", "TERM")
    if a1 and a2:
        s.within(abs(a1 - a2), 0, 0.5, "app-1 and app-2 get SIGTERM together")
        s.within(max(a1, a2) - t0, -0.05, 1, "apps' SIGTERM after delete")
    s.order(L, [("app-2", "Exiting"), ("side-3", "TERM"), ("side-3", "Exiting"), ("side-2", "TERM"),
                ("side-2", "Exiting"), ("side-1", "TERM"), ("side-1", "Exiting")])
    s.before(L.first("app-1", "Exiting"), L.first("side-3", "TERM"), "side-3 after app-1 exited")
    s.eq(ph, "Succeeded", "terminal phase")


@scenario("sidecar-ignores-sigterm", [16, 23, 24], weight=10)
def _(s):
    p = s.pod("sideignore", restart="Never", grace=4, init=[SC("side-1", ignore_term())], apps=[C("app-1", run(1))])
    s.wait_log(p, "app-1", "Exiting", timeout=20)
    t_done = s.wait(lambda: now() if phase(s.st(p)) in ("Succeeded", "Failed") else None, 12,
                    "a terminal phase", interval=0.1)
    st = s.st(p)
    L = s.log(p)
    t0 = L.first("app-1", "Exiting")
    s.within(L.first("side-1", "TERM") - t0 if L.first("side-1", "TERM") else None, 0, 1, "side-1 SIGTERM after app-1 exited")
    s.within(t_done - t0, 3.4, 5.6, "side-1 SIGKILLed at about the grace period (4 s) after termination began")
    s.eq(phase(st), "Succeeded", "phase")
    c = cstat(st, "side-1")
    s.eq((term(c).get("exitCode"), term(c).get("reason")), (137, "Error"), "side-1 terminated")


@scenario("grace-exhausted-sigterm-then-sigkill", [21, 23], weight=10)
def _(s):
    p = s.pod("graceout", grace=3, init=[SC("side-1", ignore_term())], apps=[C("app-1", ignore_term())])
    s.wait(lambda: cond(s.st(p), "Ready") == "True", 20, "Ready")
    t0 = s.delete(p)
    t_end, ph = s.wait_gone(p, 15)
    L = s.log(p)
    s.within(L.first("app-1", "TERM") - t0 if L.first("app-1", "TERM") else None, -0.05, 1, "app-1 SIGTERM")
    s.within(L.first("side-1", "TERM") - t0 if L.first("side-1", "TERM") else None, 2.5, 4.0,
             "side-1 SIGTERM when the grace budget (3 s) runs out")
    s.within(t_end - t0, 4.3, 6.8, "end of termination (side-1 SIGKILL >= 2 s after its SIGTERM)")
    for c in ("app-1", "side-1"):
        s.check(any("exited with code 137" in e for e in s.events(p, c)), "%s did not die of SIGKILL (137)" % c)


@scenario("prestop-fails", [21, 24], weight=10)
def _(s):
    # e2e "The restartable init containers exit with non-zero exit code by prestop hook"
    pa = s.pod("psfailside", restart="Never", init=[SC("side-1", forever(0.2), lifecycle={"preStop": execp("side-1", "t PreStop; exit 1")})],
               apps=[C("app-1", run(1))])
    pb = s.pod("psfailapp", grace=10, init=[SC("side-1", forever(0.2))],
               apps=[C("app-1", forever(0.2), lifecycle={"preStop": {"httpGet": {"path": "/", "port": 8080}}})])
    st = s.wait_phase(pa, ("Succeeded", "Failed"), 20)
    L = s.log(pa)
    s.eq(phase(st), "Succeeded", "%s phase" % pa)
    s.check(bool(s.events(pa, "side-1", "FailedPreStopHook")), "no FailedPreStopHook event for %s/side-1" % pa)
    s.within(L.first("side-1", "TERM") - L.first("side-1", "PreStop") if L.first("side-1", "TERM") and L.first("side-1", "PreStop") else None,
             0, 1, "side-1 SIGTERM right after its failed preStop")
    c = cstat(st, "side-1")
    s.eq((term(c).get("exitCode"), term(c).get("reason")), (0, "Completed"), "%s side-1 terminated" % pa)
    s.wait(lambda: cond(s.st(pb), "Ready") == "True", 20, "%s Ready" % pb)
    t0 = s.delete(pb)
    t_end, ph = s.wait_gone(pb, 15)
    L = s.log(pb)
    s.check(bool(s.events(pb, "app-1", "FailedPreStopHook")), "no FailedPreStopHook event for %s/app-1 (httpGet to a closed port)" % pb)
    s.within(L.first("app-1", "TERM") - t0 if L.first("app-1", "TERM") else None, -0.05, 1.5, "app-1 SIGTERM after its failed preStop")
    s.within(t_end - t0, 0, 4, "termination time")


@scenario("prestop-outlasts-grace", [21, 23], weight=10)
def _(s):
    # e2e "should mark pod as failed if any of the prestop hook in regular container has exceeded its termination grace period seconds"
    app = C("app-1", ignore_term(), lifecycle={"preStop": execp("app-1", "t PreStopBegin; sleep 30; t PreStopEnd")})
    p = s.pod("pslong", grace=3, init=[SC("side-1", forever(0.2))], apps=[app])
    s.wait(lambda: cond(s.st(p), "Ready") == "True", 20, "Ready")
    t0 = s.delete(p)
    t_end, ph = s.wait_gone(p, 15)
    L = s.log(p)
    s.within(L.first("app-1", "PreStopBegin") - t0 if L.first("app-1", "PreStopBegin") else None, -0.05, 1, "preStop start")
    s.eq(L.count("app-1", "PreStopEnd"), 0, "preStop ends (it is cut at the grace period)")
    s.within(L.first("app-1", "TERM") - t0 if L.first("app-1", "TERM") else None, 2.6, 4.0,
             "app-1 SIGTERM (after its preStop, at the end of the 3 s grace)")
    s.within(t_end - t0, 4.3, 6.8, "end of termination (grace + ~2 s)")
    s.check(any("exited with code 137" in e for e in s.events(p, "app-1")), "app-1 did not die of SIGKILL")
    s.eq(ph, "Failed", "terminal phase (app-1 SIGKILLed)")


@scenario("prestop-parallel", [21, 22], weight=10)
def _(s):
    # e2e "should call sidecar container PreStop hook simultaneously"
    hook = lambda n: {"preStop": execp(n, "t PreStopBegin; sleep 2; t PreStopEnd")}
    p = s.pod("psparallel", grace=15,
              init=[SC("side-1", forever(0.2), lifecycle=hook("side-1")),
                    SC("side-2", forever(0.2), lifecycle={"preStop": {"sleep": {"seconds": 2}}})],
              apps=[C("app-1", forever(0.2), lifecycle=hook("app-1"))])
    s.wait(lambda: cond(s.st(p), "Ready") == "True", 20, "Ready")
    t0 = s.delete(p)
    t_end, ph = s.wait_gone(p, 15)
    L = s.log(p)
    sb, ab = L.first("side-1", "PreStopBegin"), L.first("app-1", "PreStopBegin")
    se, ae = L.first("side-1", "PreStopEnd"), L.first("app-1", "PreStopEnd")
    if s.check(None not in (sb, ab, se, ae), "missing preStop lines"):
        s.within(max(sb, ab) - t0, -0.05, 1, "both preStop hooks start at deletion")
        s.check(sb < ae and ab < se, "the preStop hooks of side-1 and app-1 do not overlap")
    s.before(ae, L.first("app-1", "TERM"), "app-1 SIGTERM after its preStop")
    s.within(L.first("side-2", "TERM") - t0 if L.first("side-2", "TERM") else None, 1.9, 3.5,
             "side-2 SIGTERM (after its 2 s sleep preStop, which ran from deletion)")
    s.order(L, [("app-1", "Exiting"), ("side-2", "TERM"), ("side-2", "Exiting"), ("side-1", "TERM")])
    s.before(se, L.first("side-1", "TERM"), "side-1 SIGTERM after its preStop")
    s.within(t_end - t0, 1.9, 4.5, "termination time (hooks in parallel)")


@scenario("sigkill-whole-cgroup", [23, 25], weight=10)
def _(s):
    child = "( trap 't ChildTERM' TERM; while true; do t HB; sleep 0.2; done ) & "
    a1 = C("app-1", "t Starting; " + child + "trap 't TERM' TERM; " + LOOP)
    a2 = C("app-2", "t Starting; " + child + "trap 't TERM; t Exiting; exit 0' TERM; " + LOOP)
    p = s.pod("cgkill", grace=3, apps=[a1, a2])
    s.wait(lambda: s.log(p).count("app-1", "HB") >= 3 and s.log(p).count("app-2", "HB") >= 3, 20, "heartbeats")
    t0 = s.delete(p)
    t_end, ph = s.wait_gone(p, 15)
    time.sleep(1)
    L = s.log(p)
    s.eq((L.count("app-1", "ChildTERM"), L.count("app-2", "ChildTERM")), (0, 0),
         "SIGTERMs seen by the children (SIGTERM goes to the main process only)")
    s.eq((L.count("app-1", "TERM"), L.count("app-2", "TERM")), (1, 1), "SIGTERMs seen by the main processes")
    s.before(L.last("app-2", "HB"), (L.first("app-2", "Exiting") or 0) + 0.5,
             "app-2's child is gone when its main process exits")
    s.within(L.last("app-1", "HB") - t0 if L.last("app-1", "HB") else None, 2.2, 3.8,
             "app-1's child lives until the SIGKILL at grace (3 s)")
    s.before(L.last("app-1", "HB"), t_end + 0.3, "app-1's child is gone when the pod is")


@scenario("no-restart-during-termination", [20], weight=10)
def _(s):
    p = s.pod("norestartterm", grace=10, init=[SC("side-1", forever(2.0)), SC("side-2", forever(code=1))],
              apps=[C("app-1", forever(code=1)), C("app-2", "t Starting; t Exiting; exit 1")])
    s.wait(lambda: cstat(s.st(p), "app-1").get("ready") and s.log(p).count("app-2", "Starting") >= 3, 20,
           "app-1 ready and app-2 crash-looping")
    t0 = s.delete(p)
    # podinit has the deletion once podctl returns; a back-off that ran out
    # while podctl was still starting may restart app-2 just before that, and
    # its "Starting" line can come a few ms later: only later starts count
    t_ack = now() + 0.1
    t_end, ph = s.wait_gone(p, 15)
    time.sleep(0.5)
    L = s.log(p)
    started = [e for e in L.after(t_ack) if e[1] == "Starting"]
    s.eq(started, [], "containers started after podinit had the deletion")
    s.within(t_end - t0, 1.8, 4.5, "termination time")


@scenario("exit-reasons-signals", [24], weight=8)
def _(s):
    apps = [C("ok", "t Starting; exit 0"), C("err", "t Starting; exit 3"),
            C("selfterm", "t Starting; sleep 0.5; kill -TERM $$$$; sleep 5"),
            C("selfkill", "t Starting; sleep 0.5; kill -KILL $$$$; sleep 5")]
    p = s.pod("exitreasons", restart="Never", grace=3, apps=apps, shareProcessNamespace=True)
    st = s.wait_phase(p, ("Succeeded", "Failed"), 20)
    s.eq(phase(st), "Failed", "phase")
    for n, code, reason in (("ok", 0, "Completed"), ("err", 3, "Error"), ("selfterm", 143, "Error"),
                            ("selfkill", 137, "Error")):
        t = term(cstat(st, n))
        s.eq((t.get("exitCode"), t.get("reason")), (code, reason), "%s terminated (exitCode, reason)" % n)


# ===========================================================================
# Device specifics (rules 26-28)


@scenario("cold-boot-restarts-pod-from-the-top", [26, 27], weight=30, own=True)
def _(s):
    # e2e "A node running restartable init containers reboots: should restart the containers in right order"
    inst = s.new_instance("coldboot")
    s.inst = inst
    p = s.pod("coldboot", inst=inst, grace=3, init=[C("init-1", run(0.5)), SC("side-2", forever(0.2)), C("init-3", run(0.5))],
              apps=[C("app-1", forever(0.2))])
    s.wait_log(p, "app-1", "Starting", timeout=20)
    s.wait(lambda: phase(inst.get(p)) == "Running", 5, "Running")
    uid1 = (inst.get(p) or {}).get("metadata", {}).get("uid")
    t_k = now()
    inst.kill()
    s.check(not inst.alive(), "podinit survived SIGKILL")
    if not inst.start():
        raise Fail("podinit did not start again on the same directories: %s" % " | ".join(inst.events()[-5:]))
    s.wait_log(p, "app-1", "Starting", n=2, timeout=25)
    time.sleep(0.5)
    L = s.log(p)
    second = Log.__new__(Log)
    second.ev = L.after(t_k)
    s.order(second, [("init-1", "Starting"), ("init-1", "Exiting"), ("side-2", "Starting"), ("init-3", "Starting"),
                     ("init-3", "Exiting"), ("app-1", "Starting")])
    for n in ("init-1", "side-2", "init-3", "app-1"):
        s.eq(L.count(n, "Starting"), 2, "%s runs (once per boot)" % n)
    st = inst.get(p)
    s.eq(phase(st), "Running", "phase after the second boot")
    s.eq(cond(st, "Initialized"), "True", "Initialized after the second boot")
    s.notes.append("uid before %s, after %s" % (uid1, (st or {}).get("metadata", {}).get("uid")))
    # shutdown by SIGTERM to PID 1 (rule 27): the app first, then the sidecar
    t_s = now()
    rc = inst.stop(20, how=signal.SIGTERM)
    s.eq(rc, 0, "podinit's exit status after SIGTERM")
    L = s.log(p)
    s.before(t_s, L.last("app-1", "TERM"), "app-1 SIGTERM at shutdown")
    s.before(L.last("app-1", "Exiting"), L.last("side-2", "TERM"), "side-2 SIGTERM after app-1 exited at shutdown")


@scenario("poweroff-pods-in-parallel", [27], weight=20, own=True)
def _(s):
    inst = s.new_instance("poweroff")
    s.inst = inst
    pods = [s.pod(n, inst=inst, grace=3, init=[SC("side-1", forever(0.2))], apps=[C("app-1", ignore_term())])
            for n in ("pwr-a", "pwr-b")]
    for p in pods:
        s.wait(lambda: cond(inst.get(p), "Ready") == "True", 20, "%s Ready" % p)
    t0 = now()
    rc, out, err = inst.ctl("poweroff", timeout=10)
    try:
        inst.proc.wait(20)
    except subprocess.TimeoutExpired:
        pass
    t_end = now()
    s.check(not inst.alive(), "podinit still running 20 s after poweroff")
    s.eq(inst.proc.returncode, 0, "podinit's exit status after poweroff")
    s.within(t_end - t0, 2.7, 5.8, "poweroff time (pods stop in parallel: grace 3 s + SIGKILL; in sequence > 6.4 s)")
    for p in pods:
        L = s.log(p)
        s.within(L.first("app-1", "TERM") - t0 if L.first("app-1", "TERM") else None, -0.05, 1, "%s app-1 SIGTERM" % p)
        s.within(L.first("side-1", "TERM") - t0 if L.first("side-1", "TERM") else None, 2.5, 4.2,
                 "%s side-1 SIGTERM (when the app is SIGKILLed at grace)" % p)
    s.check(any("every pod is stopped" in e for e in inst.events()), "no 'every pod is stopped' event")


@scenario("manifest-change-recreates-pod", [20, 22, 28], weight=14)
def _(s):
    def make(version):
        return s.pod("mchange", grace=10, init=[C("init-1", run(0)), SC("side-1", forever(0.3))],
                     apps=[C("app-1", "t Version$VERSION; " + forever(0.3), env=[{"name": "VERSION", "value": version}])])
    p = make("1")
    s.wait(lambda: cond(s.st(p), "Ready") == "True", 20, "Ready")
    uid1 = s.st(p)["metadata"]["uid"]
    t0 = now()
    make("2")
    s.wait_log(p, "app-1", "Version2", timeout=20)
    s.wait(lambda: cond(s.st(p), "Ready") == "True", 10, "Ready again")
    L = s.log(p)
    st = s.st(p)
    s.order(L, [("app-1", "TERM"), ("app-1", "Exiting"), ("side-1", "TERM"), ("side-1", "Exiting")])
    s.before(L.first("side-1", "Exiting"), L.times("init-1", "Starting")[1] if L.count("init-1", "Starting") > 1 else None,
             "the new pod starts (init-1 again) only after the old one is gone")
    s.before(t0, L.first("app-1", "TERM"), "the old pod is stopped after the change")
    s.check(st["metadata"]["uid"] != uid1, "the pod's uid did not change with its spec")
    for n in ("init-1", "side-1", "app-1"):
        s.eq(cstat(st, n).get("restartCount"), 0, "%s restartCount in the new pod" % n)
    # an identical rewrite touches nothing
    n_lines = len(L.ev)
    t1 = now()
    make("2")
    time.sleep(3)
    L = s.log(p)
    s.eq(L.ev[n_lines:], [], "log lines after rewriting an unchanged manifest")
    s.eq(s.st(p)["metadata"]["uid"], st["metadata"]["uid"], "uid after rewriting an unchanged manifest")


# ===========================================================================


def make_images(store):
    r = os.path.join(store, "docker.io/library/busybox/latest/rootfs")
    for d in ("bin", "etc", "proc", "sys", "dev", "tmp"):
        os.makedirs(os.path.join(r, d), exist_ok=True)
    os.chmod(os.path.join(r, "tmp"), 0o1777)
    shutil.copy2("/bin/busybox", os.path.join(r, "bin/busybox"))
    apps = subprocess.run(["/bin/busybox", "--list"], capture_output=True, text=True).stdout.split()
    for a in apps:
        if a != "busybox" and "/" not in a:
            try:
                os.symlink("busybox", os.path.join(r, "bin", a))
            except FileExistsError:
                pass
    with open(os.path.join(r, "etc/passwd"), "w") as f:
        f.write("root:x:0:0:root:/root:/bin/sh\n")
    with open(os.path.join(r, "etc/group"), "w") as f:
        f.write("root:x:0:\n")


def main():
    global BIN, PODCTL, WORK, IMAGES
    args = sys.argv[1:]
    if args and args[0] == "--list":
        for sc in SCENARIOS:
            print("%s (rules %s)" % (sc["name"], ",".join(map(str, sc["rules"]))))
        return 0
    if not args:
        print("usage: lifecycle.py PODINIT [SCENARIO...]", file=sys.stderr)
        return 2
    BIN = os.path.realpath(args[0])
    want = args[1:]
    names = [sc["name"] for sc in SCENARIOS]
    for w in want:
        if w not in names:
            print("unknown scenario: %s" % w, file=sys.stderr)
            return 2
    selected = [sc for sc in SCENARIOS if not want or sc["name"] in want]
    WORK = tempfile.mkdtemp(prefix="podinit-lifecycle.")
    os.makedirs(os.path.join(WORK, "bin"))
    PODCTL = os.path.join(WORK, "bin", "podctl")
    os.symlink(BIN, PODCTL)
    IMAGES = os.path.join(WORK, "images")
    make_images(IMAGES)
    # SIGTERM/SIGHUP: clean up like an interrupt
    def on_signal(sig, frame):
        raise KeyboardInterrupt
    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGHUP, on_signal)

    t_start = time.time()
    passed = failed = 0
    main_inst = None
    try:
        if any(not sc["own"] for sc in selected):
            main_inst = Instance("main", "1s,4s,60s")
            if not main_inst.start():
                print("not ok - the shared podinit instance did not start")
                for line in main_inst.events()[-10:]:
                    print("#   " + line)
                print("0 passed, 1 failed, 0 skipped")
                return 1
        jobs = int(os.environ.get("LIFECYCLE_JOBS", "10"))
        order = sorted(selected, key=lambda sc: -sc["weight"])
        ex = concurrent.futures.ThreadPoolExecutor(max_workers=jobs)
        try:
            futs = {ex.submit(run_scenario, sc, main_inst): sc for sc in order}
            for fut in concurrent.futures.as_completed(futs):
                sc = futs[fut]
                s, secs, diag = fut.result()
                report(sc, s, secs, diag)
                if s.fails:
                    failed += 1
                else:
                    passed += 1
        except KeyboardInterrupt:
            STOP.set()
            for inst in list(INSTANCES):
                inst.kill()
            ex.shutdown(wait=False, cancel_futures=True)
            raise
        ex.shutdown(wait=True)
        if main_inst:
            # every pod of the shared instance stops, by the rules, at poweroff (rule 27)
            s = S("shutdown-shared-instance", main_inst)
            t0 = time.time()
            rc = main_inst.stop(60)
            s.eq(rc, 0, "podinit's exit status after poweroff")
            s.check(any("every pod is stopped" in e for e in main_inst.events()), "no 'every pod is stopped' event")
            left = main_inst.cleanup()
            s.check(not left, "cgroups left after podinit exited: %s" % " ".join(left))
            diag = [] if not s.fails else main_inst.events()[-20:]
            report({"name": s.name, "rules": [27]}, s, time.time() - t0, diag)
            if s.fails:
                failed += 1
            else:
                passed += 1
    except KeyboardInterrupt:
        STOP.set()
        print("# interrupted")
        failed += 1
    finally:
        STOP.set()
        for inst in list(INSTANCES):
            try:
                if inst.alive():
                    inst.kill()
                cg_remove(inst.cg)
            except Exception:
                pass
        if os.environ.get("LIFECYCLE_KEEP"):
            print("# kept %s" % WORK)
        else:
            shutil.rmtree(WORK, ignore_errors=True)
    print("# total time %.0f s" % (time.time() - t_start))
    print("%d passed, %d failed, 0 skipped" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
