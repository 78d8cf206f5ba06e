package io.netlab.codec.file;

/**
 * A frame of the file-transfer protocol. {@link FileChunk}, {@link FileDataRun} and {@link FileRegionChunk} are
 * reference-counted and must be released; the last two are outbound-only forms of FILE_DATA frames.
 */
public sealed interface FileFrame permits FileRequest, FileHeader, FileChunk, FileEnd, FileError, FileDataRun,
        FileRegionChunk {
}
