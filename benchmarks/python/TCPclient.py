# The lab's exercise 3 client, written the way a student would:
#   python TCPclient.py server:port:fileNameInServerFileSystem fileNameInClientFileSystem
# It sends the file name and writes the 1024-byte blocks it receives to the local file.
from socket import *
import sys

serverName, serverPort, remoteName = sys.argv[1].split(':', 2)
clientSocket = socket(AF_INET, SOCK_STREAM)
clientSocket.connect((serverName, int(serverPort)))
clientSocket.send(remoteName.encode())
with open(sys.argv[2], 'wb') as f:
    while True:
        block = clientSocket.recv(1024)
        if not block:
            break
        f.write(block)
clientSocket.close()
