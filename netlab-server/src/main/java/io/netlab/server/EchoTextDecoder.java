package io.netlab.server;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.TooLongFrameException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Cuts the echo service's input into the pieces to answer, as UTF-8 strings: each line, with {@code "\n"} at its end
 * (a {@code "\r"} before it is dropped), for nc and telnet users; and text without a newline once the peer has been
 * quiet for a moment or has half-closed, without a {@code "\n"}, for the textbook client, which sends one sentence
 * and waits. A character split across reads is never cut: the bytes of an unfinished one wait for the rest. A byte
 * that is not UTF-8 is kept as the lone surrogate {@code U+DC80 + (byte - 0x80)} ({@link #text}), which upper-casing
 * leaves alone and {@link EchoServerHandler#answer} turns into a lower-case {@code \xNN} escape. More
 * than {@code maxLine} bytes without a newline is a {@link TooLongFrameException}, and everything after it is
 * discarded. A peer whose first bytes are a netlab frame or a TLS handshake is not answered but closed, with a log
 * line that names what it sent.
 */
final class EchoTextDecoder extends QuietInputDecoder {
    private static final Logger logger = LoggerFactory.getLogger(EchoTextDecoder.class);

    private final int maxLine;
    private boolean checked;
    private boolean discarding;

    EchoTextDecoder(int maxLine) {
        this.maxLine = maxLine;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (discarding) {
            in.skipBytes(in.readableBytes());
            return;
        }
        if (!checked) {
            FirstBytes.Kind kind = FirstBytes.classify(in, false);
            if (kind == null) {
                return;         // 1 to 3 bytes that may start a netlab frame: wait for the fourth (or the pause)
            }
            checked = true;
            if (kind == FirstBytes.Kind.NETLAB || kind == FirstBytes.Kind.TLS) {
                // not text: uppercased, it would be garbage to the peer; say what it is instead
                logger.info("{} sent {}: this is the echo service (text lines): closing", ClientAddress.of(ctx.channel()),
                        FileDialects.described(in));
                discarding = true;
                in.skipBytes(in.readableBytes());
                ctx.close();
                return;
            }
        }
        int lf;
        while ((lf = in.indexOf(in.readerIndex(), in.writerIndex(), (byte) '\n')) >= 0) {
            int length = lf - in.readerIndex();
            if (length > maxLine) {
                throw tooLong(in, length);
            }
            int end = length > 0 && in.getByte(lf - 1) == '\r' ? lf - 1 : lf;
            String line = text(in, in.readerIndex(), end - in.readerIndex());
            in.readerIndex(lf + 1);
            out.add(line + '\n');
        }
        if (in.readableBytes() > maxLine) {
            throw tooLong(in, in.readableBytes());
        }
    }

    @Override
    void quiet(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (discarding) {
            return;
        }
        checked = true;         // a pause: whatever came is text to answer
        int n = completeUtf8Length(in);
        if (n > 0) {
            out.add(text(in, in.readerIndex(), n));
            in.skipBytes(n);
        }
    }

    @Override
    protected void decodeLast(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        checked |= in.readableBytes() < 4;
        decode(ctx, in, out);
        if (!discarding && in.isReadable()) {
            // the end of the input: an unfinished character can no longer be completed (its bytes are escaped)
            out.add(text(in, in.readerIndex(), in.readableBytes()));
            in.skipBytes(in.readableBytes());
        }
    }

    /**
     * The bytes as text: UTF-8, with each byte that is not part of a UTF-8 character as the lone surrogate
     * {@code U+DC80..U+DCFF} (as Python's {@code surrogateescape}; no UTF-8 decodes to a lone surrogate).
     */
    static String text(ByteBuf buf, int index, int length) {
        ByteBuffer in = buf.nioBuffer(index, length);
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
        CharBuffer chars = CharBuffer.allocate(length);      // never more chars than UTF-8 bytes
        StringBuilder text = new StringBuilder(length);
        for (;;) {
            CoderResult r = decoder.decode(in, chars, true);
            chars.flip();
            text.append(chars);
            chars.clear();
            if (!r.isError()) {
                return text.toString();           // underflow: all read (overflow cannot happen)
            }
            for (int i = 0; i < r.length(); i++) {      // the decoder left them unread
                text.append((char) (0xDC00 | (in.get() & 0xFF)));
            }
        }
    }

    private TooLongFrameException tooLong(ByteBuf in, int length) {
        discarding = true;
        in.skipBytes(in.readableBytes());
        return new TooLongFrameException("line: over " + length + " bytes (expected: <= " + maxLine + ')');
    }
}
