package io.netlab.server;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.CorruptedFrameException;
import io.netty.handler.codec.TooLongFrameException;

import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Reads the request of the raw lab dialect: a file name and nothing else, as UTF-8. The name is what arrives first,
 * up to a newline ({@code "\r\n"} too), the client half-closing, a short pause, or {@code maxLength} bytes (a longer
 * name fails with {@link TooLongFrameException}). It emits one {@link RawRequest}; whatever follows is discarded.
 */
final class RawRequestDecoder extends QuietInputDecoder {
    /** How the name's end was found, for the log. */
    enum End { NEWLINE, PAUSE, HALF_CLOSE }

    /** A raw request: the file name and how its end was found. */
    record RawRequest(String name, End end) {
    }

    private final int maxLength;
    private boolean ended;
    private boolean done;

    /**
     * @param maxLength the longest name, in bytes
     * @param ended     whether the bytes that come first are already the whole request (the detector saw the pause)
     */
    RawRequestDecoder(int maxLength, boolean ended) {
        this.maxLength = maxLength;
        this.ended = ended;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (done) {
            in.skipBytes(in.readableBytes());
            return;
        }
        int limit = Math.min(in.readableBytes(), maxLength + 2);
        int lf = in.indexOf(in.readerIndex(), in.readerIndex() + limit, (byte) '\n');
        if (lf >= 0) {
            int end = lf > in.readerIndex() && in.getByte(lf - 1) == '\r' ? lf - 1 : lf;
            emit(in, end - in.readerIndex(), End.NEWLINE, out);
        } else if (ended) {
            emit(in, in.readableBytes(), End.PAUSE, out);
        } else if (in.readableBytes() > maxLength) {
            fail(in);
        }
    }

    @Override
    void quiet(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (!done) {
            emit(in, in.readableBytes(), End.PAUSE, out);
        }
    }

    @Override
    protected void decodeLast(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (!done) {
            ended = false;
            decode(ctx, in, out);
            if (!done) {
                emit(in, in.readableBytes(), End.HALF_CLOSE, out);
            }
        }
    }

    private void emit(ByteBuf in, int length, End end, List<Object> out) {
        done = true;
        if (length > maxLength) {
            fail(in);
        }
        String name;
        try {
            name = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(in.nioBuffer(in.readerIndex(), length)).toString();
        } catch (CharacterCodingException e) {
            in.skipBytes(in.readableBytes());
            throw new CorruptedFrameException("name: invalid UTF-8 (expected: a file name in UTF-8)", e);
        }
        in.skipBytes(in.readableBytes());
        out.add(new RawRequest(name, end));
    }

    private void fail(ByteBuf in) {
        done = true;
        int n = in.readableBytes();
        in.skipBytes(n);
        throw new TooLongFrameException("name: over " + maxLength + " bytes without an end (expected: <= " + maxLength
                + " bytes, then a newline, a pause or a half-close)");
    }
}
