"""Lab 02, exercise 1: the example server TCPServer.py (Kurose & Ross, "Computer Networking").

Stands for: the textbook uppercase server. For each connection it does ONE recv(1024), sends
that text back .upper() (no newline added, none removed) and closes the connection. It never
waits for a newline: whatever the first recv() returns is the sentence.

Usage: python3 tcp_server.py PORT [--once]
  PORT 0 picks a free port; the first line of stdout is "listening on PORT".
  --once handles one connection and exits. Otherwise it loops, and exits by itself after 30 s
  without a new connection. Listens on 127.0.0.1 only; 10 s timeout per connection.
"""
from socket import *
import sys

if len(sys.argv) < 2 or sys.argv[2:] not in ([], ['--once']):
    print('usage: tcp_server.py PORT [--once]', file=sys.stderr)
    sys.exit(2)
serverPort = int(sys.argv[1])
once = '--once' in sys.argv[2:]

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
        sentence = connectionSocket.recv(1024).decode()
        capitalizedSentence = sentence.upper()
        connectionSocket.send(capitalizedSentence.encode())
        print(addr[0], addr[1], repr(sentence), '->', repr(capitalizedSentence), flush=True)
    except (OSError, UnicodeDecodeError) as e:
        print(addr[0], addr[1], 'error:', e or type(e).__name__, flush=True)
    connectionSocket.close()
    if once:
        break
serverSocket.close()
