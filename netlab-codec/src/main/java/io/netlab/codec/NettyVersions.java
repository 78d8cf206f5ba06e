package io.netlab.codec;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

/**
 * Refuses a class path that mixes Netty 4.2 with older Netty artifacts. netlab-codec is built on Netty 4.2, whose
 * frame decoders live in {@code netty-codec-base}; a Netty 4.1 application that adds netlab-codec gets
 * {@code netty-codec-base} 4.2 beside its own {@code netty-codec} 4.1, and both hold
 * {@code io.netty.handler.codec.ByteToMessageDecoder}: whichever comes first on the class path wins, silently.
 * The versions come from the {@code META-INF/io.netty.versions.properties} every Netty jar carries, read once:
 * the files {@code io.netty.util.Version.identify} reads, without the build and commit dates it also parses
 * (its {@code SimpleDateFormat} loads the calendar and locale data: about 30 ms of a one-shot client's start).
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

    /**
     * Netty's artifacts on the class path and their versions, as {@code io.netty.util.Version.identify} finds them:
     * an artifact counts when its properties give its version, build and commit dates, commit hashes and status.
     *
     * @return artifact id to version, e.g. {@code netty-codec-base -> 4.2.18.Final}
     */
    static Map<String, String> identify() {
        Map<String, String> versions = new TreeMap<>();
        try {
            ClassLoader loader = NettyVersions.class.getClassLoader();
            Enumeration<URL> files = (loader != null ? loader : ClassLoader.getSystemClassLoader())
                    .getResources("META-INF/io.netty.versions.properties");
            Properties props = new Properties();
            while (files.hasMoreElements()) {
                try (InputStream in = files.nextElement().openStream()) {
                    props.load(in);
                }
            }
            for (String key : props.stringPropertyNames()) {
                int dot = key.indexOf('.');
                String artifact = dot <= 0 ? null : key.substring(0, dot);
                if (artifact != null && key.equals(artifact + ".version")
                        && props.containsKey(artifact + ".buildDate") && props.containsKey(artifact + ".commitDate")
                        && props.containsKey(artifact + ".shortCommitHash") && props.containsKey(artifact + ".longCommitHash")
                        && props.containsKey(artifact + ".repoStatus")) {
                    versions.put(artifact, props.getProperty(key));
                }
            }
        } catch (IOException | RuntimeException | LinkageError e) {
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
