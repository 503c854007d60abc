#!/usr/bin/env python3
"""rootfs/demo.py - the founding example on the emulated qemu-virt-arm64 board (make demo).

Called by `make demo` once the board's podinit, its image store and the kernel are built:

    rootfs/demo.py BUILD_DIR IMAGES_DISK

It serves a small site over git:// from the host's loopback ("This is version 1.0"),
boots the board in 128 MiB with the images disk and host loopback ports forwarded to
the board's port 80 and to its Kubernetes API (podinit.api=0.0.0.0:6443), and applies
docs/initsidecar.yml with only GIT_SYNC_REPO pointed at that repository: with the real
kubectl from the host (build/test/kubectl, or $KUBECTL; the kubeconfig from the console's
`kubeconfig --server`), else with podctl at the board's console. It prints every step:
apply's output, `get pods`, `describe pod git-sync` (the sidecar started before the app),
the page as the Service serves it, git-sync's logs, the page read inside ctr-web with
`kubectl exec`, the commit of "This is version 2.0", and the page again once git-sync
has synced. Then it leaves you at the board's `podinit> ` prompt, the page still served on
the forwarded port (Ctrl-] ends the demo); with DEMO_BATCH=1 it powers the board off
and exits: 0 when every step worked.

Every wait is bounded; the host only talks to its own loopback.
"""
import os
import re
import select
import shutil
import socket
import subprocess
import sys
import termios
import threading
import time
import tty
import urllib.request

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BOARD = "qemu-virt-arm64"
MEM = os.environ.get("DEMO_MEM", "128")
BATCH = os.environ.get("DEMO_BATCH", "") not in ("", "0")
MANIFEST_ON_BOARD = "/etc/podinit/demo/initsidecar.yml"


def say(text):
    print("demo: " + text, flush=True)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def git(cwd, *args):
    env = dict(os.environ, GIT_AUTHOR_NAME="demo", GIT_AUTHOR_EMAIL="demo@podinit.invalid",
               GIT_COMMITTER_NAME="demo", GIT_COMMITTER_EMAIL="demo@podinit.invalid")
    subprocess.run(["git", "-c", "init.defaultBranch=master", *args], cwd=cwd, env=env, check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def make_site(build):
    """build/demo/site (a work tree) pushing to build/demo/git/site.git (what git daemon serves)."""
    site, bare = os.path.join(build, "site"), os.path.join(build, "git", "site.git")
    shutil.rmtree(site, ignore_errors=True)
    shutil.rmtree(os.path.dirname(bare), ignore_errors=True)
    os.makedirs(site)
    os.makedirs(bare)
    git(bare, "init", "--bare", "-q")
    git(site, "init", "-q")
    with open(os.path.join(site, "index.html"), "w") as f:
        f.write("<html><body><h1>This is version 1.0</h1></body></html>\n")
    with open(os.path.join(site, "README.md"), "w") as f:
        f.write("The site of podinit's founding example.\n")
    git(site, "add", ".")
    git(site, "commit", "-q", "-m", "version 1.0")
    git(site, "push", "-q", bare, "master")
    return site, bare


def commit_v2(site, bare):
    with open(os.path.join(site, "index.html"), "w") as f:
        f.write("<html><body><h1>This is version 2.0</h1></body></html>\n")
    git(site, "commit", "-q", "-am", "version 2.0")
    git(site, "push", "-q", bare, "master")


def board_vars():
    out = subprocess.run(["bash", "-c", '. rootfs/lib.sh; board_vars "$1"; '
                          'printf "%s\\n" "$QEMU_SYSTEM" "$QEMU_ARGS" "$KERNEL_CMDLINE" "$ARCH" "$KERNEL_PKG_GLOB"',
                          "_", BOARD], cwd=TOP, check=True, capture_output=True, text=True).stdout.splitlines()
    kernel = subprocess.run(["rootfs/fetch.sh", out[3]], cwd=TOP, check=True, capture_output=True, text=True,
                            env=dict(os.environ, KERNEL_PKG_GLOB=out[4])).stdout.strip()
    return out[0], out[1].split(), out[2], kernel


def make_initramfs(build, repo):
    """The board's initramfs: no pod at boot, the founding manifest (GIT_SYNC_REPO
    pointed at repo, nothing else changed) at MANIFEST_ON_BOARD, to apply."""
    text = open(os.path.join(TOP, "docs", "initsidecar.yml")).read()
    text, n = re.subn(r"(- name: GIT_SYNC_REPO\n\s+value: ).*", lambda m: m.group(1) + repo, text)
    if n != 1:
        sys.exit("demo: docs/initsidecar.yml has no GIT_SYNC_REPO value to change")
    manifest = os.path.join(build, "initsidecar.yml")
    with open(manifest, "w") as f:
        f.write(text)
    empty = os.path.join(build, "manifests")
    os.makedirs(empty, exist_ok=True)
    for f in os.listdir(empty):
        os.unlink(os.path.join(empty, f))
    out = os.path.join(build, "initramfs.cpio.gz")
    say("building the board's initramfs")
    r = subprocess.run(["rootfs/mkinitramfs.sh", BOARD, out, empty], cwd=TOP, capture_output=True, text=True,
                       env=dict(os.environ, EXTRA_FILES=f"{manifest}:{MANIFEST_ON_BOARD}"))
    if r.returncode:
        sys.exit("demo: rootfs/mkinitramfs.sh failed:\n" + r.stdout + r.stderr)
    return out


class Console:
    """The board's serial line: everything it prints is kept and shown."""

    def __init__(self, proc, log):
        self.proc, self.log = proc, log
        self.text, self.lock, self.show = "", threading.Lock(), True
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        fd = self.proc.stdout.fileno()
        while True:
            b = os.read(fd, 4096)
            if not b:
                return
            t = b.decode(errors="replace")
            self.log.write(t)
            self.log.flush()
            with self.lock:
                self.text += t
            if self.show:
                sys.stdout.write(t)
                sys.stdout.flush()

    def mark(self):
        with self.lock:
            return len(self.text)

    def wait(self, regex, timeout, start=0):
        end = time.monotonic() + timeout
        while time.monotonic() < end and self.proc.poll() is None:
            with self.lock:
                m = re.search(regex, self.text[start:], re.M)
            if m:
                return m
            time.sleep(0.1)
        return None

    def send(self, text):
        self.proc.stdin.write(text.encode())
        self.proc.stdin.flush()

    def command(self, line, timeout=60):
        """Runs LINE at the prompt: what it printed up to the next prompt."""
        start = self.mark()
        self.send(line + "\n")
        m = self.wait(r"^podinit> ", timeout, start + len(line) + 1)
        with self.lock:
            out = self.text[start:start + len(line) + 1 + (m.start() if m else len(self.text))]
        return out if m else None


def fetch(port):
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5) as r:
            return r.read().decode(errors="replace")
    except OSError as e:
        return f"({e})"


