/**
 * The netlab codecs: frames, decoders, encoders and the chunked file input, in the one package
 * {@code io.netlab.codec}. The Netty modules its public types extend or return are required transitively, so a
 * consumer's {@code requires io.netlab.codec;} is enough to put the codecs in a pipeline.
 */
module io.netlab.codec {
    requires transitive io.netty.buffer;
    requires transitive io.netty.common;
    requires transitive io.netty.transport;
    requires transitive io.netty.codec;
    requires transitive io.netty.handler;

    exports io.netlab.codec;
}
