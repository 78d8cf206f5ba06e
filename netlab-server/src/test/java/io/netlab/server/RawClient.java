package io.netlab.server;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;

/** A blocking test client that speaks bytes, to send what a real client never would. */
final class RawClient implements AutoCloseable {
    /** Frame types, as docs/protocol.md numbers them (the codec keeps its own constants package-private). */
    static final int TYPE_SUM_REPLY = 0x02;
    static final int TYPE_FILE_HEADER = 0x11;
    static final int TYPE_FILE_DATA = 0x12;
    static final int TYPE_FILE_END = 0x13;
    static final int TYPE_PUT_READY = 0x19;
    static final int TYPE_PUT_DONE = 0x1A;
    static final int TYPE_LIST_ENTRY = 0x15;
    static final int TYPE_LIST_END = 0x16;
    static final int TYPE_ERROR = 0x7F;

    private final Socket socket;
    private final DataInputStream in;
    private final OutputStream out;

    RawClient(InetSocketAddress server) throws IOException {
        socket = new Socket();
        socket.connect(new InetSocketAddress("127.0.0.1", server.getPort()), 5000);
        socket.setSoTimeout(10_000);
        in = new DataInputStream(socket.getInputStream());
        out = socket.getOutputStream();
    }

    RawClient send(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
        return this;
    }

    /** One frame: type, and body. */
    record Frame(int type, byte[] body) {
        int errorCode() {
            return ((body[0] & 0xff) << 8) | (body[1] & 0xff);
        }

        String errorMessage() {
            int n = ((body[2] & 0xff) << 8) | (body[3] & 0xff);
            return new String(body, 4, n, StandardCharsets.UTF_8);
        }
    }

    Frame readFrame() throws IOException {
        int magic = in.readUnsignedShort();
        if (magic != 0x4E4C) {
            throw new IOException("bad magic from server: " + Integer.toHexString(magic));
        }
        int version = in.readUnsignedByte();
        if (version != 1) {
            throw new IOException("bad version " + version);
        }
        int type = in.readUnsignedByte();
        int length = in.readInt();
        byte[] body = new byte[length];
        in.readFully(body);
        return new Frame(type, body);
    }

    /** Whether the server closed the connection (EOF or a reset, after any bytes) within the socket timeout. */
    boolean closedByServer() throws IOException {
        try {
            byte[] sink = new byte[8192];
            while (in.read(sink) >= 0) {
                // skip what the server still sends
            }
            return true;
        } catch (EOFException e) {
            return true;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return e.getMessage() != null && e.getMessage().contains("reset");
        }
    }

    Socket socket() {
        return socket;
    }

    void setTimeout(int millis) throws IOException {
        socket.setSoTimeout(millis);
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }

    static byte[] fileRequest(String path, int blockSize, long offset, int digest) {
        byte[] p = path.getBytes(StandardCharsets.UTF_8);
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(8 + 15 + p.length);
        b.putShort((short) 0x4E4C).put((byte) 1).put((byte) 0x10).putInt(15 + p.length)
                .putInt(blockSize).putLong(offset).put((byte) digest).putShort((short) p.length).put(p);
        return b.array();
    }

    static byte[] putRequest(String path, long size, int blockSize, int digest, int flags) {
        byte[] p = path.getBytes(StandardCharsets.UTF_8);
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(8 + 16 + p.length);
        b.putShort((short) 0x4E4C).put((byte) 1).put((byte) 0x18).putInt(16 + p.length)
                .put((byte) flags).putLong(size).putInt(blockSize).put((byte) digest).putShort((short) p.length).put(p);
        return b.array();
    }

    /** FILE_DATA frames of at most {@code blockSize} bytes each, carrying {@code data}. */
    static byte[] data(byte[] data, int blockSize) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        for (int i = 0; i < data.length; i += blockSize) {
            int n = Math.min(blockSize, data.length - i);
            java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(8 + n);
            b.putShort((short) 0x4E4C).put((byte) 1).put((byte) 0x12).putInt(n).put(data, i, n);
            out.writeBytes(b.array());
        }
        return out.toByteArray();
    }

    /** FILE_END with CRC-32C (digest 1) of {@code whole}. */
    static byte[] endCrc32c(long total, byte[] whole) {
        java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
        crc.update(whole);
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(8 + 14);
        b.putShort((short) 0x4E4C).put((byte) 1).put((byte) 0x13).putInt(14)
                .putLong(total).put((byte) 1).put((byte) 4).putInt((int) crc.getValue());
        return b.array();
    }

    static byte[] listRequest(String path, int flags) {
        byte[] p = path.getBytes(StandardCharsets.UTF_8);
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(8 + 3 + p.length);
        b.putShort((short) 0x4E4C).put((byte) 1).put((byte) 0x14).putInt(3 + p.length)
                .put((byte) flags).putShort((short) p.length).put(p);
        return b.array();
    }

    static byte[] sumRequest(String name, int value) {
        byte[] n = name.getBytes(StandardCharsets.UTF_8);
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(8 + 6 + n.length);
        b.putShort((short) 0x4E4C).put((byte) 1).put((byte) 0x01).putInt(6 + n.length)
                .putShort((short) n.length).put(n).putInt(value);
        return b.array();
    }
}
