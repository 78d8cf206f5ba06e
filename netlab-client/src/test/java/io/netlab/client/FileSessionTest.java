package io.netlab.client;

import io.netlab.codec.DigestAlgorithm;
import io.netlab.codec.ErrorCode;
import io.netlab.codec.FileChunk;
import io.netlab.codec.FileEnd;
import io.netlab.codec.FileFrame;
import io.netlab.codec.FileFrameDecoder;
import io.netlab.codec.FileFrameEncoder;
import io.netlab.codec.FileHeader;
import io.netlab.codec.FileRequest;
import io.netlab.codec.ListEnd;
import io.netlab.codec.ListEntry;
import io.netlab.codec.ListRequest;
import io.netlab.server.FileServer;
import io.netlab.server.RunningServer;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@link FileSession}: many requests on one connection, trees, old servers, hostile names. */
class FileSessionTest {
    private static EventLoopGroup group;

    @TempDir
    Path served;
    @TempDir
    Path outside;
    @TempDir
    Path work;

    @BeforeAll
    static void startGroup() {
        group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    }

    @AfterAll
    static void stopGroup() {
        group.shutdownGracefully(0, 0, java.util.concurrent.TimeUnit.MILLISECONDS).syncUninterruptibly();
    }

    private RunningServer server() throws Exception {
        return FileServer.builder().bind(InetAddress.getByName("127.0.0.1")).port(0).threads(1).root(served).start();
    }

    private static Endpoint at(int port) {
        return new Endpoint("127.0.0.1", port, null);
    }

    private void tree() throws Exception {
        Files.writeString(served.resolve("a.txt"), "alpha\n");
        Files.createDirectories(served.resolve("docs/deep/er"));
        Files.writeString(served.resolve("docs/b.txt"), "bravo\n");
        Files.write(served.resolve("docs/deep/big.bin"), new byte[300_000]);
        Files.writeString(served.resolve("docs/deep/er/c.txt"), "charlie\n");
        Files.createDirectories(served.resolve("docs/empty"));
        Files.writeString(outside.resolve("secret.txt"), "secret\n");
        Files.createSymbolicLink(served.resolve("docs/leak"), outside.resolve("secret.txt"));
    }

