package io.netlab.client;

import io.netlab.codec.DigestAlgorithm;
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
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A hostile tree listing that names a file (or a directory) under a directory it never lists, where the destination
 * already holds a symbolic link of that name to somewhere outside (found in review): nothing is written outside.
 */
class TreeFetchLinkTest {
    private static final byte[] EVIL = "written by the server\n".getBytes(StandardCharsets.UTF_8);

    @TempDir
    Path work;
    @TempDir
    Path outside;

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void aFileUnderAnUnlistedDirectoryIsNotWrittenThroughALocalLink() throws Exception {
        ClientException refused = fetchThroughLink(new ListEntry(ListEntry.Kind.FILE, EVIL.length, 0, "sub/evil.txt"));
        assertThat(refused.kind()).isEqualTo(ClientException.Kind.LOCAL);
        assertThat(refused.getMessage()).startsWith("sub/evil.txt: a symbolic link in the destination")
                .contains("leads outside it");
        try (Stream<Path> left = Files.list(outside)) {
            assertThat(left).as("written outside the destination through a link").isEmpty();
        }
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void aDirectoryUnderAnUnlistedDirectoryIsNotCreatedThroughALocalLink() throws Exception {
        ClientException refused = fetchThroughLink(new ListEntry(ListEntry.Kind.DIRECTORY, 0, 0, "sub/d"),
                new ListEntry(ListEntry.Kind.FILE, EVIL.length, 0, "sub/d/evil.txt"));
        assertThat(refused.kind()).isEqualTo(ClientException.Kind.LOCAL);
        assertThat(refused.getMessage()).startsWith("sub/d: a symbolic link in the destination");
        try (Stream<Path> left = Files.list(outside)) {
            assertThat(left).as("created outside the destination through a link").isEmpty();
        }
    }

    /** Fetches a tree whose listing is {@code listed} into a destination holding a link "sub" to outside. */
    private ClientException fetchThroughLink(ListEntry... listed) throws Exception {
        byte[] evil = EVIL;
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        try {
            Channel server = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            ch.pipeline().addLast(FileFrameDecoder.forServer(), FileFrameEncoder.INSTANCE,
                                    new SimpleChannelInboundHandler<FileFrame>() {
                                        @Override
                                        protected void channelRead0(ChannelHandlerContext ctx, FileFrame req) {
                                            if (req instanceof ListRequest) {
                                                // no DIRECTORY entry for "sub": only what is under it
                                                for (ListEntry e : listed) {
                                                    ctx.write(e);
                                                }
                                                ctx.writeAndFlush(new ListEnd(listed.length));
                                                return;
                                            }
                                            FileRequest r = (FileRequest) req;
                                            DigestAlgorithm.Digest d = r.digest().newDigest();
                                            d.update(Unpooled.wrappedBuffer(evil));
                                            ctx.write(new FileHeader(FileHeader.Status.OK, evil.length, 0, r.blockSize(), r.digest()));
                                            ctx.write(new FileChunk(Unpooled.wrappedBuffer(evil)));
                                            ctx.writeAndFlush(new FileEnd(evil.length, r.digest(), d.finish()));
                                        }
                                    });
                        }
                    }).bind("127.0.0.1", 0).sync().channel();
            int port = ((InetSocketAddress) server.localAddress()).getPort();
            Path dest = Files.createDirectories(work.resolve("dest"));
            try {
                Files.createSymbolicLink(dest.resolve("sub"), outside);     // the user's own link, in the destination
            } catch (UnsupportedOperationException | IOException e) {
                Assumptions.abort("symbolic links cannot be made here: " + e);
            }
            ClientException refused = null;
            try (FileSession session = FileSession.open(new Endpoint("127.0.0.1", port, null), FetchOptions.defaults())) {
                session.fetchTree("tree", dest, Progress.NONE);
            } catch (ClientException e) {
                refused = e;
            }
            server.close().sync();
            assertThat(refused).as("the fetch through a link is refused").isNotNull();
            return refused;
        } finally {
            group.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
        }
    }
}
