package io.netlab.server;

/**
 * Names of the handlers in the server pipelines, in pipeline order:
 * <pre>
 * file: [wire-log] idle -> limiter -> request-timeout -> frame-decoder -> backpressure -> frame-encoder
 *       -> chunked-writer -> file-handler
 * sum:  [wire-log] idle -> limiter -> request-timeout -> frame-decoder -> backpressure -> frame-encoder -> sum-handler
 * echo: [wire-log] idle -> limiter -> request-timeout -> line-decoder -> backpressure -> string-encoder -> echo-handler
 * </pre>
 */
public final class PipelineNames {
    /** Netty's LoggingHandler, only with --wire-log. */
    public static final String WIRE_LOG = "wire-log";
    /** IdleTimeoutHandler closing connections that make no progress (reads, writes, bytes the kernel sends). */
    public static final String IDLE = "idle";
    /** ConnectionLimiter answering connections over the caps with BUSY. */
    public static final String LIMITER = "limiter";
    /** RequestTimeoutHandler: a request must be whole within --request-timeout of its first byte. */
    public static final String REQUEST_TIMEOUT = "request-timeout";
    /** The netlab frame decoder of the protocol. */
    public static final String FRAME_DECODER = "frame-decoder";
    /** BackpressureHandler, right after the decoder: holds requests and stops reading while the channel is not writable. */
    public static final String BACKPRESSURE = "backpressure";
    /** The netlab frame encoder of the protocol. */
    public static final String FRAME_ENCODER = "frame-encoder";
    /** ChunkedWriteHandler pulling file frames while the channel is writable. */
    public static final String CHUNKED_WRITER = "chunked-writer";
    /** The file server's request handler. */
    public static final String FILE_HANDLER = "file-handler";
    /** The sum server's handler. */
    public static final String SUM_HANDLER = "sum-handler";
    /** LineBasedFrameDecoder of the echo service. */
    public static final String LINE_DECODER = "line-decoder";
    /** UTF-8 StringEncoder of the echo service. */
    public static final String STRING_ENCODER = "string-encoder";
    /** The echo service's handler. */
    public static final String ECHO_HANDLER = "echo-handler";

    private PipelineNames() {
    }
}
