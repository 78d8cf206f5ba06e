/**
 * Embeddable netlab clients: {@link io.netlab.client.FileFetcher} (a verified, atomic fetch into a file),
 * {@link io.netlab.client.SumClient} (adding two numbers) and {@link io.netlab.client.EchoClient} (the uppercase
 * echo). Nothing here prints: failures are {@link io.netlab.client.ClientException}s with a one-line message and a
 * {@link io.netlab.client.ClientException.Kind}; progress goes to a {@link io.netlab.client.Progress}.
 */
package io.netlab.client;
