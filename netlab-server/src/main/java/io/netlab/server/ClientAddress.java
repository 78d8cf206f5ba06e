package io.netlab.server;

import io.netty.channel.Channel;
import io.netty.util.AttributeKey;

import java.net.InetSocketAddress;
import java.net.SocketAddress;

/**
 * The address of the client a connection serves: the source address of the PROXY protocol header a load balancer
 * sent first ({@link ServerBuilder#proxyProtocol(boolean)}), or else the connection's own remote address. Log lines,
 * the per-client connection caps and BUSY answers all use it.
 */
public final class ClientAddress {
    /** The real client address read from the connection's PROXY protocol header (absent for a LOCAL header). */
    static final AttributeKey<InetSocketAddress> PROXIED = AttributeKey.valueOf(ClientAddress.class, "proxied");

    private ClientAddress() {
    }

    /**
     * The client address of a connection.
     *
     * @param channel a connection of a netlab server
     * @return the source address of its PROXY protocol header, when it had one naming a client; else its remote address
     */
    public static SocketAddress of(Channel channel) {
        InetSocketAddress proxied = channel.attr(PROXIED).get();
        return proxied != null ? proxied : channel.remoteAddress();
    }
}