def wait_page(port, want, timeout):
    end, body = time.monotonic() + timeout, ""
    while time.monotonic() < end:
        body = fetch(port)
        if want in body:
            return body
        time.sleep(1)
    return None


def interact(con):
    """The user at the board's console until Ctrl-] (or the board stops)."""
    say("you are at the board's console now (podctl's commands; Ctrl-] ends the demo)")
    con.send("\n")
    stdin = sys.stdin.fileno()
    old = termios.tcgetattr(stdin) if os.isatty(stdin) else None
    try:
        if old:
            tty.setraw(stdin)
        while con.proc.poll() is None:
            r, _, _ = select.select([stdin], [], [], 0.5)
            if not r:
                continue
            b = os.read(stdin, 1024)
            if not b or b"\x1d" in b:
                break
            con.proc.stdin.write(b.replace(b"\r", b"\n") if old else b)
            con.proc.stdin.flush()
    finally:
        if old:
            termios.tcsetattr(stdin, termios.TCSADRAIN, old)


def kubectl_path():
    k = os.environ.get("KUBECTL") or os.path.join(TOP, "build", "test", "kubectl")
    return k if os.access(k, os.X_OK) else None


def kubectl(kc, *args, timeout=90):
    """kubectl ARGS against the board: (status, stdout + stderr)."""
    try:
        r = subprocess.run([kc["bin"], "--kubeconfig", kc["config"], "--cache-dir", kc["cache"], *args],
                           capture_output=True, text=True, timeout=timeout)
        return r.returncode, r.stdout + r.stderr
    except subprocess.TimeoutExpired:
        return 124, f"(kubectl {' '.join(args)}: no answer in {timeout} s)"