    @Test
    void listsAndFetchesSeveralFilesOnOneConnection() throws Exception {
        tree();
        try (RunningServer server = server();
             FileSession session = FileSession.open(at(server.localAddress().getPort()), FetchOptions.defaults())) {
            List<ListEntry> top = session.list("", false);
            assertThat(top).extracting(ListEntry::path).containsExactlyInAnyOrder("a.txt", "docs");
            assertThat(session.fetch("a.txt", work, Progress.NONE).bytes()).isEqualTo(6);
            assertThat(session.fetchInto("docs/b.txt", work, Progress.NONE).destination()).isEqualTo(work.resolve("b.txt"));
            assertThatThrownBy(() -> session.fetch("nothing.txt", work, Progress.NONE))
                    .isInstanceOfSatisfying(ClientException.class,
                            e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.NOT_FOUND));
            assertThat(session.fetch("docs/deep/big.bin", work.resolve("big.bin"), Progress.NONE).bytes())
                    .isEqualTo(300_000);
            assertThat(session.connections()).as("one connection for all of it").isEqualTo(1);
            assertThat(Files.readString(work.resolve("a.txt"))).isEqualTo("alpha\n");
            assertThat(Files.readString(work.resolve("b.txt"))).isEqualTo("bravo\n");
            assertThat(Files.size(work.resolve("big.bin"))).isEqualTo(300_000);
            assertThat(work.resolve("nothing.txt")).doesNotExist();
        }
    }

    @Test
    void fetchesATreeSkippingLinksThatLeaveTheRoot() throws Exception {
        tree();
        List<Long> updates = new java.util.concurrent.CopyOnWriteArrayList<>();
        long[] total = {-1};
        Progress progress = new Progress() {
            @Override
            public void start(long t) {
                total[0] = t;
            }

            @Override
            public void update(long received) {
                updates.add(received);
            }
        };
        Path into = work.resolve("copy");
        try (RunningServer server = server();
             FileSession session = FileSession.open(at(server.localAddress().getPort()), FetchOptions.defaults())) {
            FileSession.TreeResult r = session.fetchTree("docs", into, progress);
            assertThat(r.files()).isEqualTo(3);
            assertThat(r.bytes()).isEqualTo(6 + 300_000 + 8);
            assertThat(r.skipped()).singleElement().asString().startsWith("leak ");
            assertThat(session.connections()).isEqualTo(1);
        }
        assertThat(total[0]).isEqualTo(6 + 300_000 + 8);
        assertThat(updates).isSorted().last().isEqualTo(6L + 300_000 + 8);
        assertThat(Files.readString(into.resolve("b.txt"))).isEqualTo("bravo\n");
        assertThat(Files.readString(into.resolve("deep/er/c.txt"))).isEqualTo("charlie\n");
        assertThat(Files.mismatch(into.resolve("deep/big.bin"), served.resolve("docs/deep/big.bin"))).isEqualTo(-1);
        assertThat(into.resolve("empty")).isDirectory();
        assertThat(into.resolve("leak")).doesNotExist();
        try (Stream<Path> all = Files.walk(into)) {
            assertThat(all.filter(p -> p.getFileName().toString().contains("netlab-partial"))).isEmpty();
        }
    }

    /** A server that predates several requests per connection: one answer, then it closes. */
    private static Channel oneAnswerPerConnection(Path root, AtomicInteger connections) throws Exception {
        return serve((ctx, frame) -> {
            FileRequest req = (FileRequest) frame;
            byte[] data;
            try {
                data = Files.readAllBytes(root.resolve(req.path()));
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            DigestAlgorithm.Digest d = DigestAlgorithm.CRC32C.newDigest();
            d.update(Unpooled.wrappedBuffer(data));
            ctx.write(new FileHeader(FileHeader.Status.OK, data.length, 0, req.blockSize(), DigestAlgorithm.CRC32C));
            ctx.write(new FileChunk(Unpooled.wrappedBuffer(data)));
            ctx.writeAndFlush(new FileEnd(data.length, DigestAlgorithm.CRC32C, d.finish()))
                    .addListener(ChannelFutureListener.CLOSE);
        }, connections);
    }

    private static Channel serve(BiConsumer<ChannelHandlerContext, FileFrame> script, AtomicInteger connections)
            throws Exception {
        return new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        connections.incrementAndGet();
                        ch.pipeline().addLast(FileFrameDecoder.forServer(), FileFrameEncoder.INSTANCE,
                                new SimpleChannelInboundHandler<FileFrame>() {
                                    @Override
                                    protected void channelRead0(ChannelHandlerContext ctx, FileFrame req) {
                                        script.accept(ctx, req);
                                    }
                                });
                    }
                }).bind("127.0.0.1", 0).sync().channel();
    }

    private static int port(Channel server) {
        return ((InetSocketAddress) server.localAddress()).getPort();
    }

    @Test
    void aServerThatClosesAfterEachAnswerGetsEachRequestOnANewConnection() throws Exception {
        Files.writeString(served.resolve("one.txt"), "one\n");
        Files.writeString(served.resolve("two.txt"), "two, too\n");
        AtomicInteger accepted = new AtomicInteger();
        Channel server = oneAnswerPerConnection(served, accepted);
        try (FileSession session = FileSession.open(at(port(server)), FetchOptions.defaults())) {
            session.fetch("one.txt", work, Progress.NONE);
            session.fetch("two.txt", work, Progress.NONE);
            session.fetch("one.txt", work.resolve("again.txt"), Progress.NONE);
            assertThat(session.connections()).isEqualTo(3);
        } finally {
            server.close().sync();
        }
        assertThat(accepted.get()).isEqualTo(3);
        assertThat(Files.readString(work.resolve("two.txt"))).isEqualTo("two, too\n");
        assertThat(Files.readString(work.resolve("again.txt"))).isEqualTo("one\n");
    }

    @Test
    void aLaterRequestThatMeetsACloseIsSentOnceMoreOnANewConnectionAndOnlyOnce() throws Exception {
        AtomicInteger accepted = new AtomicInteger();
        AtomicInteger requests = new AtomicInteger();
        // requests 2, 4 and 5 are met with a close and no byte of an answer; the others are answered
        Channel server = serve((ctx, frame) -> {
            int n = requests.incrementAndGet();
            if (n == 2 || n == 4 || n == 5) {
                ctx.close();
                return;
            }
            ctx.write(new FileHeader(FileHeader.Status.OK, 0, 0, 1024, DigestAlgorithm.NONE));
            ctx.writeAndFlush(new FileEnd(0, DigestAlgorithm.NONE, new byte[0]));
        }, accepted);
        FetchOptions none = FetchOptions.defaults().withDigest(DigestAlgorithm.NONE);
        try (FileSession session = FileSession.open(at(port(server)), none)) {
            session.fetch("one.txt", work.resolve("1"), Progress.NONE);         // request 1, connection 1
            session.fetch("one.txt", work.resolve("2"), Progress.NONE);         // 2 closes; 3 on connection 2
            assertThat(session.connections()).isEqualTo(2);
            // 4 closes; 5, on connection 3, its first request, closes too: not sent a third time
            assertThatThrownBy(() -> session.fetch("one.txt", work.resolve("3"), Progress.NONE))
                    .hasMessageContaining("closed the connection without answering");
            assertThat(session.connections()).isEqualTo(3);
        } finally {
            server.close().sync();
        }
        assertThat(requests.get()).isEqualTo(5);
        assertThat(accepted.get()).isEqualTo(3);
        assertThat(work.resolve("2")).exists();
        assertThat(work.resolve("3")).doesNotExist();
    }

    /** LIST_ENTRY bytes with any path, the hostile server's own encoder. */
    private static ByteBuf entry(int kind, long size, String path) {
        byte[] p = path.getBytes(StandardCharsets.UTF_8);
        return Unpooled.buffer().writeShort(0x4E4C).writeByte(1).writeByte(0x15).writeInt(19 + p.length)
                .writeByte(kind).writeLong(size).writeLong(0).writeShort(p.length).writeBytes(p);
    }

    private void hostileTree(String... names) throws Exception {
        AtomicInteger accepted = new AtomicInteger();
        Channel server = serve((ctx, frame) -> {
            if (frame instanceof ListRequest) {
                for (String n : names) {
                    ctx.write(entry(0, 4, n));
                }
                ctx.writeAndFlush(new ListEnd(names.length));
                return;
            }
            FileRequest req = (FileRequest) frame;
            ctx.write(new FileHeader(FileHeader.Status.OK, 4, 0, req.blockSize(), DigestAlgorithm.NONE));
            ctx.write(new FileChunk(Unpooled.copiedBuffer("evil", StandardCharsets.US_ASCII)));
            ctx.writeAndFlush(new FileEnd(4, DigestAlgorithm.NONE, new byte[0]));
        }, accepted);
        Path into = work.resolve("sandbox/into");
        Files.createDirectories(into);
        try (FileSession session = FileSession.open(at(port(server)),
                FetchOptions.defaults().withDigest(DigestAlgorithm.NONE))) {
            assertThatThrownBy(() -> session.fetchTree("dir", into, Progress.NONE))
                    .isInstanceOf(ClientException.class)
                    .satisfies(e -> assertThat(((ClientException) e).kind()).isEqualTo(ClientException.Kind.PROTOCOL));
        } finally {
            server.close().sync();
        }
        try (Stream<Path> all = Files.walk(work)) {
            assertThat(all.filter(Files::isRegularFile)).as("nothing written anywhere").isEmpty();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"../x", "a/../../x", "/tmp/x", "C:/x", "a\\..\\x", "a//b", "nul\0x", ""})
    void aHostileServerCannotWriteOutsideTheDirectory(String name) throws Exception {
        hostileTree("fine.txt", name);
    }

    @Test
    void namesThatDifferOnlyByCaseOrAreTooLongOrHaveControlCharactersAreRefusedBeforeAnythingIsWritten()
            throws Exception {
        hostileTree("fine.txt", "Readme.txt", "README.TXT");
        hostileTree("fine.txt", "x".repeat(256));
        hostileTree("fine.txt", "line\nbreak");
        hostileTree("fine.txt", "fine.txt");
    }

    @Test
    void localNamesRefuseWhatCouldLeaveTheDirectory() throws Exception {
        LocalNames names = new LocalNames(work);
        assertThat(names.resolve("a/b.txt")).isEqualTo(work.toAbsolutePath().normalize().resolve("a/b.txt"));
        for (String bad : new String[] {"..", "../x", "/x", "C:", "C:/x", "a\\b", "a/./b", "a/", "", "x\0",
                "y".repeat(4097), "z".repeat(256), "A/B.TXT"}) {
            assertThatThrownBy(() -> names.resolve(bad)).as(bad).isInstanceOf(ClientException.class)
                    .hasMessageStartingWith("unsafe name from the server: ");
        }
        assertThat(LocalNames.problem("c:notes")).isNull();
    }

    @Test
    void anOlderServerThatCannotListSaysSo() throws Exception {
        try (RunningServer server = server()) {
            AtomicInteger accepted = new AtomicInteger();
            Channel old = serve((ctx, frame) -> ctx.writeAndFlush(new io.netlab.codec.FileError(
                    ErrorCode.ILLEGAL_OPERATION, "type: LIST_REQUEST (0x14) (expected: FILE_REQUEST (0x10))"))
                    .addListener(ChannelFutureListener.CLOSE), accepted);
            try (FileSession session = FileSession.open(at(port(old)), FetchOptions.defaults())) {
                assertThatThrownBy(() -> session.list("", false))
                        .hasMessageContaining("the server cannot list directories (it predates listing)");
            } finally {
                old.close().sync();
            }
            assertThat(server.connectionCount()).isZero();
        }
    }
}
