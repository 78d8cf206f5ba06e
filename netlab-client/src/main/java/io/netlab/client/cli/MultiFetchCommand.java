package io.netlab.client.cli;

import io.netlab.client.ClientException;
import io.netlab.client.Endpoint;
import io.netlab.client.FetchOptions;
import io.netlab.client.FileSession;
import io.netlab.client.Progress;
import io.netlab.client.TransferResult;
import io.netlab.client.Units;
import io.netlab.codec.DigestAlgorithm;
import io.netlab.codec.ListEntry;
import io.netlab.codec.PeerText;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Several files, or whole trees, in one command ({@code netlab-client SERVER:PORT:A SERVER:PORT:B LOCAL_DIR},
 * {@code netlab-client -r SERVER:PORT:DIR LOCAL_DIR}): every source on the same server goes over one
 * {@link FileSession}, one connection, with one progress bar for the whole command. As scp does, a tree whose
 * destination exists goes into it under its own name, and otherwise becomes the destination. The first failure
 * stops the command with its exit code ({@link ExitCodes}); what was fetched before it stays.
 */
final class MultiFetchCommand {
    private MultiFetchCommand() {
    }

    static int run(NetlabClient cmd, CommandSpec spec, List<String> sources, String local, boolean recursive,
                   FetchOptions options) {
        List<Endpoint> endpoints = new ArrayList<>();
        for (String s : sources) {
            endpoints.add(NetlabClient.endpoint(spec, s, true));
        }
        if (local.equals("-")) {
            throw new CommandLine.ParameterException(spec.commandLine(), "LOCAL_DIR: '-' (expected: a directory; "
                    + (recursive ? "a tree" : "several files") + " cannot go to standard output)");
        }
        if (options.resume()) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "--continue: one file at a time (expected: one SERVER:PORT:REMOTE_PATH, without -r)");
        }
        Path dir = LocalPath.parse(spec, local);
        // the sources of each server, in order: one session (one connection) per server
        Map<String, List<Endpoint>> byServer = new LinkedHashMap<>();
        for (Endpoint e : endpoints) {
            byServer.computeIfAbsent(e.authority(), k -> new ArrayList<>()).add(e);
        }
        return NetlabClient.run(cmd.common, () -> {
            boolean exists = Files.isDirectory(dir);
            if (!recursive && !exists) {
                throw new ClientException(ClientException.Kind.LOCAL, Files.exists(dir, LinkOption.NOFOLLOW_LINKS)
                        ? "destination: " + dir + " is not a directory (expected: a directory for several files)"
                        : "destination directory does not exist: " + dir);
            }
            if (recursive && !exists && endpoints.size() > 1) {
                throw new ClientException(ClientException.Kind.LOCAL,
                        "destination directory does not exist: " + dir + " (expected: an existing directory for several trees)");
            }
            long start = System.nanoTime();
            int files = 0;
            long bytes = 0;
            List<String> skipped = new ArrayList<>();
            try (ConsoleProgress bar = ConsoleProgress.forFetch(recursive ? "tree" : endpoints.size() + " files",
                    cmd.progress ? Boolean.TRUE : cmd.noProgress ? Boolean.FALSE : null, false)) {
                Total total = new Total(bar);
                for (List<Endpoint> group : byServer.values()) {
                    try (FileSession session = FileSession.open(group.get(0), options)) {
                        if (!recursive) {
                            total.add(sizes(session, group));
                        }
                        for (Endpoint e : group) {
                            if (recursive) {
                                Path into = exists ? dir.resolve(treeName(e.path())) : dir;
                                FileSession.TreeResult r = session.fetchTree(treePath(e.path()), into, total.tree());
                                files += r.files();
                                bytes += r.bytes();
                                for (String s : r.skipped()) {
                                    skipped.add(e.authority() + ':' + PeerText.escape(joined(e.path(), s)));
                                }
                            } else {
                                TransferResult r = session.fetchInto(e.path(), dir, total.file());
                                files++;
                                bytes += r.bytes();
                            }
                        }
                    }
                }
            }
            for (String s : skipped) {
                System.err.println("netlab-client: skipped " + s);
            }
            System.out.println("fetched " + files + (files == 1 ? " file" : " files") + ": " + Units.bytes(bytes)
                    + (bytes >= 1024 ? " (" + bytes + " bytes)" : "") + " in " + Units.seconds(System.nanoTime() - start)
                    + " (" + Units.rate(bytes, System.nanoTime() - start) + "), each "
                    + (options.digest() == DigestAlgorithm.NONE ? "size verified"
                    : options.digest().name().toLowerCase(Locale.ROOT) + " verified") + " -> " + dir
                    + (skipped.isEmpty() ? "" : ", " + skipped.size() + " skipped"));
            return ExitCodes.OK;
        });
    }

    /** The sizes of the named files, from a listing of each (0 when the server cannot list: no bar then). */
    private static long sizes(FileSession session, List<Endpoint> group) throws InterruptedException {
        long sum = 0;
        for (Endpoint e : group) {
            try {
                for (ListEntry entry : session.list(e.path(), false)) {
                    sum += entry.size();
                }
            } catch (ClientException unknown) {
                return 0;       // an older server, or a path the fetch itself will report
            }
        }
        return sum;
    }

    /** The remote directory of a tree: {@code .} and {@code /} name the root. */
    static String treePath(String path) {
        String p = path;
        while (p.endsWith("/") && p.length() > 1) {
            p = p.substring(0, p.length() - 1);
        }
        return p.equals(".") || p.equals("/") ? "" : p;
    }

    /** The name a tree gets inside an existing destination: its last segment ({@code root} for the root). */
    static String treeName(String path) {
        String p = treePath(path);
        String name = p.substring(p.lastIndexOf('/') + 1);
        return name.isEmpty() || name.equals("..") ? "root" : name;
    }

    private static String joined(String dir, String entry) {
        String d = treePath(dir);
        return d.isEmpty() ? entry : d + '/' + entry;
    }

    /** One progress for the whole command: each file or tree moves one total. */
    private static final class Total {
        private final ConsoleProgress bar;
        private long total;
        private long done;

        Total(ConsoleProgress bar) {
            this.bar = bar;
        }

        void add(long bytes) {
            total += bytes;
            bar.start(total);
        }

        /** The progress of one file whose size the total already holds. */
        Progress file() {
            return part(false);
        }

        /** The progress of one tree, which adds its size to the total when it starts. */
        Progress tree() {
            return part(true);
        }

        private Progress part(boolean adds) {
            long base = done;
            return new Progress() {
                private long last;

                @Override
                public void start(long size) {
                    if (adds) {
                        add(size);
                    }
                }

                @Override
                public void update(long received) {
                    last = received;
                    done = base + received;
                    bar.update(done);
                }

                @Override
                public void note(String message) {
                    bar.note(message);
                }

                @Override
                public void finish() {
                    done = base + last;
                }
            };
        }
    }
}
