package io.netlab.codec;

/** A frame of the sum protocol. */
public sealed interface SumFrame permits SumRequest, SumReply, SumError {
}
