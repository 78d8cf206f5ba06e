"""Lab 02, exercise 3: a typical student file-transfer server (TCPserver.py).

Stands for: the lab's file server written the plain way. For each connection it does ONE
recv(1024) and takes those bytes as the file name (no newline, no framing), opens ROOT/name
and sends it in 1024-byte blocks, then closes. A name with '..' in it, an absolute name, an
empty name or a file it cannot open is refused by closing the connection without sending
anything -- so to its client a refusal looks exactly like an empty file.

Usage: python3 raw_file_server.py PORT ROOT [--once]
  PORT 0 picks a free port; the first line of stdout is "listening on PORT".
  --once handles one connection and exits. Otherwise it loops, and exits by itself after 30 s
  without a new connection. Listens on 127.0.0.1 only; 10 s timeout per connection.
"""
from socket import *
import os
import sys

if len(sys.argv) < 3 or sys.argv[3:] not in ([], ['--once']):
    print('usage: raw_file_server.py PORT ROOT [--once]', file=sys.stderr)
    sys.exit(2)
serverPort = int(sys.argv[1])
root = sys.argv[2]
once = '--once' in sys.argv[3:]

serverSocket = socket(AF_INET, SOCK_STREAM)
serverSocket.setsockopt(SOL_SOCKET, SO_REUSEADDR, 1)
serverSocket.bind(('127.0.0.1', serverPort))
serverSocket.listen(1)
serverSocket.settimeout(30)
print('listening on', serverSocket.getsockname()[1], flush=True)
while True:
    try:
        connectionSocket, addr = serverSocket.accept()
    except timeout:
        print('no connection for 30 s, exiting', flush=True)
        break
    connectionSocket.settimeout(10)
    try:
        fileName = connectionSocket.recv(1024).decode()
        if fileName == '' or '..' in fileName or os.path.isabs(fileName):
            print('refused', repr(fileName), flush=True)
        else:
            sent = 0
            with open(os.path.join(root, fileName), 'rb') as f:
                while True:
                    block = f.read(1024)
                    if not block:
                        break
                    connectionSocket.sendall(block)
                    sent += len(block)
            print('sent', repr(fileName), sent, 'bytes', flush=True)
    except (OSError, UnicodeDecodeError, ValueError) as e:
        print('cannot send:', e or type(e).__name__, flush=True)
    connectionSocket.close()
    if once:
        break
serverSocket.close()
