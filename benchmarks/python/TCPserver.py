# The lab's exercise 3 server, written the way a student would: python TCPserver.py port [bind-address]
# It receives a file name and sends the file in 1024-byte blocks. Kept as the baseline for benchmarks/compare.sh.
from socket import *
import sys

serverPort = int(sys.argv[1])
serverSocket = socket(AF_INET, SOCK_STREAM)
serverSocket.setsockopt(SOL_SOCKET, SO_REUSEADDR, 1)
serverSocket.bind((sys.argv[2] if len(sys.argv) > 2 else '', serverPort))
serverSocket.listen(1)
print('The server is ready to receive on port', serverSocket.getsockname()[1], flush=True)
while True:
    connectionSocket, addr = serverSocket.accept()
    fileName = connectionSocket.recv(1024).decode()
    try:
        with open(fileName, 'rb') as f:
            while True:
                block = f.read(1024)
                if not block:
                    break
                connectionSocket.sendall(block)
    except OSError as e:
        print('cannot send', fileName, e, flush=True)
    connectionSocket.close()
