package io.netlab.codec;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/** The versions this build of netlab was made with: netlab itself, the Netty it was built against, the protocol. */
public final class NetlabVersion {
    private static final Properties BUILD = load();

    private NetlabVersion() {
    }

    private static Properties load() {
        Properties p = new Properties();
        try (InputStream in = NetlabVersion.class.getResourceAsStream("version.properties")) {
            if (in != null) {
                p.load(in);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return p;
    }

    /** {@return netlab's version, e.g. {@code "0.1.0-SNAPSHOT"}} */
    public static String netlab() {
        return BUILD.getProperty("version", "unknown");
    }

    /** {@return the Netty version netlab was built and tested against, e.g. {@code "4.2.18.Final"}} */
    public static String netty() {
        return BUILD.getProperty("netty", "unknown");
    }

    /** {@return the wire protocol version this codec speaks (the third byte of every frame)} */
    public static int protocol() {
        return NetlabFrames.VERSION;
    }
}
