/**
 * The netlab wire protocol: one frame format (an 8-byte header {@code 'N' 'L' version type length}, see
 * docs/protocol.md) carrying two message families. The <b>file</b> family ({@code File…}: request, header, data,
 * end with a digest, error; and for uploads {@code Put…}: request, ready, done) transfers a file in blocks; the <b>sum</b> family ({@code Sum…}: request, reply, error)
 * is the lab's "adding two numbers". Each family has a decoder ({@link io.netlab.codec.FileFrameDecoder},
 * {@link io.netlab.codec.SumDecoder}) and a shared, stateless encoder; {@link io.netlab.codec.FileFrameChunkedInput}
 * streams a file through Netty's {@code ChunkedWriteHandler}. The helpers the codecs share stay package-private.
 */
package io.netlab.codec;
