package io.netlab.client;

import io.netlab.codec.DigestAlgorithm;
import io.netlab.codec.ErrorCode;
import io.netlab.codec.FileHeader;
import io.netlab.codec.PeerText;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Where one transfer into a {@link PartialFile} starts, and what happens to the partial file when it fails. The
 * rules (README, "Resuming a fetch"; docs/reliability.md):
 * <ul>
 * <li>Without {@link FetchOptions#resume()}, a partial file left by an earlier fetch into the same destination is
 *     discarded (with a note) and the fetch starts from byte 0: stale partial files go with the next fetch of their
 *     destination.</li>
 * <li>With it, a partial file that holds bytes and whose metadata names the same destination name and remote path
 *     is continued from its last byte: its bytes are digested from the disk first, the request carries the offset,
 *     and the FILE_END digest, which covers the whole file, checks them along with the rest. The server may differ
 *     (a mirror, another name for the same host): the digest decides.</li>
 * <li>A partial file that does not belong to the remote file is discarded with a note, and the fetch starts over
 *     from byte 0, once: when its metadata names another file, when the server's size differs from the one
 *     recorded, when the file is now shorter than the partial file (the server answers OUT_OF_RANGE), or when the
 *     whole file's digest or size does not match at the end. A server that cannot resume (UNSUPPORTED) gets a
 *     fetch from byte 0 too.</li>
 * <li>A failed fetch keeps its partial file when it was interrupted ({@link ClientException.Kind#INTERRUPTED},
 *     {@link ClientException.Kind#CONNECT}, {@link ClientException.Kind#REMOTE}, an interrupted thread, SIGINT or
 *     SIGTERM; SIGKILL leaves it anyway) and it holds bytes; it deletes it after an integrity failure, a protocol
 *     error or a local disk error, whose bytes are not to be trusted or whose disk is full.</li>
 * </ul>
 */
final class ResumeAttempt {
    private final PartialFile partial;
    private final Path destination;
    private final Endpoint server;
    private final String remotePath;
    private final Progress progress;
    private final long offset;
    private final DigestAlgorithm.Digest digestedToOffset;
    /** The remote size the partial file's metadata records, or -1 when the fetch starts from byte 0. */
    private final long recordedSize;
    private final boolean startedOver;
    /** Whether a fresh partial file gets its record (what --continue needs); not in a tree, which never resumes. */
    private boolean record = true;
    private FileClientHandler handler;
    private String headerMismatch;

    private ResumeAttempt(PartialFile partial, Path destination, Endpoint server, String remotePath, Progress progress,
                          long offset, DigestAlgorithm.Digest digestedToOffset, long recordedSize, boolean startedOver) {
        this.partial = partial;
        this.destination = destination;
        this.server = server;
        this.remotePath = remotePath;
        this.progress = progress;
        this.offset = offset;
        this.digestedToOffset = digestedToOffset;
        this.recordedSize = recordedSize;
        this.startedOver = startedOver;
    }

    /**
     * The first attempt: continues the partial file when asked to and when it belongs to the remote file (its
     * bytes are digested here, from the disk), or discards it and starts from byte 0.
     */
    static ResumeAttempt plan(PartialFile partial, Path destination, Endpoint server, String remotePath,
                              FetchOptions options, Progress progress) throws IOException {
        long length = partial.length();
        PartialFile.Metadata m = partial.metadata();
        if (length == 0) {
            partial.discard();      // an orphan metadata file, if any
        } else if (!options.resume()) {
            progress.note("discarding " + partial.shown() + ", the partial file an earlier fetch left (" + length
                    + " bytes; --continue would resume it)");
            partial.discard();
        } else {
            String foreign = foreign(m, length, destination, remotePath);
            if (foreign == null) {
                return new ResumeAttempt(partial, destination, server, remotePath, progress, length,
                        partial.digest(options.digest(), length), m.size(), false);
            }
            progress.note("discarding the partial file " + partial.shown() + ": " + foreign
                    + "; fetching from the start");
            partial.discard();
        }
        return new ResumeAttempt(partial, destination, server, remotePath, progress, 0, null, -1, false);
    }

    /** Why a partial file of {@code length} bytes with metadata {@code m} is not a part of the remote file. */
    private static String foreign(PartialFile.Metadata m, long length, Path destination, String remotePath) {
        if (m == null) {
            return "there is no readable record of what it is a part of";
        }
        if (!m.name().equals(destination.getFileName().toString())) {
            return "it is a part of " + PeerText.escape(m.name()) + ", not of " + destination.getFileName();
        }
        if (!m.remotePath().equals(remotePath)) {
            return "it is a part of " + PeerText.escape(m.remotePath()) + " (from " + PeerText.escape(m.server())
                    + "), not of " + PeerText.escape(remotePath);
        }
        if (length > m.size()) {
            return "it holds " + length + " bytes, more than the " + m.size() + " of the file it is a part of";
        }
        return null;
    }

    /** The first byte asked for. */
    long offset() {
        return offset;
    }

    /** With an offset, the running digest of the partial file's bytes; else null. */
    DigestAlgorithm.Digest digestedToOffset() {
        return digestedToOffset;
    }

    void handler(FileClientHandler h) {
        this.handler = h;
    }

    /**
     * The server's header, before any data: records what a fresh partial file is a part of, and stops a resume
     * whose remote file has another size than the one recorded.
     */
    void checkHeader(FileHeader header) throws ClientException {
        if (offset == 0) {
            if (!record) {
                return;
            }
            try {
                partial.writeMetadata(new PartialFile.Metadata(destination.getFileName().toString(),
                        server.authority(), remotePath, header.size()));
            } catch (IOException e) {
                throw new ClientException(ClientException.Kind.LOCAL, "local disk error: cannot write beside "
                        + partial.shown() + ": " + e, e);
            }
        } else if (header.size() != recordedSize) {
            headerMismatch = "the remote file has " + header.size() + " bytes now, " + recordedSize
                    + " when the partial file was written";
            throw new ClientException(ClientException.Kind.INTEGRITY, "resume refused: " + headerMismatch);
        }
    }

    /**
     * After a failed resume: when the failure shows that the partial file does not belong to the remote file (or
     * that the server cannot resume), discards it and returns the attempt that starts over from byte 0, once;
     * otherwise null (the failure stands).
     */
    /** No record beside a fresh partial file (a tree's files: one create fewer each; a later fetch discards it). */
    ResumeAttempt withoutRecord() {
        record = false;
        return this;
    }

    ResumeAttempt startOverAfter(ClientException e) throws IOException {
        if (offset == 0 || startedOver) {
            return null;
        }
        ErrorCode refusal = handler == null ? null : handler.refusal();
        String note;
        if (headerMismatch != null) {
            note = "discarding the partial file " + partial.shown() + ": " + headerMismatch;
        } else if (e.kind() == ClientException.Kind.REMOTE && refusal == ErrorCode.OUT_OF_RANGE) {
            note = "discarding the partial file " + partial.shown() + ": the remote file is shorter than its "
                    + offset + " bytes now (" + e.getMessage() + ')';
        } else if (e.kind() == ClientException.Kind.INTEGRITY) {
            note = "discarding the partial file " + partial.shown() + ": its " + offset + " bytes were not the "
                    + "beginning of " + PeerText.escape(remotePath) + " (" + e.getMessage() + ')';
        } else if (e.kind() == ClientException.Kind.REMOTE && refusal == ErrorCode.UNSUPPORTED) {
            note = "the server cannot resume (" + e.getMessage() + ')';
        } else {
            return null;
        }
        progress.note(note + "; fetching from the start");
        partial.discard();
        return new ResumeAttempt(partial, destination, server, remotePath, progress, 0, null, -1, true);
    }

    /** Whether a fetch that failed with {@code e} keeps its partial file: interrupted, with bytes to continue. */
    static boolean keeps(ClientException e, PartialFile partial) {
        if (e.kind() != ClientException.Kind.INTERRUPTED && e.kind() != ClientException.Kind.CONNECT
                && e.kind() != ClientException.Kind.REMOTE) {
            return false;
        }
        try {
            return partial.length() > 0 && partial.metadata() != null;
        } catch (IOException unreadable) {
            return false;
        }
    }

    /** {@code e}, saying where its bytes are kept and how to continue. */
    static ClientException withKeptPartial(ClientException e, PartialFile partial) {
        long kept;
        try {
            kept = partial.length();
        } catch (IOException unreadable) {
            return e;
        }
        return new ClientException(e.kind(), e.getMessage() + "; the first " + kept + " bytes are kept in "
                + partial.shown() + " (--continue resumes from there)", e.getCause());
    }
}
