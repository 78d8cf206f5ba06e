package io.netlab.client;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;

import java.util.Locale;

/**
 * The client's I/O transport: Java NIO unless epoll is asked for. A client moves one connection: there NIO
 * measured as fast as epoll or faster (a one-shot fetch of 1 KiB to 1 GiB, docs/performance.md), and it starts
 * without extracting and loading epoll's native library (the servers keep epoll).
 */
public enum Transport {
    /** The default: {@link #NIO}, the faster one for a client's one connection. */
    AUTO,
    /** Linux epoll through Netty's native transport; fails clearly where it is not available. */
    EPOLL,
    /** Java NIO selectors; works on every platform. */
    NIO;

    /**
     * {@link #AUTO} resolved to a concrete transport.
     *
     * @return {@link #EPOLL} or {@link #NIO}
     * @throws IllegalStateException when epoll was asked for but cannot be loaded here
     */
    public Transport resolve() {
        if (this != EPOLL) {
            return NIO;
        }
        if (!Epoll.isAvailable()) {
            throw new IllegalStateException("transport: epoll is not available here (" + Epoll.unavailabilityCause()
                    + "); use --transport nio");
        }
        return EPOLL;
    }

    /** A one-thread event loop group of this (resolved) transport. */
    EventLoopGroup newGroup() {
        return new MultiThreadIoEventLoopGroup(1, this == EPOLL ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
    }

    /** The channel class of this (resolved) transport. */
    Class<? extends SocketChannel> socketChannel() {
        return this == EPOLL ? EpollSocketChannel.class : NioSocketChannel.class;
    }

    /** The name users type: {@code auto}, {@code epoll}, {@code nio}. */
    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }
}
