package io.netlab.codec.example;

import io.netlab.codec.FileChunk;
import io.netlab.codec.FileEnd;
import io.netlab.codec.FileError;
import io.netlab.codec.FileFrame;
import io.netlab.codec.FileFrameChunkedInput;
import io.netlab.codec.FileFrameDecoder;
import io.netlab.codec.FileFrameEncoder;
import io.netlab.codec.FileHeader;
import io.netlab.codec.FileRequest;
import io.netlab.codec.SumDecoder;
import io.netlab.codec.SumEncoder;
import io.netlab.codec.SumReply;
import io.netlab.codec.SumRequest;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
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
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.stream.ChunkedWriteHandler;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The README's "Embedding the codecs" section, run for real over 127.0.0.1. The snippets between the
 * {@code README:} markers are the README's text, character for character: {@link #readmeShowsThisCode()} checks it.
 */
class EmbeddingExampleTest {
    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());

    @TempDir
    Path myRoot;

    @AfterEach
    void stop() {
        group.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS).syncUninterruptibly();
    }

    private Channel server(ChannelInitializer<SocketChannel> init) throws InterruptedException {
        return new ServerBootstrap().group(group).channel(NioServerSocketChannel.class).childHandler(init)
                .bind("127.0.0.1", 0).sync().channel();
    }

    private Channel client(Channel server, ChannelInitializer<SocketChannel> init) throws InterruptedException {
        return new Bootstrap().group(group).channel(NioSocketChannel.class).handler(init)
                .connect(server.localAddress()).sync().channel();
    }

    @Test
    void fileTransferPipelines() throws Exception {
        Files.writeString(myRoot.resolve("data.bin"), "netlab ".repeat(1000));
        Channel server = server(new ChannelInitializer<SocketChannel>() {
            @Override
            protected void initChannel(SocketChannel ch) {
                // README:begin file-server
                ch.pipeline().addLast(FileFrameDecoder.forServer(), FileFrameEncoder.INSTANCE, new ChunkedWriteHandler(),
                        new SimpleChannelInboundHandler<FileRequest>() {
                            @Override
                            protected void channelRead0(ChannelHandlerContext ctx, FileRequest req) throws IOException {
                                // check req.path() against your own root first (netlab-server's FileRoot does)
                                FileChannel file = FileChannel.open(myRoot.resolve(req.path()), StandardOpenOption.READ);
                                ctx.writeAndFlush(FileFrameChunkedInput.builder(file, file.size())
                                        .blockSize(req.blockSize()).digest(req.digest()).build())
                                        .addListener(ChannelFutureListener.CLOSE);
                            }
                        });
                // README:end
            }
        });
        ByteArrayOutputStream received = new ByteArrayOutputStream();
        CompletableFuture<FileEnd> done = new CompletableFuture<>();
        Channel ch = client(server, new ChannelInitializer<SocketChannel>() {
            @Override
            protected void initChannel(SocketChannel ch) {
                // README:begin file-client
                ch.pipeline().addLast(FileFrameDecoder.forClient(1024), FileFrameEncoder.INSTANCE,
                        new SimpleChannelInboundHandler<FileFrame>() {
                            @Override
                            protected void channelRead0(ChannelHandlerContext ctx, FileFrame frame) throws IOException {
                                if (frame instanceof FileHeader header) {
                                    System.out.println("size: " + header.size());
                                } else if (frame instanceof FileChunk chunk) {      // released after this method
                                    chunk.content().readBytes(received, chunk.content().readableBytes());
                                } else if (frame instanceof FileEnd end) {          // check end.digestValue() too
                                    done.complete(end);
                                } else if (frame instanceof FileError error) {
                                    done.completeExceptionally(new IOException(error.code() + ": " + error.message()));
                                }
                            }
                        });
                // README:end
            }
        });
        // the README's client prints the size: catch it here rather than in the build log
        java.io.PrintStream stdout = System.out;
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        System.setOut(new java.io.PrintStream(printed, true, StandardCharsets.UTF_8));
        FileEnd end;
        try {
            // README:begin file-request
            ch.writeAndFlush(new FileRequest("data.bin", 1024));
            // README:end
            end = done.get(10, TimeUnit.SECONDS);
        } finally {
            System.setOut(stdout);
        }
        assertThat(printed.toString(StandardCharsets.UTF_8)).isEqualTo("size: 7000" + System.lineSeparator());
        assertThat(end.totalBytes()).isEqualTo(7000);
        assertThat(received.toString(StandardCharsets.UTF_8)).isEqualTo("netlab ".repeat(1000));
        ch.close().sync();
        server.close().sync();
    }

    @Test
    void nameIntPipelines() throws Exception {
        Channel server = server(new ChannelInitializer<SocketChannel>() {
            @Override
            protected void initChannel(SocketChannel ch) {
                // README:begin sum-server
                ch.pipeline().addLast(SumDecoder.forServer(), SumEncoder.INSTANCE,
                        new SimpleChannelInboundHandler<SumRequest>() {
                            @Override
                            protected void channelRead0(ChannelHandlerContext ctx, SumRequest msg) {
                                ctx.writeAndFlush(new SumReply("Server of Ada", 7, msg.value() + 7L));
                            }
                        });
                // README:end
            }
        });
        CompletableFuture<SumReply> reply = new CompletableFuture<>();
        Channel ch = client(server, new ChannelInitializer<SocketChannel>() {
            @Override
            protected void initChannel(SocketChannel ch) {
                ch.pipeline().addLast(SumDecoder.forClient(), SumEncoder.INSTANCE,
                        new SimpleChannelInboundHandler<SumReply>() {
                            @Override
                            protected void channelRead0(ChannelHandlerContext ctx, SumReply r) {
                                reply.complete(r);
                            }
                        });
            }
        });
        ch.writeAndFlush(new SumRequest("Grace", 35));
        assertThat(reply.get(10, TimeUnit.SECONDS)).isEqualTo(new SumReply("Server of Ada", 7, 42));
        ch.close().sync();
        server.close().sync();
    }

    @Test
    void readmeShowsThisCode() throws Exception {
        String source = Files.readString(Path.of("src/test/java/io/netlab/codec/example/EmbeddingExampleTest.java"));
        String readme = Files.readString(Path.of("../README.md"));
        Matcher m = Pattern.compile("// README:begin (\\S+)\\n(.*?)\\n\\s*// README:end", Pattern.DOTALL).matcher(source);
        int found = 0;
        while (m.find()) {
            found++;
            String snippet = dedent(m.group(2));
            assertThat(readme).as("README.md shows the '%s' snippet exactly as tested", m.group(1)).contains(snippet);
        }
        assertThat(found).isEqualTo(4);
    }

    private static String dedent(String block) {
        String[] lines = block.split("\n");
        int indent = Integer.MAX_VALUE;
        for (String l : lines) {
            if (!l.isBlank()) {
                indent = Math.min(indent, l.length() - l.stripLeading().length());
            }
        }
        StringBuilder sb = new StringBuilder();
        for (String l : lines) {
            sb.append(l.isBlank() ? "" : l.substring(indent)).append('\n');
        }
        return sb.toString().stripTrailing();
    }
}
