package io.netlab.server;

import io.netlab.codec.DigestAlgorithm;
import io.netlab.codec.FileConstants;
import io.netlab.codec.SendMode;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufAllocatorMetric;
import io.netty.buffer.ByteBufAllocatorMetricProvider;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOutboundBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.BufferedReader;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What one connection may make the server hold, whatever its peer does: counted as the bytes and messages queued
 * for the socket (the channels' outbound buffers), the whole requests read but held back, and the pooled buffer
 * memory in use, never as RSS. Real sockets on 127.0.0.1; every loop is bounded in count and time.
 */
class BoundedMemoryTest {
    private static final long MiB = 1024 * 1024;

    private RunningServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private static <B extends ServerBuilder<B>> B local(B builder) throws Exception {
        return builder.bind(InetAddress.getByName("127.0.0.1")).threads(2).idleTimeout(Duration.ofSeconds(30))
                .requestTimeout(Duration.ofSeconds(5)).shutdownGrace(Duration.ofSeconds(1));
    }

    private Socket connect() throws IOException {
        Socket s = new Socket(InetAddress.getByName("127.0.0.1"), server.localAddress().getPort());
        s.setSoTimeout(10_000);
        return s;
    }

    /** Bytes queued for the sockets of all connections and not yet written (their outbound buffers). */
    static long queuedBytes(RunningServer server) {
        long sum = 0;
        for (Channel ch : server.channels()) {
            ChannelOutboundBuffer out = ch.unsafe().outboundBuffer();
            sum += out == null ? 0 : out.totalPendingWriteBytes();
        }
        return sum;
    }

    /** Whole requests read but held back, on all connections, because their answers are not being taken. */
    static long heldRequests(RunningServer server) {
        long sum = 0;
        for (Channel ch : server.channels()) {
            BackpressureHandler h = ch.pipeline().get(BackpressureHandler.class);
            sum += h == null ? 0 : h.heldRequests();
        }
        return sum;
    }

    /**
     * Writes {@code total} bytes of {@code unit} repeated from another thread and never reads, watching the server's
     * queued bytes and held requests until the writer is done or has been stuck for a second (the server stopped
     * reading), at most 60 s. The writer goes on until the socket is closed.
     */
    private Watch neverRead(Socket hog, byte[] unit, long total) throws Exception {
        byte[] block = new byte[Math.max(1, 64 * 1024 / unit.length) * unit.length];
        for (int i = 0; i < block.length; i += unit.length) {
            System.arraycopy(unit, 0, block, i, unit.length);
        }
        AtomicLong written = new AtomicLong();
        Thread writer = new Thread(() -> {
            try {
                OutputStream out = hog.getOutputStream();
                while (written.get() < total) {
                    out.write(block);
                    written.addAndGet(block.length);
                }
            } catch (IOException closed) {
                // the test closed the socket under a blocked write
            }
        }, "never-reads");
        writer.start();
        long maxQueued = 0;
        long maxHeld = 0;
        long last = -1;
        long stuckSince = System.nanoTime();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (writer.isAlive() && System.nanoTime() < deadline) {
            maxQueued = Math.max(maxQueued, queuedBytes(server));
            maxHeld = Math.max(maxHeld, heldRequests(server));
            long now = written.get();
            if (now != last) {
                last = now;
                stuckSince = System.nanoTime();
            } else if (System.nanoTime() - stuckSince > TimeUnit.SECONDS.toNanos(1)) {
                break;
            }
            TimeUnit.MILLISECONDS.sleep(10);
        }
        maxQueued = Math.max(maxQueued, queuedBytes(server));
        maxHeld = Math.max(maxHeld, heldRequests(server));
        return new Watch(maxQueued, maxHeld, written);
    }

    /** What {@link #neverRead} saw: the most bytes queued and requests held on the server, and the bytes written so far. */
    private record Watch(long maxQueued, long maxHeld, AtomicLong written) {
    }

    @Test
    void anEchoPeerThatSendsLinesAndNeverReadsDoesNotGrowTheServer() throws Exception {
        server = local(EchoServer.builder()).start();
        byte[] line = ("x".repeat(EchoServer.MAX_LINE - 200) + '\n').getBytes(StandardCharsets.UTF_8);
        try (Socket hog = connect()) {
            Watch seen = neverRead(hog, line, 32 * MiB);
            try (Socket other = connect()) {      // meanwhile, another client is served
                other.getOutputStream().write("still there?\n".getBytes(StandardCharsets.UTF_8));
                assertThat(new BufferedReader(new InputStreamReader(other.getInputStream(), StandardCharsets.UTF_8))
                        .readLine()).isEqualTo("STILL THERE?");
            }
            assertThat(seen.written().get()).as("bytes the peer got in before the server stopped reading").isLessThan(32 * MiB);
            assertThat(seen.maxQueued()).as("bytes queued on the server for the peer that never reads").isLessThan(4 * MiB);
            assertThat(seen.maxHeld()).as("lines held back, at most those of one read").isLessThanOrEqualTo(64 * 1024 / line.length + 1);
        }
    }

    @Test
    void aSumPeerThatPipelinesRequestsAndNeverReadsDoesNotGrowTheServer() throws Exception {
        server = local(SumServer.builder()).name("S".repeat(1000)).number(17).keepRunning(true).start();
        try (Socket hog = connect()) {
            Watch seen = neverRead(hog, RawClient.sumRequest("Ana", 42), 16 * MiB);
            try (RawClient other = new RawClient(server.localAddress())) {
                other.send(RawClient.sumRequest("Bo", 1));
                assertThat(other.readFrame().type()).isEqualTo(RawClient.TYPE_SUM_REPLY);
            }
            assertThat(seen.written().get()).as("bytes the peer got in before the server stopped reading").isLessThan(16 * MiB);
            assertThat(seen.maxQueued()).as("bytes queued on the server for the peer that never reads").isLessThan(4 * MiB);
            assertThat(seen.maxHeld()).as("requests held back, at most those of one read").isLessThanOrEqualTo(64 * 1024 / 17 + 1);
        }
    }

    @Test
    void aFileClientThatStallsAndPipelinesRequestsIsCutOffWithoutAnErrorPerRequest(@TempDir Path root) throws Exception {
        try (RandomAccessFile f = new RandomAccessFile(root.resolve("big.bin").toFile(), "rw")) {
            f.setLength(32 * MiB);
        }
        server = local(FileServer.builder()).root(root).start();
        byte[] request = RawClient.fileRequest("big.bin", 1024, 0, 1);
        try (RawClient c = new RawClient(server.localAddress())) {
            // the request and 1.4 million more behind it (32 MiB), from another thread, while nothing is read
            Watch seen = neverRead(c.socket(), request, 32 * MiB);
            assertThat(seen.maxQueued()).as("bytes queued on the server for the stalled reader").isLessThan(4 * MiB);
            assertThat(seen.maxHeld()).as("requests held back").isLessThanOrEqualTo(64 * 1024 / request.length + 1);

            // now read: the transfer, then the close that the first extra request caused
            assertThat(c.readFrame().type()).isEqualTo(RawClient.TYPE_FILE_HEADER);
            long data = 0;
            int errors = 0;
            boolean end = false;
            try {
                for (;;) {
                    RawClient.Frame f = c.readFrame();
                    switch (f.type()) {
                        case RawClient.TYPE_FILE_DATA -> data += f.body().length;
                        case RawClient.TYPE_ERROR -> errors++;
                        case RawClient.TYPE_FILE_END -> end = true;
                        default -> throw new AssertionError("frame type " + f.type());
                    }
                }
            } catch (EOFException | SocketException closed) {
                // the server closed the connection
            }
            assertThat(end).as("FILE_END after a protocol error").isFalse();
            assertThat(errors).as("ERROR frames").isZero();
            assertThat(data).isLessThan(32 * MiB);
            assertThat(seen.written().get()).as("bytes of requests the server took in").isLessThan(32 * MiB);
        }
        for (int i = 0; i < 500 && server.connectionCount() > 0; i++) {
            TimeUnit.MILLISECONDS.sleep(10);
        }
        assertThat(server.connectionCount()).isZero();
    }

    @Test
    void anUploaderThatFloodsIsReadNoFasterThanTheDiskTakesIt(@TempDir Path root) throws Exception {
        server = local(FileServer.builder()).root(root).writable(true).minFreeSpace(0).start();
        long size = 96 * MiB;
        int block = (int) MiB;
        byte[] payload = new byte[block];
        new java.util.Random(5).nextBytes(payload);
        byte[] frame = RawClient.data(payload, block);
        java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
        long before = pooledBytesInUse();
        long maxInUse = 0;
        try (RawClient c = new RawClient(server.localAddress())) {
            c.send(RawClient.putRequest("flood.bin", size, 16 * block, 1, 0));
            RawClient.Frame ready = c.readFrame();
            assertThat(ready.type()).isEqualTo(RawClient.TYPE_PUT_READY);
            assertThat(java.nio.ByteBuffer.wrap(ready.body()).getInt(8)).as("the server's block cap").isEqualTo(block);
            OutputStream out = c.socket().getOutputStream();
            for (long sent = 0; sent < size; sent += block) {
                out.write(frame);           // as fast as the socket takes it: blocks when the server stops reading
                crc.update(payload);
                maxInUse = Math.max(maxInUse, pooledBytesInUse() - before);
            }
            java.nio.ByteBuffer end = java.nio.ByteBuffer.allocate(22);
            end.putShort((short) 0x4E4C).put((byte) 1).put((byte) 0x13).putInt(14).putLong(size).put((byte) 1)
                    .put((byte) 4).putInt((int) crc.getValue());
            c.send(end.array());
            assertThat(c.readFrame().type()).isEqualTo(RawClient.TYPE_PUT_DONE);
        }
        assertThat(root.resolve("flood.bin")).hasSize(size);
        // one block being decoded and a read or two, never the flood: pooled memory in use stays a few MiB
        assertThat(maxInUse).as("pooled bytes the server held during a 96 MiB flood").isLessThan(24 * MiB);
    }

    private static long pooledBytesInUse() {
        ByteBufAllocatorMetric m = ((ByteBufAllocatorMetricProvider) ByteBufAllocator.DEFAULT).metric();
        return m.usedDirectMemory() + m.usedHeapMemory();
    }

    /** Entries (buffers, file regions) in the outbound buffers of all connections. */
    private static long queuedMessages(RunningServer server) {
        long sum = 0;
        for (Channel ch : server.channels()) {
            ChannelOutboundBuffer out = ch.unsafe().outboundBuffer();
            sum += out == null ? 0 : out.size();
        }
        return sum;
    }

    private void awaitSteady(int connections) throws InterruptedException {
        long last = -1;
        for (int i = 0; i < 100; i++) {       // until nothing more is queued for 500 ms, at most 10 s
            TimeUnit.MILLISECONDS.sleep(100);
            long now = queuedBytes(server) + queuedMessages(server);
            if (now == last && server.connectionCount() == connections && i >= 5) {
                return;
            }
            last = now;
        }
    }

    @ParameterizedTest(name = "{0}, digest {1}")
    @CsvSource({"AUTO, 1", "SENDFILE, 1", "AUTO, 0"})
    void stalledClientsAskingForSixteenMebibyteBlocksDoNotPinThem(SendMode mode, int digest, @TempDir Path root)
            throws Exception {
        try (RandomAccessFile f = new RandomAccessFile(root.resolve("big.bin").toFile(), "rw")) {
            f.setLength(64 * MiB);
        }
        server = local(FileServer.builder()).root(root).sendMode(mode).start();
        long pooledBefore = pooledBytesInUse();
        List<RawClient> clients = new ArrayList<>();
        try {
            for (int i = 0; i < 4; i++) {
                RawClient c = new RawClient(server.localAddress());
                clients.add(c);
                c.send(RawClient.fileRequest("big.bin", FileConstants.MAX_BLOCK_SIZE, 0, digest));
                c.socket().getInputStream().readNBytes(64 * 1024);        // a little, then it stalls
            }
            awaitSteady(4);
            long pooled = pooledBytesInUse() - pooledBefore;
            assertThat(pooled).as("pooled memory held for 4 stalled clients with 16 MiB blocks").isLessThan(16 * MiB);
            if (mode.resolve(FileConstants.MAX_BLOCK_SIZE, DigestAlgorithm.fromId(digest)) != SendMode.SENDFILE) {
                // (a file region counts as the bytes it sends, which sendfile never holds in memory)
                assertThat(queuedBytes(server)).as("bytes queued for them").isLessThan(4 * (2 * MiB));
            }
        } finally {
            for (RawClient c : clients) {
                c.close();
            }
        }
    }

    @Test
    void aStalledSendfileTransferQueuesFewRegionsWhateverTheFileSize(@TempDir Path root) throws Exception {
        try (RandomAccessFile f = new RandomAccessFile(root.resolve("big.bin").toFile(), "rw")) {
            f.setLength(256 * MiB);
        }
        server = local(FileServer.builder()).root(root).sendMode(SendMode.SENDFILE).start();
        try (RawClient c = new RawClient(server.localAddress())) {
            c.send(RawClient.fileRequest("big.bin", 64 * 1024, 0, 0));
            c.socket().getInputStream().readNBytes(64 * 1024);
            awaitSteady(1);
            // a header buffer and a region per 64 KiB block: 4096 of each if nothing held the input back
            assertThat(queuedMessages(server)).as("buffers and regions queued").isLessThan(64);
        }
    }
}
