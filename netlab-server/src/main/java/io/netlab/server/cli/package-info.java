/**
 * The {@code netlab-server} command line: picocli commands, logging set-up and everything that touches standard
 * output, standard error or the exit code. The servers themselves are in {@link io.netlab.server}.
 */
package io.netlab.server.cli;
