package io.netlab.codec.namevalue;

/** A frame of the name/int protocol. */
public sealed interface NamedIntFrame permits NamedIntMessage, NamedIntReply, NamedIntError {
}
