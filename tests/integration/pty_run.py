#!/usr/bin/env python3
"""pty_run.py ROWS COLS COMMAND...: COMMAND on a terminal of its own.

COMMAND runs as the leader of a new session whose controlling terminal is a
fresh pty of ROWS x COLS; what it writes there goes to stdout once it ends,
and its exit status is ours. Nothing is ever typed on that terminal, and it
does not depend on this script's stdin, $SHELL or a shell's quoting: script(1)
did all three (with its stdin at EOF it typed a byte into the terminal; run
by dash it left its command in a background process group, stopped by
SIGTTOU when kubectl switched to raw mode).
"""
import fcntl
import os
import struct
import subprocess
import sys
import termios


def main():
    rows, cols, cmd = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3:]
    master, slave = os.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))

    def own_terminal():
        os.setsid()
        fcntl.ioctl(0, termios.TIOCSCTTY, 0)

    proc = subprocess.Popen(cmd, stdin=slave, stdout=slave, stderr=slave,
                            preexec_fn=own_terminal, close_fds=True)
    os.close(slave)
    out = []
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError:  # EIO: the terminal's last holder closed it
            break
        if not chunk:
            break
        out.append(chunk)
    rc = proc.wait()
    sys.stdout.buffer.write(b"".join(out))
    sys.exit(rc if rc >= 0 else 128 - rc)


if __name__ == "__main__":
    main()
