package io.netlab.codec.file;

/** A frame of the file-transfer protocol. Only {@link FileChunk} holds a buffer that must be released. */
public sealed interface FileFrame permits FileRequest, FileHeader, FileChunk, FileEnd, FileError {
}
