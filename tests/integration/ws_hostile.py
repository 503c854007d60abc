#!/usr/bin/env python3
"""tests/integration/ws_hostile.py TOKEN: a hostile kubectl exec client against
127.0.0.1:6443 (run inside podinit's network namespace): the WebSocket upgrade
to `exec web -- cat`, then a frame that is not masked, and (a new session) one
that announces 2^40 bytes. Prints the close code the server answers each with."""
import base64, os, socket, ssl, struct, sys

tok = sys.argv[1]


def session(frame):
    ctx = ssl.create_default_context()
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    s = ctx.wrap_socket(socket.create_connection(("127.0.0.1", 6443), timeout=10))
    key = base64.b64encode(os.urandom(16)).decode()
    s.sendall((f"GET /api/v1/namespaces/default/pods/web/exec?command=cat&stdin=true&stdout=true HTTP/1.1\r\n"
               f"Host: 127.0.0.1\r\nAuthorization: Bearer {tok}\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n"
               f"Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: {key}\r\n"
               f"Sec-WebSocket-Protocol: v5.channel.k8s.io\r\n\r\n").encode())
    head = b""
    while b"\r\n\r\n" not in head:
        b = s.recv(4096)
        if not b:
            return "no answer"
        head += b
    if b" 101 " not in head.split(b"\r\n")[0]:
        return "not upgraded: " + head.split(b"\r\n")[0].decode()
    rest = head.split(b"\r\n\r\n", 1)[1]
    s.sendall(frame)
    data = rest
    try:
        while True:
            b = s.recv(4096)
            if not b:
                break
            data += b
    except (socket.timeout, ssl.SSLError, ConnectionError):
        pass
    # the server's frames: find the close frame (0x88) and its code
    i = 0
    while i + 2 <= len(data):
        op, n = data[i] & 0x0F, data[i + 1] & 0x7F
        j = i + 2
        if n == 126:
            n, j = struct.unpack(">H", data[j:j + 2])[0], j + 2
        elif n == 127:
            n, j = struct.unpack(">Q", data[j:j + 8])[0], j + 8
        if op == 8:
            return str(struct.unpack(">H", data[j:j + 2])[0]) if n >= 2 else "close"
        i = j + n
    return "no close frame"


unmasked = bytes([0x82, 0x03, 0x00]) + b"hi"
huge = bytes([0x82, 0xFF]) + struct.pack(">Q", 1 << 40) + os.urandom(4)
print(session(unmasked))
print(session(huge))
