package io.netlab.server;

import io.netlab.codec.PeerText;
import io.netlab.codec.SumConstants;
import io.netlab.codec.SumRequest;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.CorruptedFrameException;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.TooLongFrameException;

import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the sum service's text dialect, as students' clients send it: one line {@code NAME,NUMBER} — a comma, a tab
 * or spaces before the last integer token — or {@code NAME} and {@code NUMBER} on two lines. The request ends at its
 * newline, when the client half-closes, after a short pause (students' clients often send no newline), or at
 * {@value #MAX_LINE} bytes (too long). It emits one {@link SumRequest}, as the netlab decoder does, so that the same
 * handler answers it; a line that is none of these fails with a {@link CorruptedFrameException} naming it.
 * Whatever follows the request is discarded (the dialect has one request per connection).
 */
final class SumTextDecoder extends QuietInputDecoder {
    /** The longest request: a name of the netlab limit, a separator and a number. */
    static final int MAX_LINE = SumConstants.MAX_NAME_LENGTH + 32;
    private static final Pattern LINE = Pattern.compile("^\\s*(.*?)\\s*[,\\t ]\\s*([+-]?\\d+)\\s*$");
    private static final Pattern NUMBER = Pattern.compile("^\\s*([+-]?\\d+)\\s*$");

    private boolean ended;
    private boolean done;

    /**
     * @param ended whether the bytes that come first are already the whole request (the detector saw the pause)
     */
    SumTextDecoder(boolean ended) {
        this.ended = ended;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (done) {
            in.skipBytes(in.readableBytes());
            return;
        }
        if (ended) {
            ended = false;
            decodeLast(ctx, in, out);
            return;
        }
        int r = in.readerIndex();
        int first = in.indexOf(r, in.writerIndex(), (byte) '\n');
        if (first < 0) {
            if (in.readableBytes() > MAX_LINE) {
                throw fail(in, new TooLongFrameException("line: over " + MAX_LINE + " bytes without a newline "
                        + "(expected: NAME,NUMBER and a newline)"));
            }
            return;
        }
        String line1 = text(in, r, first);
        if (LINE.matcher(line1).matches() || line1.isBlank()) {
            in.readerIndex(first + 1);
            emit(in, line1, null, out);
            return;
        }
        int second = in.indexOf(first + 1, in.writerIndex(), (byte) '\n');     // NAME and NUMBER on two lines
        if (second >= 0) {
            emit(in, line1, text(in, first + 1, second), out);
        } else if (in.readableBytes() > 2 * MAX_LINE) {
            throw fail(in, new TooLongFrameException("request: over " + 2 * MAX_LINE + " bytes"));
        }
    }

    @Override
    void quiet(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        decodeLast(ctx, in, out);
    }

    @Override
    protected void decodeLast(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (done || !in.isReadable()) {
            return;
        }
        decode(ctx, in, out);
        if (done || !in.isReadable()) {
            return;
        }
        int r = in.readerIndex();
        int lf = in.indexOf(r, in.writerIndex(), (byte) '\n');
        if (lf < 0) {
            emit(in, text(in, r, in.writerIndex()), null, out);
        } else {
            emit(in, text(in, r, lf), text(in, lf + 1, in.writerIndex()), out);
        }
    }

    /** Parses {@code NAME,NUMBER}, or {@code NAME} and {@code NUMBER} given apart, into the request. */
    private void emit(ByteBuf in, String line, String numberLine, List<Object> out) {
        done = true;
        in.skipBytes(in.readableBytes());
        String name;
        String number;
        Matcher m = numberLine == null ? LINE.matcher(line) : NUMBER.matcher(numberLine);
        if (!m.matches()) {
            throw new CorruptedFrameException(numberLine == null
                    ? "line: `" + PeerText.escape(line) + "` (expected: NAME,NUMBER)"
                    : "lines: `" + PeerText.escape(line) + "`, `" + PeerText.escape(numberLine)
                            + "` (expected: NAME,NUMBER, or NAME and NUMBER on two lines)");
        }
        if (numberLine == null) {
            name = m.group(1);
            number = m.group(2);
        } else {
            name = line.strip();
            number = m.group(1);
        }
        int value;
        try {
            value = Integer.parseInt(number.startsWith("+") ? number.substring(1) : number);
        } catch (NumberFormatException e) {
            throw new CorruptedFrameException("number: " + number + " (expected: a 32-bit integer)");
        }
        if (name.getBytes(StandardCharsets.UTF_8).length > SumConstants.MAX_NAME_LENGTH) {
            throw new TooLongFrameException("name: " + name.getBytes(StandardCharsets.UTF_8).length
                    + " bytes of UTF-8 (expected: <= " + SumConstants.MAX_NAME_LENGTH + ')');
        }
        out.add(new SumRequest(name, value));
    }

    /** The bytes from {@code from} to {@code to} as strict UTF-8, without a trailing {@code '\r'}. */
    private String text(ByteBuf in, int from, int to) {
        int end = to > from && in.getByte(to - 1) == '\r' ? to - 1 : to;
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(in.nioBuffer(from, end - from)).toString();
        } catch (CharacterCodingException e) {
            throw fail(in, new CorruptedFrameException("line: invalid UTF-8 (expected: NAME,NUMBER in UTF-8)", e));
        }
    }

    private <E extends DecoderException> E fail(ByteBuf in, E e) {
        done = true;
        in.skipBytes(in.readableBytes());
        return e;
    }
}
