package io.netlab.server;

import io.netlab.codec.ErrorCode;
import io.netlab.codec.PeerText;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.DefaultFileRegion;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.stream.ChunkedNioFile;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.handler.codec.DateFormatter;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.QueryStringDecoder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.Date;
import java.util.Locale;
import java.util.Map;

/**
 * Serves the files under the root over HTTP/1.1 (after Netty's {@code HttpServerCodec} and
 * {@code HttpObjectAggregator}): {@code GET} and {@code HEAD} of a file, with {@code Content-Length},
 * {@code Last-Modified}, a single {@code Range} (206, or 416 past the end; {@code curl -C -} resumes), and keep-alive.
 * The body goes out as a {@link DefaultFileRegion}: zero-copy, {@code sendfile(2)} on epoll; under TLS (HTTPS), as a
 * {@link ChunkedNioFile}, whose buffers the {@code SslHandler} can encrypt.
 * Refusals are 404 (no such file), 403 (outside the root, a directory, not a regular file), 400 (a malformed request
 * or path), 405 (another method), each with a one-line text body. Directories are never listed. The paths are
 * checked by the same {@link FileRoot} as netlab requests.
 */
final class HttpFileHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
    private static final Logger logger = LoggerFactory.getLogger(HttpFileHandler.class);
    /** Responses queued at most on one connection (pipelined requests): each holds an open file. */
    static final int MAX_IN_FLIGHT = 16;
    private static final String SERVER = "netlab";
    private static final Map<String, String> TYPES = Map.of("txt", "text/plain; charset=utf-8", "md",
            "text/plain; charset=utf-8", "csv", "text/csv; charset=utf-8", "json", "application/json", "pdf",
            "application/pdf", "png", "image/png", "jpg", "image/jpeg", "jpeg", "image/jpeg", "gif", "image/gif");

    /** Chunk size of a body under TLS: one full TLS record's worth of plaintext four times over. */
    private static final int TLS_CHUNK = 64 * 1024;

    private final FileRoot root;
    private boolean inputShut;
    private int inFlight;

    /**
     * No deadline here: the common {@link RequestTimeoutHandler} times the first request from the connection's start
     * and answers {@link #requestTimeout}; later requests on a kept-alive connection are the idle timeout's.
     */
    HttpFileHandler(FileRoot root) {
        this.root = root;
    }

    /** The answer to a first request that is not complete within the request timeout ({@code time}: "10.0 s"). */
    static FullHttpResponse requestTimeout(String time) {
        FullHttpResponse r = text(null, HttpResponseStatus.REQUEST_TIMEOUT, "no complete request within " + time);
        HttpUtil.setKeepAlive(r, false);
        return r;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
        if (!request.decoderResult().isSuccess()) {
            logger.info("{} http: malformed request: {}: 400", ClientAddress.of(ctx.channel()),
                    request.decoderResult().cause().toString());
            send(ctx, request, HttpResponseStatus.BAD_REQUEST, "malformed request", false);
            return;
        }
        if (inFlight >= MAX_IN_FLIGHT) {
            logger.info("{} http: over {} pipelined requests: closing", ClientAddress.of(ctx.channel()), MAX_IN_FLIGHT);
            ctx.close();
            return;
        }
        boolean keepAlive = HttpUtil.isKeepAlive(request) && !inputShut;
        String uri = PeerText.escape(request.uri());
        HttpMethod method = request.method();
        if (!method.equals(HttpMethod.GET) && !method.equals(HttpMethod.HEAD)) {
            logger.info("{} http {} {}: 405", ClientAddress.of(ctx.channel()), PeerText.escape(method.name()), uri);
            FullHttpResponse r = text(request, HttpResponseStatus.METHOD_NOT_ALLOWED,
                    PeerText.escape(method.name()) + ": not allowed (expected: GET or HEAD)");
            r.headers().set(HttpHeaderNames.ALLOW, "GET, HEAD");
            write(ctx, r, null, keepAlive);
            return;
        }
        String path = path(request.uri());
        if (path == null) {
            logger.info("{} http {} {}: 400", ClientAddress.of(ctx.channel()), method, uri);
            send(ctx, request, HttpResponseStatus.BAD_REQUEST, uri + ": not a path (expected: /NAME)", keepAlive);
            return;
        }
        FileRoot.OpenFile file;
        try {
            file = root.open(path.isEmpty() ? "." : path);
        } catch (FileAccessException e) {
            HttpResponseStatus status = status(e.code());
            String message = path.isEmpty() ? "/: is a directory (expected: a file; directories are not listed)"
                    : e.getMessage() + (e.code() == ErrorCode.NOT_A_FILE ? "; directories are not listed" : "");
            logger.info("{} http {} {}: {}: {} ({})", ClientAddress.of(ctx.channel()), method, uri, status.code(),
                    e.getMessage(), e.code());
            send(ctx, request, status, message, keepAlive);
            return;
        }
        serve(ctx, request, method, uri, file, keepAlive);
    }

    private void serve(ChannelHandlerContext ctx, FullHttpRequest request, HttpMethod method, String uri,
                       FileRoot.OpenFile file, boolean keepAlive) {
        long size = file.size();
        String lastModified;
        try {
            lastModified = DateFormatter.format(new Date(Files.getLastModifiedTime(file.path()).toMillis()));
        } catch (IOException e) {
            lastModified = null;
        }
        String ifRange = request.headers().get(HttpHeaderNames.IF_RANGE);
        ByteRange range = ifRange == null || ifRange.equals(lastModified)
                ? ByteRange.parse(request.headers().get(HttpHeaderNames.RANGE), size) : null;
        if (range == ByteRange.UNSATISFIABLE) {
            close(file);
            logger.info("{} http {} {}: 416 (range {} of {} bytes)", ClientAddress.of(ctx.channel()), method, uri,
                    PeerText.escape(request.headers().get(HttpHeaderNames.RANGE)), size);
            FullHttpResponse r = text(request, HttpResponseStatus.REQUESTED_RANGE_NOT_SATISFIABLE,
                    "range: " + PeerText.escape(request.headers().get(HttpHeaderNames.RANGE)) + " (expected: within "
                            + size + " bytes)");
            r.headers().set(HttpHeaderNames.CONTENT_RANGE, "bytes */" + size);
            write(ctx, r, null, keepAlive);
            return;
        }
        long first = range == null ? 0 : range.first();
        long length = range == null ? size : range.length();
        HttpResponse response = new DefaultHttpResponse(request.protocolVersion(),
                range == null ? HttpResponseStatus.OK : HttpResponseStatus.PARTIAL_CONTENT);
        response.headers().set(HttpHeaderNames.SERVER, SERVER)
                .set(HttpHeaderNames.DATE, DateFormatter.format(new Date()))
                .set(HttpHeaderNames.CONTENT_TYPE, contentType(file.path().getFileName().toString()))
                .set(HttpHeaderNames.ACCEPT_RANGES, HttpHeaderValues.BYTES)
                .set(HttpHeaderNames.CONTENT_LENGTH, length)
                .set("X-Content-Type-Options", "nosniff");
        if (lastModified != null) {
            response.headers().set(HttpHeaderNames.LAST_MODIFIED, lastModified);
        }
        if (range != null) {
            response.headers().set(HttpHeaderNames.CONTENT_RANGE, "bytes " + range.first() + '-' + range.last() + '/' + size);
        }
        boolean body = method.equals(HttpMethod.GET) && length > 0;
        if (!body) {
            close(file);
        }
        long start = System.nanoTime();
        ChannelFuture done = write(ctx, response, body ? body(ctx, file, first, length) : null,
                keepAlive);
        String what = range == null ? LogFormat.bytes(length) : "bytes " + range.first() + '-' + range.last() + " of " + size;
        done.addListener(f -> {
            if (f.isSuccess()) {
                logger.info("{} http {} {}: {} ({}{})", ClientAddress.of(ctx.channel()), method, uri, response.status().code(),
                        what, body ? ", " + LogFormat.secondsAndRate(length, System.nanoTime() - start) : "");
            } else {
                logger.info("{} http {} {}: stopped: {}", ClientAddress.of(ctx.channel()), method, uri, f.cause().toString());
            }
        });
    }

    /** The body: a file region, or under TLS a chunked file (the chunked writer pulls it while writable). */
    private static Object body(ChannelHandlerContext ctx, FileRoot.OpenFile file, long first, long length) {
        if (ctx.pipeline().get(SslHandler.class) == null) {
            return new DefaultFileRegion(file.channel(), first, length);
        }
        try {
            return new ChunkedNioFile(file.channel(), first, length, TLS_CHUNK);
        } catch (IOException e) {       // only when the channel is closed, which it cannot be here
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** The response head, the body (or none) and the end, in order; then a close unless kept alive. */
    private ChannelFuture write(ChannelHandlerContext ctx, HttpResponse response, Object body, boolean keepAlive) {
        HttpUtil.setKeepAlive(response, keepAlive);
        inFlight++;
        ChannelFuture end;
        if (response instanceof FullHttpResponse) {
            end = ctx.writeAndFlush(response);
        } else {
            ctx.write(response);
            if (body != null) {
                ctx.write(body);
            }
            end = ctx.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT);
        }
        end.addListener((ChannelFutureListener) f -> {
            inFlight--;
            if (!f.isSuccess() || !keepAlive || inputShut && inFlight == 0) {
                f.channel().close();
            }
        });
        return end;
    }

    private void send(ChannelHandlerContext ctx, FullHttpRequest request, HttpResponseStatus status, String message,
                      boolean keepAlive) {
        write(ctx, text(request, status, message), null, keepAlive);
    }

    private static FullHttpResponse text(FullHttpRequest request, HttpResponseStatus status, String message) {
        ByteBuf body = Unpooled.copiedBuffer(status.code() + " " + status.reasonPhrase() + ": " + message + '\n',
                StandardCharsets.UTF_8);
        FullHttpResponse r = new DefaultFullHttpResponse(request == null ? HttpVersion.HTTP_1_1 : request.protocolVersion(),
                status, body);
        r.headers().set(HttpHeaderNames.SERVER, SERVER)
                .set(HttpHeaderNames.DATE, DateFormatter.format(new Date()))
                .set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8")
                .set(HttpHeaderNames.CONTENT_LENGTH, body.readableBytes())
                .set("X-Content-Type-Options", "nosniff");
        if (request != null && request.method().equals(HttpMethod.HEAD)) {
            r.content().clear();
        }
        return r;
    }

    /** The path under the root that a request target names (decoded), "" for "/", or null when it names none. */
    static String path(String target) {
        String raw = target;
        if (!raw.startsWith("/")) {
            try {
                URI u = new URI(raw);                    // absolute form: http://host:port/path
                if (u.getRawPath() == null || !u.getRawPath().startsWith("/")) {
                    return null;
                }
                raw = u.getRawPath();
            } catch (URISyntaxException e) {
                return null;
            }
        }
        String path;
        try {
            path = new QueryStringDecoder(raw, StandardCharsets.UTF_8, true).path();
        } catch (IllegalArgumentException e) {
            return null;
        }
        return path.substring(1);
    }

    private static HttpResponseStatus status(ErrorCode code) {
        return switch (code) {
            case NOT_FOUND -> HttpResponseStatus.NOT_FOUND;
            case ACCESS_DENIED, NOT_A_FILE -> HttpResponseStatus.FORBIDDEN;
            case BAD_REQUEST -> HttpResponseStatus.BAD_REQUEST;
            default -> HttpResponseStatus.INTERNAL_SERVER_ERROR;
        };
    }

    private static String contentType(String name) {
        int dot = name.lastIndexOf('.');
        String type = dot < 0 ? null : TYPES.get(name.substring(dot + 1).toLowerCase(Locale.ROOT));
        return type != null ? type : "application/octet-stream";
    }

    private static void close(FileRoot.OpenFile file) {
        try {
            file.channel().close();
        } catch (IOException ignored) {
            // read-only: nothing to lose
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        if (evt instanceof ChannelInputShutdownEvent) {
            inputShut = true;
            if (inFlight == 0) {
                ctx.close();
            }
        }
        super.userEventTriggered(ctx, evt);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        logger.debug("{} http connection failed: {}", ctx.channel(), cause.toString());
        ctx.close();
    }
}
