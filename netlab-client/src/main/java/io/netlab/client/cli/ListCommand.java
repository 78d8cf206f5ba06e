package io.netlab.client.cli;

import io.netlab.client.Endpoint;
import io.netlab.client.FetchOptions;
import io.netlab.client.FileSession;
import io.netlab.codec.ListEntry;
import io.netlab.codec.PeerText;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code ls SERVER:PORT[:DIR]}: lists a directory of a file server, as text or JSON. */
@Command(name = "ls", mixinStandardHelpOptions = true, versionProvider = NetlabClient.Version.class, sortOptions = false,
        description = {"Lists a directory of a netlab file server: type, size, modification time (UTC) and name.",
            "Types: - file, d directory, o other (FIFO, socket, device: never served), "
                + "s skipped (a link that leaves the server's root, or to a directory: never followed)."})
final class ListCommand implements Callable<Integer> {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm", Locale.ROOT)
            .withZone(ZoneOffset.UTC);

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "SERVER:PORT[:DIR]", description = "the server, and the directory under its "
            + "root (default: the root)")
    String target;

    @Option(names = {"-r", "--recursive"}, description = "list the whole tree")
    boolean recursive;

    @Option(names = "--json", description = "one JSON array of {path, type, size, modified} objects")
    boolean json;

    @Mixin
    NetlabClient.Common common;

    @Override
    public Integer call() {
        Endpoint endpoint;
        try {
            endpoint = Endpoint.parse(target, false);
        } catch (IllegalArgumentException noPath) {
            String t = target.endsWith(":") ? target.substring(0, target.length() - 1) : target;
            endpoint = t.equals(target) ? NetlabClient.endpoint(spec, target, true)
                    : NetlabClient.endpoint(spec, t, false);
        }
        String dir = endpoint.path() == null ? "" : MultiFetchCommand.treePath(endpoint.path());
        FetchOptions options = FetchOptions.builder().connectTimeout(Duration.ofSeconds(common.connectTimeout))
                .connectRetry(common.connectRetry).readTimeout(Duration.ofSeconds(common.timeout)).transport(common.transport(spec))
                .tls(common.tls(spec)).build();
        Endpoint server = endpoint;
        return NetlabClient.run(common, () -> {
            List<ListEntry> entries;
            try (FileSession session = FileSession.open(server, options)) {
                entries = session.list(dir, recursive);
            }
            List<ListEntry> sorted = entries.stream().sorted(Comparator.comparing(ListEntry::path)).toList();
            System.out.print(json ? json(sorted) : text(sorted));
            System.out.flush();
            return ExitCodes.OK;
        });
    }

    static String text(List<ListEntry> entries) {
        long widest = entries.stream().mapToLong(ListEntry::size).max().orElse(0);
        int width = Math.max(1, Long.toString(widest).length());
        StringBuilder b = new StringBuilder();
        for (ListEntry e : entries) {
            b.append(switch (e.kind()) {
                case FILE -> '-';
                case DIRECTORY -> 'd';
                case OTHER -> 'o';
                case SKIPPED -> 's';
            }).append(' ').append(String.format(Locale.ROOT, "%" + width + "d", e.size())).append("  ")
                    .append(TIME.format(Instant.ofEpochMilli(e.modified()))).append("  ")
                    .append(PeerText.escape(e.path())).append(e.kind() == ListEntry.Kind.DIRECTORY ? "/" : "")
                    .append('\n');
        }
        return b.toString();
    }

    static String json(List<ListEntry> entries) {
        StringBuilder b = new StringBuilder("[");
        for (int i = 0; i < entries.size(); i++) {
            ListEntry e = entries.get(i);
            b.append(i == 0 ? "\n" : ",\n").append("  {\"path\": ").append(quote(e.path()))
                    .append(", \"type\": \"").append(e.kind().name().toLowerCase(Locale.ROOT))
                    .append("\", \"size\": ").append(e.size())
                    .append(", \"modified\": \"").append(Instant.ofEpochMilli(e.modified())).append("\"}");
        }
        return b.append(entries.isEmpty() ? "]\n" : "\n]\n").toString();
    }

    /** A JSON string: quotes, backslashes and control characters escaped. */
    static String quote(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> {
                    if (c < 0x20 || c == 0x7f || c == 0x2028 || c == 0x2029) {
                        b.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.append('"').toString();
    }
}
