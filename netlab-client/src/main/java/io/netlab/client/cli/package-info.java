/**
 * The {@code netlab-client} command line: picocli commands, keyboard prompts, the progress bar, and everything that
 * touches standard output, standard error or the exit code. The clients themselves are in {@link io.netlab.client}.
 */
package io.netlab.client.cli;
