package io.netlab.codec;

/**
 * A frame of the file-transfer protocol, as a receiver handles it. {@link FileChunk} and {@link FileDataRun} are
 * reference-counted and must be released. (What a sender writes besides these — already-encoded buffers and file
 * regions from {@link FileFrameChunkedInput} — passes the encoder untouched and is not a frame type.)
 */
public sealed interface FileFrame permits FileRequest, FileHeader, FileChunk, FileDataRun, FileEnd, FileError,
        PutRequest, PutReady, PutDone, ListRequest, ListEntry, ListEnd {
}
