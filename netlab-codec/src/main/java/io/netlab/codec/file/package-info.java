/**
 * The netlab file-transfer protocol: a request, then a header, data chunks of at most the block size,
 * and an end frame with the total and a digest; or an error frame.
 */
package io.netlab.codec.file;
