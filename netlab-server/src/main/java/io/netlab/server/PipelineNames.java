package io.netlab.server;

/**
 * Names of the handlers in the server pipelines, in pipeline order:
 * <pre>
 * file: [wire-log] idle -> limiter -> request-timeout -> [dialect] -> frame-decoder -> backpressure -> frame-encoder
 *       -> chunked-writer -> file-handler
 *       once the dialect detector has seen the first bytes and removed itself, one of:
 *       netlab: ... request-timeout -> frame-decoder -> backpressure -> frame-encoder -> chunked-writer -> file-handler
 *               (the file handler takes out frame-decoder and backpressure for each answer, a transfer or a
 *               listing, and puts them back after it for the next request: KeepAlive; for an upload it puts
 *               upload-handler in front of itself instead, and frame-decoder then takes the upload's data)
 *       raw:    ... request-timeout -> raw-decoder -> backpressure -> chunked-writer -> raw-handler
 *       http:   ... request-timeout -> http-codec -> http-aggregator -> backpressure -> chunked-writer -> http-handler
 *       (the detector is there unless --protocols is netlab alone; without netlab, backpressure waits right after
 *       it until the dialect's decoder goes in front)
 * sum:  [wire-log] idle -> limiter -> request-timeout -> dialect -> frame-decoder -> backpressure -> frame-encoder
 *       -> sum-handler
 *       for a text client, once the dialect detector has left:
 *       ... request-timeout -> text-decoder -> backpressure -> text-encoder -> sum-handler -> half-close
 * echo: [wire-log] idle -> limiter -> request-timeout -> line-decoder -> backpressure -> string-encoder -> echo-handler
 *       -> half-close
 * with --proxy-protocol, two handlers go between idle and limiter, and leave once the header is read:
 *       [wire-log] idle -> proxy-decoder -> proxy-header -> limiter -> ...
 * With TLS ({@code --tls-cert}), every pipeline starts with {@code tls-guard -> tls} (a plain client gets one
 * sentence; Netty's {@code SslHandler}), and the rest sees clear text.
 * </pre>
 */
public final class PipelineNames {
    /** Answers a plain-text client on a TLS port with one sentence, then closes; leaves after the first read. */
    public static final String TLS_GUARD = "tls-guard";
    /** Netty's SslHandler, first in every pipeline of a TLS server. */
    public static final String TLS = "tls";
    /** Netty's LoggingHandler, only with --wire-log. */
    public static final String WIRE_LOG = "wire-log";
    /** IdleTimeoutHandler closing connections that make no progress (reads, writes, bytes the kernel sends). */
    public static final String IDLE = "idle";
    /** Netty's HAProxyMessageDecoder (PROXY protocol v1 and v2), only with --proxy-protocol; leaves after the header. */
    public static final String PROXY_DECODER = "proxy-decoder";
    /** Keeps the PROXY header's client address and holds the connection back from the limiter until then. */
    public static final String PROXY_HEADER = "proxy-header";
    /** ConnectionLimiter answering connections over the caps with BUSY. */
    public static final String LIMITER = "limiter";
    /** RequestTimeoutHandler: a request must be whole within --request-timeout of its first byte. */
    public static final String REQUEST_TIMEOUT = "request-timeout";
    /** The netlab frame decoder of the protocol (replaced by the dialect's decoder for raw, HTTP and text peers). */
    public static final String FRAME_DECODER = "frame-decoder";
    /** BackpressureHandler, right after the decoder: holds requests and stops reading while the channel is not writable. */
    public static final String BACKPRESSURE = "backpressure";
    /** The netlab frame encoder of the protocol. */
    public static final String FRAME_ENCODER = "frame-encoder";
    /** ChunkedWriteHandler pulling file frames while the channel is writable. */
    public static final String CHUNKED_WRITER = "chunked-writer";
    /** The file server's request handler. */
    public static final String FILE_HANDLER = "file-handler";
    /** Receives one upload; the file handler puts it in front of itself for a PUT_REQUEST, and it leaves after. */
    public static final String UPLOAD_HANDLER = "upload-handler";
    /** The sum server's handler. */
    public static final String SUM_HANDLER = "sum-handler";
    /** The echo service's text decoder: lines, and text ended by a pause or a half-close. */
    public static final String LINE_DECODER = "line-decoder";
    /** UTF-8 StringEncoder of the echo service. */
    public static final String STRING_ENCODER = "string-encoder";
    /** The echo service's handler. */
    public static final String ECHO_HANDLER = "echo-handler";

    /** DialectDetector: tells the dialects of a multi-dialect server apart by the first bytes, then leaves. */
    public static final String DIALECT = "dialect";
    /** The raw lab dialect's request decoder (the file name). */
    public static final String RAW_DECODER = "raw-decoder";
    /** The raw lab dialect's file sender. */
    public static final String RAW_HANDLER = "raw-handler";
    /** Netty's HttpServerCodec. */
    public static final String HTTP_CODEC = "http-codec";
    /** Netty's HttpObjectAggregator. */
    public static final String HTTP_AGGREGATOR = "http-aggregator";
    /** The HTTP file handler. */
    public static final String HTTP_HANDLER = "http-handler";
    /** The sum service's text dialect decoder ({@code NAME,NUMBER}). */
    public static final String TEXT_DECODER = "text-decoder";
    /** The sum service's text dialect encoder ({@code SERVER NAME,SERVER NUMBER}). */
    public static final String TEXT_ENCODER = "text-encoder";
    /** Closes a connection once its peer has half-closed and the last answers are written. */
    public static final String HALF_CLOSE = "half-close";

    private PipelineNames() {
    }
}
