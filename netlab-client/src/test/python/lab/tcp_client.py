"""Lab 02, exercise 1: the example client TCPClient.py (Kurose & Ross, "Computer Networking").

Stands for: the textbook uppercase client. It sends the sentence in ONE send() with NO newline,
does ONE recv(1024), prints what came back and closes. It never half-closes and never sends a
newline, so a server that waits for a line end waits until this client gives up (10 s).

Usage: python3 tcp_client.py HOST PORT SENTENCE...
Exit: 0 after printing the answer; 1 if the server closed without answering, timed out (10 s)
or refused the connection.
"""
from socket import *
import sys

if len(sys.argv) < 4:
    print('usage: tcp_client.py HOST PORT SENTENCE...', file=sys.stderr)
    sys.exit(2)
serverName = sys.argv[1]
serverPort = int(sys.argv[2])
sentence = ' '.join(sys.argv[3:])

clientSocket = socket(AF_INET, SOCK_STREAM)
clientSocket.settimeout(10)
try:
    clientSocket.connect((serverName, serverPort))
    clientSocket.send(sentence.encode())
    modifiedSentence = clientSocket.recv(1024)
except OSError as e:  # includes the 10 s timeout
    print('tcp_client:', e or type(e).__name__, file=sys.stderr)
    sys.exit(1)
finally:
    clientSocket.close()
if not modifiedSentence:
    print('tcp_client: the server closed without answering', file=sys.stderr)
    sys.exit(1)
print(modifiedSentence.decode())
