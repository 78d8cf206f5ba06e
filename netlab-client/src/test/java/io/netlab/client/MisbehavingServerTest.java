package io.netlab.client;

import io.netlab.codec.DigestAlgorithm;
import io.netlab.codec.FileChunk;
import io.netlab.codec.FileEnd;
import io.netlab.codec.FileFrameDecoder;
import io.netlab.codec.FileFrameEncoder;
import io.netlab.codec.FileHeader;
import io.netlab.codec.FileRequest;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.BiConsumer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A server built from the codec that answers every request with a scripted fault. The client must say exactly what
 * happened and leave nothing at the destination.
 */
class MisbehavingServerTest {
    private static EventLoopGroup group;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() {
        group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    }

    @AfterAll
    static void stop() {
        group.shutdownGracefully(0, 0, java.util.concurrent.TimeUnit.MILLISECONDS).syncUninterruptibly();
    }

    private static Channel serve(BiConsumer<ChannelHandlerContext, FileRequest> script) throws Exception {
        return new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(FileFrameDecoder.forServer(), FileFrameEncoder.INSTANCE,
                                new SimpleChannelInboundHandler<FileRequest>() {
                                    @Override
                                    protected void channelRead0(ChannelHandlerContext ctx, FileRequest req) {
                                        script.accept(ctx, req);
                                    }
                                });
                    }
                }).bind("127.0.0.1", 0).sync().channel();
    }

    private ClientException fetchFrom(BiConsumer<ChannelHandlerContext, FileRequest> script, FetchOptions options)
            throws Exception {
        Channel server = serve(script);
        Path out = dir.resolve("out.bin");
        try {
            FileFetcher.fetch(new Endpoint("127.0.0.1", ((InetSocketAddress) server.localAddress()).getPort(), null),
                    "f", out, options, Progress.NONE);
            throw new AssertionError("the fetch succeeded");
        } catch (ClientException e) {
            assertThat(out).as("nothing at the destination").doesNotExist();
            if (e.kind() != ClientException.Kind.INTERRUPTED || !Files.exists(dir.resolve(".out.bin.netlab-partial"))) {
                assertThat(Files.list(dir)).as("nothing left beside it either").isEmpty();
            } else {
                // an interrupted transfer keeps its bytes, hidden, for --continue
                assertThat(Files.list(dir).map(p -> p.getFileName().toString()))
                        .containsExactlyInAnyOrder(".out.bin.netlab-partial", ".out.bin.netlab-partial.meta");
                Files.delete(dir.resolve(".out.bin.netlab-partial"));
                Files.delete(dir.resolve(".out.bin.netlab-partial.meta"));
            }
            return e;
        } finally {
            server.close().sync();
        }
    }

    private static FileHeader header(long size) {
        return new FileHeader(FileHeader.Status.OK, size, 0, 1024, DigestAlgorithm.CRC32C);
    }

    private static FileChunk chunk(int n) {
        return new FileChunk(Unpooled.wrappedBuffer(new byte[n]));
    }

    @Test
    void aConnectionClosedMidTransferIsReportedWithTheCounts() throws Exception {
        ClientException e = fetchFrom((ctx, req) -> {
            ctx.write(header(5000));
            ctx.writeAndFlush(chunk(1000)).addListener(ChannelFutureListener.CLOSE);
        }, FetchOptions.defaults());
        assertThat(e.kind()).isEqualTo(ClientException.Kind.INTERRUPTED);
        assertThat(e.getMessage()).startsWith("transfer interrupted after 1000 of 5000 bytes: the server closed the connection")
                .endsWith("; the first 1000 bytes are kept in " + dir.resolve(".out.bin.netlab-partial")
                        + " (--continue resumes from there)");
    }

    @Test
    void aWrongDigestIsAChecksumMismatch() throws Exception {
        ClientException e = fetchFrom((ctx, req) -> {
            ctx.write(header(4));
            ctx.write(new FileChunk(Unpooled.copiedBuffer("abcd", StandardCharsets.US_ASCII)));
            ctx.writeAndFlush(new FileEnd(4, DigestAlgorithm.CRC32C, new byte[] {1, 2, 3, 4}));
        }, FetchOptions.defaults());
        assertThat(e.kind()).isEqualTo(ClientException.Kind.INTEGRITY);
        assertThat(e.getMessage()).startsWith("checksum mismatch: the 4 B received have crc32c 92c80a31, the server sent 01020304");
    }

    @Test
    void aSilentServerTimesOut() throws Exception {
        ClientException e = fetchFrom((ctx, req) -> ctx.writeAndFlush(header(10)),
                FetchOptions.defaults().withReadTimeout(Duration.ofSeconds(1)));
        assertThat(e.kind()).isEqualTo(ClientException.Kind.TIMEOUT);
        assertThat(e.getMessage()).startsWith("no data from server for 1 s (after 0 of 10 bytes)");
    }

    @Test
    void moreDataThanAnnouncedIsAProtocolError() throws Exception {
        ClientException e = fetchFrom((ctx, req) -> {
            ctx.write(header(2));
            ctx.writeAndFlush(chunk(3));
        }, FetchOptions.defaults());
        assertThat(e.kind()).isEqualTo(ClientException.Kind.PROTOCOL);
        assertThat(e.getMessage()).startsWith("protocol error: the server sent more than the 2 bytes it announced");
    }

    @Test
    void aShortEndIsASizeMismatch() throws Exception {
        ClientException e = fetchFrom((ctx, req) -> {
            ctx.write(header(2000));
            ctx.write(chunk(1000));
            ctx.writeAndFlush(new FileEnd(1000, DigestAlgorithm.CRC32C, new byte[4]));
        }, FetchOptions.defaults());
        assertThat(e.kind()).isEqualTo(ClientException.Kind.INTEGRITY);
        assertThat(e.getMessage()).startsWith("size mismatch: received 1000 bytes, the server announced 2000");
    }

    @Test
    void aBlockLargerThanAskedForIsRejected() throws Exception {
        ClientException e = fetchFrom((ctx, req) -> {
            ctx.write(header(5000));
            ctx.writeAndFlush(chunk(2048));
        }, FetchOptions.defaults());
        assertThat(e.kind()).isEqualTo(ClientException.Kind.PROTOCOL);
        assertThat(e.getMessage()).startsWith("protocol error after 0 of 5000 bytes: FILE_DATA (0x12) length: 2048 (expected: <= 1024)");
    }

    @Test
    void somethingThatIsNotNetlabIsNamed() throws Exception {
        ClientException e = fetchFrom((ctx, req) -> ctx.channel().writeAndFlush(
                Unpooled.copiedBuffer("HTTP/1.1 400 Bad Request\r\n\r\n", StandardCharsets.US_ASCII)), FetchOptions.defaults());
        assertThat(e.kind()).isEqualTo(ClientException.Kind.PROTOCOL);
        assertThat(e.getMessage()).startsWith("protocol error: magic: 0x4854 (expected: 0x4e4c \"NL\"): not a netlab peer, this looks like an HTTP response (HTTP/1.1 400 Bad Request); received");
    }

    /**
     * A server that predates resume answers an offset with UNSUPPORTED (as the 0.1 server did): the client says so
     * and fetches from byte 0, and a server that answers a resume with the whole file (an OK header) is refused.
     */
    @Test
    void aServerThatCannotResumeGetsAFetchFromTheStart() throws Exception {
        java.util.List<Long> offsets = new java.util.concurrent.CopyOnWriteArrayList<>();
        Channel server = serve((ctx, req) -> {
            offsets.add(req.offset());
            if (req.offset() != 0) {
                ctx.writeAndFlush(new io.netlab.codec.FileError(io.netlab.codec.ErrorCode.UNSUPPORTED, "offset: "
                        + req.offset() + " (expected: 0; resuming is reserved for a later version)"))
                        .addListener(ChannelFutureListener.CLOSE);
                return;
            }
            ctx.write(header(4));
            ctx.write(new FileChunk(Unpooled.copiedBuffer("abcd", StandardCharsets.US_ASCII)));
            ctx.writeAndFlush(new FileEnd(4, DigestAlgorithm.CRC32C, new byte[] {(byte) 0x92, (byte) 0xc8, 0x0a, 0x31}))
                    .addListener(ChannelFutureListener.CLOSE);
        });
        Path out = dir.resolve("out.bin");
        Files.writeString(dir.resolve(".out.bin.netlab-partial"), "ab");
        Files.writeString(dir.resolve(".out.bin.netlab-partial.meta"), "format=1\nname=out.bin\npath=f\nsize=4\n");
        java.util.List<String> notes = new java.util.ArrayList<>();
        try {
            TransferResult r = FileFetcher.fetch(new Endpoint("127.0.0.1",
                    ((InetSocketAddress) server.localAddress()).getPort(), null), "f", out,
                    FetchOptions.defaults().withResume(true), new Progress() {
                        @Override
                        public void note(String message) {
                            notes.add(message);
                        }
                    });
            assertThat(r.resumedAt()).isZero();
        } finally {
            server.close().sync();
        }
        assertThat(offsets).containsExactly(2L, 0L);
        assertThat(notes).singleElement().asString().startsWith("the server cannot resume (offset: 2 (expected: 0; "
                + "resuming is reserved for a later version) [UNSUPPORTED]").endsWith("; fetching from the start");
        assertThat(out).hasContent("abcd");
        assertThat(Files.list(dir)).containsExactly(out);
    }

    @Test
    void aServerThatIgnoresTheOffsetIsAProtocolError() throws Exception {
        Files.writeString(dir.resolve(".out.bin.netlab-partial"), "ab");
        Files.writeString(dir.resolve(".out.bin.netlab-partial.meta"), "format=1\nname=out.bin\npath=f\nsize=4\n");
        ClientException e = fetchFrom((ctx, req) -> {
            ctx.write(header(4));     // OK, offset 0: the whole file, although the client asked for byte 2 on
            ctx.writeAndFlush(new FileChunk(Unpooled.copiedBuffer("abcd", StandardCharsets.US_ASCII)));
        }, FetchOptions.defaults().withResume(true));
        assertThat(e.kind()).isEqualTo(ClientException.Kind.PROTOCOL);
        assertThat(e.getMessage()).startsWith("protocol error: the server's header (FileHeader[status=OK, size=4, offset=0");
    }
}