def console_kubeconfig(con, port, path):
    """The board's kubeconfig, read at its console, with the forwarded address."""
    out = con.command(f"kubeconfig --server https://127.0.0.1:{port}") or ""
    lines = [l.rstrip("\r") for l in out.splitlines()[1:] if not l.startswith("podinit: ")]
    text = "\n".join(lines).strip() + "\n"
    if "certificate-authority-data:" not in text:
        return None
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as f:
        f.write(text)
    return path


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: rootfs/demo.py BUILD_DIR IMAGES_DISK")
    build, disk = (os.path.abspath(a) for a in sys.argv[1:])
    os.makedirs(build, exist_ok=True)
    failed = []

    def step(good, what, detail=""):
        say(("ok: " if good else "FAILED: ") + what + (("\n" + detail) if detail and not good else ""))
        if not good:
            failed.append(what)
        return good

    site, bare = make_site(build)
    git_port, web_port, api_port = free_port(), free_port(), free_port()
    daemon = subprocess.Popen(["git", "daemon", "--reuseaddr", "--listen=127.0.0.1", f"--port={git_port}",
                               "--export-all", "--base-path=" + os.path.dirname(bare), os.path.dirname(bare)],
                              stdout=subprocess.DEVNULL, stderr=open(os.path.join(build, "git-daemon.log"), "w"),
                              start_new_session=True)  # git daemon forks git-daemon: stop the whole group
    qemu = None
    try:
        for _ in range(50):
            try:
                socket.create_connection(("127.0.0.1", git_port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.1)
        say(f"git daemon serves site.git on 127.0.0.1:{git_port} (the board reaches it as 10.0.2.2:{git_port})")
        initrd = make_initramfs(build, f"git://10.0.2.2:{git_port}/site.git")
        system, args, cmdline, kernel = board_vars()
        args = [a for a in args if a != "-nographic"]
        if "-m" in args:
            args[args.index("-m") + 1] = MEM
        args = [a + f",hostfwd=tcp:127.0.0.1:{web_port}-:80,hostfwd=tcp:127.0.0.1:{api_port}-:6443"
                if a.startswith("user,") else a for a in args]
        cmdline += " podinit.api=0.0.0.0:6443"
        cmd = [system, *args, "-display", "none", "-monitor", "none", "-serial", "stdio", "-parallel", "none",
               "-drive", f"file={disk},if=none,id=images,format=raw,readonly=on",
               "-device", "virtio-blk-pci,drive=images", "-kernel", kernel, "-initrd", initrd, "-append", cmdline]
        say(f"booting {BOARD} in {MEM} MiB; the board's port 80 is forwarded to http://127.0.0.1:{web_port}/, "
            f"its API to https://127.0.0.1:{api_port}")
        t0 = time.monotonic()
        log = open(os.path.join(build, "console.log"), "w")
        qemu = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        con = Console(qemu, log)
        con.show = False
        started = con.wait(r"podinit Starting:", 120)
        step(started is not None, "podinit runs as PID 1 on the board", con.text[-2000:])
        if not started:
            return 1
        mounted = con.wait(r"podinit (ImagesMounted|ImagesUnavailable): .*$", 10)
        step(mounted is not None and mounted.group(1) == "ImagesMounted",
             "the image store is mounted from the disk", mounted.group(0) if mounted else "")
        for _ in range(20):
            con.send("\n")
            if con.wait(r"^podinit> ", 1, con.mark()):
                break
        print()
        kc = None
        if kubectl_path():
            # on a first boot the API makes its keys first (slow under emulation)
            con.wait(r"podinit-api: serving ", 90)
            cfg = console_kubeconfig(con, api_port, os.path.join(build, "kubeconfig"))
            step(cfg is not None, "the board's kubeconfig, read at its console (kubeconfig --server)")
            if cfg:
                kc = dict(bin=kubectl_path(), config=cfg, cache=os.path.join(build, "kube-cache"))
                shutil.rmtree(kc["cache"], ignore_errors=True)
        else:
            say("no kubectl (build/test/kubectl, $KUBECTL): podctl at the board's console does it all")
        if kc:
            manifest = os.path.join(build, "initsidecar.yml")
            say(f"kubectl apply -f {manifest}   (docs/initsidecar.yml, GIT_SYNC_REPO changed)")
            rc, out = kubectl(kc, "apply", "-f", manifest)
            print(out.rstrip())
            step(rc == 0 and "pod/git-sync created" in out and "service/svc-sidecar created" in out,
                 "kubectl apply (from the host): pod/git-sync created, service/svc-sidecar created", out)
        else:
            say(f"podctl apply -f {MANIFEST_ON_BOARD}   (docs/initsidecar.yml, GIT_SYNC_REPO changed)")
            out = con.command(f"apply -f {MANIFEST_ON_BOARD}") or ""
            print("\n".join(l for l in out.splitlines()[1:] if not l.startswith("podinit: ")))
            step("pod/git-sync created" in out and "service/svc-sidecar created" in out,
                 "podctl apply (at the console): pod/git-sync created, service/svc-sidecar created", out)
        say("waiting for the page (git-sync clones, nginx serves the volume)")
        body = wait_page(web_port, "This is version 1.0", 240)
        t_page = time.monotonic() - t0
        step(body is not None, f"the page through the Service, {t_page:.1f} s after the board was started")
        if body:
            say(f"http://127.0.0.1:{web_port}/ says: " + re.sub(r"<[^>]+>", "", body).strip())
        if kc:
            say("kubectl get pods")
            rc, out = kubectl(kc, "get", "pods")
            print(out.rstrip())
            step(rc == 0 and re.search(r"^git-sync\s+2/2\s+Running\s", out, re.M),
                 "kubectl get pods: git-sync 2/2 Running", out)
            say("kubectl describe pod git-sync")
            rc, out = kubectl(kc, "describe", "pod", "git-sync")
            print(out.rstrip())
        else:
            out = con.command("describe pod git-sync") or ""
            print("\n".join(l for l in out.splitlines()[1:] if not l.startswith("podinit: ")))
        step(out.find("ctr-sync") >= 0 and out.find("ctr-sync") < out.find("ctr-web"),
             "describe: the sidecar ctr-sync is listed (and started) before the app ctr-web", out)
        if kc:
            say("kubectl logs git-sync -c ctr-sync --tail 3")
            rc, out = kubectl(kc, "logs", "git-sync", "-c", "ctr-sync", "--tail", "3")
            print(out.rstrip())
            step(rc == 0 and out.strip() != "", "kubectl logs -c ctr-sync: git-sync's lines", out)
            say("kubectl exec git-sync -c ctr-web -- cat /usr/share/nginx/html/index.html")
            rc, out = kubectl(kc, "exec", "git-sync", "-c", "ctr-web", "--", "cat", "/usr/share/nginx/html/index.html")
            print(out.rstrip())
            step(rc == 0 and "This is version 1.0" in out, "kubectl exec into ctr-web: the page nginx serves", out)
        top = con.command("top") or ""
        m = re.search(r"podinit: RSS (\d+) KiB", top)
        if m:
            say(f"podinit's RSS on the board: {m.group(1)} KiB")
        free = re.search(r"MemTotal (\d+) KiB, MemAvailable (\d+) KiB", top)
        if free:
            say(f"the board's memory: {free.group(2)} KiB available of {free.group(1)} KiB")
        say("committing \"This is version 2.0\" to the repository")
        commit_v2(site, bare)
        t1 = time.monotonic()
        body = wait_page(web_port, "This is version 2.0", 120)
        step(body is not None, f"the page changed after the commit ({time.monotonic() - t1:.1f} s)")
        if body:
            say(f"http://127.0.0.1:{web_port}/ says: " + re.sub(r"<[^>]+>", "", body).strip())
        if kc and BATCH:
            say(f"kubectl delete -f {manifest}")
            rc, out = kubectl(kc, "delete", "-f", manifest)
            print(out.rstrip())
            step(rc == 0 and 'pod "git-sync" deleted' in out and 'service "svc-sidecar" deleted' in out,
                 "kubectl delete -f: the pod and the Service are gone", out)
        if BATCH:
            con.command("poweroff", 5)
            try:
                qemu.wait(60)
            except subprocess.TimeoutExpired:
                pass
        else:
            say(f"the page stays at http://127.0.0.1:{web_port}/; edit {site}/index.html, commit and "
                f"git push {bare} master to change it again")
            con.show = True
            interact(con)
        return 1 if failed else 0
    finally:
        if qemu and qemu.poll() is None:
            qemu.kill()
            qemu.wait()
        try:
            os.killpg(daemon.pid, 9)
        except ProcessLookupError:
            pass
        daemon.wait()
        if failed:
            say("failed steps: " + "; ".join(failed) + f" (console: {build}/console.log)")


if __name__ == "__main__":
    sys.exit(main())
