/**
 * Embeddable netlab servers: {@link io.netlab.server.FileServer}, {@link io.netlab.server.SumServer} and
 * {@link io.netlab.server.EchoServer} builders, each started as a {@link io.netlab.server.RunningServer} with its
 * bound address and a graceful {@code close()}. Nothing here prints to a console: handlers log through SLF4J and
 * report to listeners.
 */
package io.netlab.server;
