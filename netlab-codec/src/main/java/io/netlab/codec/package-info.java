/** Shared parts of the netlab wire format: the frame header, error codes, digests and the base frame decoder. */
package io.netlab.codec;
