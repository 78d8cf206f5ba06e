package io.netlab.server;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.haproxy.HAProxyMessageDecoder;
import io.netty.util.ReferenceCountUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;

/**
 * Netty's PROXY protocol decoder (v1 and v2), which also refuses at once a connection whose first bytes cannot begin
 * either header (Netty's decoder would wait for a v1 line end that a netlab frame never sends). It removes itself
 * once the header is read, handing on the bytes that followed it; {@link ProxyHeaderHandler} takes the header.
 */
final class ProxyHeaderDecoder extends HAProxyMessageDecoder {
    private static final Logger logger = LoggerFactory.getLogger(ProxyHeaderDecoder.class);
    private static final byte[] V1 = "PROXY ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] V2 = {0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A};

    private final byte[] first = new byte[V2.length];
    private int seen;
    private boolean checked;
    private boolean refused;

    ProxyHeaderDecoder() {
        super(true);        // fail fast: an over-long header is refused as soon as it is too long
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
        if (refused) {
            ReferenceCountUtil.release(msg);        // closing: nothing more is read
            return;
        }
        if (!checked && msg instanceof ByteBuf buf) {
            int n = Math.min(buf.readableBytes(), first.length - seen);
            buf.getBytes(buf.readerIndex(), first, seen, n);
            seen += n;
            boolean v1 = startsLike(V1), v2 = startsLike(V2);
            if (!v1 && !v2) {
                ReferenceCountUtil.release(msg);
                refused = true;
                logger.info("{} refused: no PROXY protocol header (first bytes {}): closing", ctx.channel().remoteAddress(),
                        ByteBufUtil.hexDump(first, 0, seen));
                ctx.close();
                return;
            }
            checked = seen >= (v1 ? V1.length : V2.length);
        }
        super.channelRead(ctx, msg);
    }

    private boolean startsLike(byte[] signature) {
        for (int i = 0; i < Math.min(seen, signature.length); i++) {
            if (first[i] != signature[i]) {
                return false;
            }
        }
        return true;
    }
}
