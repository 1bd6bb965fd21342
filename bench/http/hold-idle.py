#!/usr/bin/env python3
"""Opens N keep-alive connections to a loopback HTTP server, makes one request on each so
the server has really served them, then holds them idle until stdin closes or a line is
read. Prints "held N" once every connection is open and answered."""
import socket
import sys

port = int(sys.argv[1])
count = int(sys.argv[2])
request = b"GET /healthz HTTP/1.1\r\nHost: bench\r\n\r\n"

held = []
for _ in range(count):
    sock = socket.create_connection(("127.0.0.1", port), timeout=10)
    sock.sendall(request)
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(4096)
        if not chunk:
            sys.exit("server closed a connection early")
        data += chunk
    held.append(sock)

print(f"held {len(held)}", flush=True)
sys.stdin.readline()
for sock in held:
    sock.close()
