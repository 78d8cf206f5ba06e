"""Lab 02, exercise 2 ("Adding two numbers"): a typical student client.

Stands for: the plain-text client students write. It sends NAME and NUMBER as one text line,
"NAME,NUMBER\n" by default, in ONE send(), then reads the reply line "SERVER NAME,SERVER NUMBER"
(up to a newline or until the server closes) and prints both names, both numbers and the sum.
It never half-closes unless --half-close is given.

Usage: python3 sum_client.py HOST PORT NAME NUMBER [--sep ,| |tab|newline] [--no-newline] [--half-close]
  --sep         what goes between NAME and NUMBER: ',' (default), ' ', 'tab' or 'newline'
                ('newline' sends NAME and NUMBER as two lines)
  --no-newline  do not end the line with '\n' (the server must notice the end some other way)
  --half-close  shutdown(SHUT_WR) after sending, as some students do
Exit: 0 after printing the result; 1 if the server closed without answering, timed out (10 s)
or refused the connection; 3 if the reply has no trailing integer.
"""
from socket import *
import argparse
import re
import sys

parser = argparse.ArgumentParser(prog='sum_client.py')
parser.add_argument('host')
parser.add_argument('port', type=int)
parser.add_argument('name')
parser.add_argument('number', type=int)
parser.add_argument('--sep', default=',', choices=[',', ' ', 'tab', 'newline'])
parser.add_argument('--no-newline', action='store_true')
parser.add_argument('--half-close', action='store_true')
args = parser.parse_args()
sep = {'tab': '\t', 'newline': '\n'}.get(args.sep, args.sep)
message = args.name + sep + str(args.number) + ('' if args.no_newline else '\n')

clientSocket = socket(AF_INET, SOCK_STREAM)
clientSocket.settimeout(10)
reply = b''
try:
    clientSocket.connect((args.host, args.port))
    clientSocket.send(message.encode())
    if args.half_close:
        clientSocket.shutdown(SHUT_WR)
    while b'\n' not in reply and len(reply) < 4096:
        data = clientSocket.recv(1024)
        if not data:
            break
        reply += data
except OSError as e:  # includes the 10 s timeout; a reset after a refusal also lands here
    if not reply:
        print('sum_client:', e or type(e).__name__, file=sys.stderr)
        sys.exit(1)
finally:
    clientSocket.close()
if not reply:
    print('sum_client: the server closed without answering', file=sys.stderr)
    sys.exit(1)

line = reply.split(b'\n')[0].decode().rstrip('\r')
m = re.match(r'^(.*?)\s*[,\s]\s*([+-]?\d+)\s*$', line)
if not m:
    print('sum_client: cannot read the reply', repr(line), file=sys.stderr)
    sys.exit(3)
serverName, serverNumber = m.group(1), int(m.group(2))
print('Client name:', args.name)
print('Server name:', serverName)
print('Client number:', args.number)
print('Server number:', serverNumber)
print('Sum:', args.number + serverNumber)
