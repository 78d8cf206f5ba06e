package io.netlab.server;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.ServerSocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;

import java.util.Locale;

/** The server's I/O transport: native epoll where available (Linux), Java NIO everywhere. */
public enum Transport {
    /** epoll when the native library loads, NIO otherwise. */
    AUTO,
    /** Linux epoll through Netty's native transport; fails clearly where it is not available. */
    EPOLL,
    /** Java NIO selectors; works on every platform. */
    NIO;

    /**
     * Resolves {@link #AUTO} to a concrete transport and checks that {@link #EPOLL} can be used.
     *
     * @return {@link #EPOLL} or {@link #NIO}
     * @throws IllegalStateException when epoll was asked for but cannot be loaded here
     */
    public Transport resolve() {
        return switch (this) {
            case AUTO -> Epoll.isAvailable() ? EPOLL : NIO;
            case EPOLL -> {
                if (!Epoll.isAvailable()) {
                    throw new IllegalStateException("transport: epoll is not available here ("
                            + Epoll.unavailabilityCause() + "); use --transport nio");
                }
                yield EPOLL;
            }
            case NIO -> NIO;
        };
    }

    /** A new event loop group of this transport; {@code threads} 0 means Netty's default (twice the cores). */
    EventLoopGroup newGroup(int threads) {
        return new MultiThreadIoEventLoopGroup(threads,
                resolve() == EPOLL ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
    }

    /** The server channel class of this transport. */
    Class<? extends ServerSocketChannel> serverChannel() {
        return resolve() == EPOLL ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
    }

    /** The name users type: {@code auto}, {@code epoll}, {@code nio}. */
    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }
}
