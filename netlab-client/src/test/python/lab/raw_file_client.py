"""Lab 02, exercise 3: a typical student file-transfer client (TCPclient.py).

Stands for: the lab's file client written the plain way. It sends the file name, encoded, in
ONE send() with no newline, no length and no other framing, then recv(1024) in a loop and
writes every block to LOCAL until the server closes the connection. It never half-closes, so
the server must decide on its own that the name is complete. It cannot tell a refused or
missing file from an empty one: both leave an empty LOCAL and exit 0.

Usage: python3 raw_file_client.py HOST:PORT:REMOTE LOCAL
  REMOTE may itself contain ':'.
Exit: 0 when the server closed the connection; 1 on connection error or 10 s without data.
"""
from socket import *
import sys

if len(sys.argv) != 3 or sys.argv[1].count(':') < 2:
    print('usage: raw_file_client.py HOST:PORT:REMOTE LOCAL', file=sys.stderr)
    sys.exit(2)
serverName, serverPort, remoteName = sys.argv[1].split(':', 2)
localName = sys.argv[2]

clientSocket = socket(AF_INET, SOCK_STREAM)
clientSocket.settimeout(10)
received = 0
try:
    clientSocket.connect((serverName, int(serverPort)))
    clientSocket.send(remoteName.encode())
    with open(localName, 'wb') as f:
        while True:
            block = clientSocket.recv(1024)
            if not block:
                break
            f.write(block)
            received += len(block)
except OSError as e:  # includes the 10 s timeout
    print('raw_file_client:', e or type(e).__name__, 'after', received, 'bytes', file=sys.stderr)
    sys.exit(1)
finally:
    clientSocket.close()
print('received', received, 'bytes into', localName)
