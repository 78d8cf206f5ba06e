package io.netlab.codec;

import io.netty.util.Version;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Refuses a class path that mixes Netty 4.2 with older Netty artifacts. netlab-codec is built on Netty 4.2, whose
 * frame decoders live in {@code netty-codec-base}; a Netty 4.1 application that adds netlab-codec gets
 * {@code netty-codec-base} 4.2 beside its own {@code netty-codec} 4.1, and both hold
 * {@code io.netty.handler.codec.ByteToMessageDecoder}: whichever comes first on the class path wins, silently.
 * The versions come from the {@code META-INF/io.netty.versions.properties} every Netty jar carries
 * ({@link Version#identify(ClassLoader)}), read once.
 */
final class NettyVersions {
    /** The Netty line netlab is built for. */
    static final String SUPPORTED = "4.2";

    private static final String PROBLEM = problem(identify());

    private NettyVersions() {
    }

    /**
     * Called when a netlab handler is created or added to a pipeline.
     *
     * @throws IllegalStateException with one line naming the artifacts and versions, when they are mixed
     */
    static void check() {
        if (PROBLEM != null) {
            throw new IllegalStateException(PROBLEM);
        }
    }

    private static Map<String, String> identify() {
        Map<String, String> versions = new TreeMap<>();
        try {
            for (Version v : Version.identify(NettyVersions.class.getClassLoader()).values()) {
                versions.put(v.artifactId(), v.artifactVersion());
            }
        } catch (RuntimeException | LinkageError e) {
            // no version information to go on: nothing to refuse
        }
        return versions;
    }

    /**
     * Finds Netty 4 artifacts of another line than {@value #SUPPORTED}.
     *
     * @param versions artifact id to version, e.g. {@code netty-codec -> 4.1.118.Final}
     * @return one line for the user, or {@code null} when every Netty 4 artifact is {@value #SUPPORTED}.x
     */
    static String problem(Map<String, String> versions) {
        List<String> older = new ArrayList<>();
        String current = null;
        for (Map.Entry<String, String> e : new TreeMap<>(versions).entrySet()) {
            String version = e.getValue();
            if (version.startsWith(SUPPORTED + '.')) {
                if (current == null || e.getKey().equals("netty-codec-base")) {
                    current = e.getKey() + ' ' + version;
                }
            } else if (version.startsWith("4.") || version.startsWith("3.")) {
                older.add(e.getKey() + ' ' + version);
            }
            // other lines (netty-tcnative 2.0.x, a future 4.3 or 5) are not refused here
        }
        if (older.isEmpty()) {
            return null;
        }
        String named = older.size() <= 2 ? String.join(" and ", older)
                : older.get(0) + ", " + older.get(1) + " and " + (older.size() - 2) + " more";
        return "netlab-codec " + NetlabVersion.netlab() + " needs Netty " + SUPPORTED + ".x (built with "
                + NetlabVersion.netty() + "), but the class path mixes " + named
                + (current != null ? " with " + current : "")
                + ": use one Netty version for every io.netty artifact (import io.netty:netty-bom:"
                + NetlabVersion.netty() + ')';
    }
}
