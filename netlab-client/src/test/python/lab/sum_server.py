"""Lab 02, exercise 2 ("Adding two numbers"): a typical student server.

Stands for: the plain-text server students write. For each connection it reads one line
"NAME,NUMBER" -- a comma, space or tab (or a newline, i.e. NAME and NUMBER on two lines) before
the last integer -- that ends at a newline, when the client half-closes, or after 1 s without
more bytes (so a client that sends no newline is still served). It prints both names, both
numbers and the sum, and replies "SERVER NAME,K\n". A number outside 1..100 is the lab's
shutdown signal: it closes the connection WITHOUT a reply, closes its socket and exits 0.
A line it cannot read is dropped (connection closed, no reply) and the server goes on.

Usage: python3 sum_server.py PORT [--name NAME] [--number K]
  PORT 0 picks a free port; the first line of stdout is "listening on PORT".
  --name defaults to "Server of John Q. Smith"; --number defaults to a random 1..100.
  Listens on 127.0.0.1 only; exits by itself after 30 s without a new connection;
  a client has 10 s to send its first byte.
"""
from socket import *
import argparse
import random
import re
import sys

parser = argparse.ArgumentParser(prog='sum_server.py')
parser.add_argument('port', type=int)
parser.add_argument('--name', default='Server of John Q. Smith')
parser.add_argument('--number', type=int, default=random.randint(1, 100))
args = parser.parse_args()
serverName, serverNumber = args.name, args.number
LINE = re.compile(r'^(.*?)\s*[,\s]\s*([+-]?\d+)\s*$', re.S)


def read_request(conn):
    """Bytes up to a newline (two lines if the first has no number), EOF, or 1 s of quiet."""
    data = b''
    conn.settimeout(10)  # wait for the first byte
    while len(data) < 4096:
        try:
            chunk = conn.recv(1024)
        except timeout:
            break
        if not chunk:
            break  # the client closed or half-closed
        data += chunk
        conn.settimeout(1)  # then 1 s of quiet ends the request
        text = data.decode(errors='replace')
        if '\n' in text:
            first, rest = text.split('\n', 1)
            if LINE.match(first.rstrip('\r')) or (rest and '\n' in rest) or first.strip() == '':
                break
    return data.decode(errors='replace')


serverSocket = socket(AF_INET, SOCK_STREAM)
serverSocket.setsockopt(SOL_SOCKET, SO_REUSEADDR, 1)
serverSocket.bind(('127.0.0.1', args.port))
serverSocket.listen(1)
serverSocket.settimeout(30)
print('listening on', serverSocket.getsockname()[1], flush=True)
while True:
    try:
        connectionSocket, addr = serverSocket.accept()
    except timeout:
        print('no connection for 30 s, exiting', flush=True)
        break
    try:
        text = read_request(connectionSocket)
        lines = text.replace('\r', '').split('\n')
        m = LINE.match(lines[0]) or LINE.match('\n'.join(lines[:2]))
        if not m:
            print('cannot read', repr(text), '- closing without a reply', flush=True)
            connectionSocket.close()
            continue
        clientName, clientNumber = m.group(1), int(m.group(2))
        print('Client name:', clientName, '| Server name:', serverName, flush=True)
        if not 1 <= clientNumber <= 100:
            print('Client number:', clientNumber, 'is outside 1..100: closing without a reply and shutting down',
                  flush=True)
            connectionSocket.close()
            break
        print('Client number:', clientNumber, '| Server number:', serverNumber,
              '| Sum:', clientNumber + serverNumber, flush=True)
        connectionSocket.sendall((serverName + ',' + str(serverNumber) + '\n').encode())
    except OSError as e:
        print('error:', e or type(e).__name__, flush=True)
    connectionSocket.close()
serverSocket.close()
