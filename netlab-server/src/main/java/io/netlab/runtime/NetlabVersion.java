package io.netlab.runtime;

import picocli.CommandLine;

import java.io.InputStream;
import java.util.Properties;

/** Supplies {@code --version} from the build (netlab version, Java, Netty). */
public final class NetlabVersion implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() throws Exception {
        Properties p = new Properties();
        try (InputStream in = NetlabVersion.class.getResourceAsStream("/netlab-version.properties")) {
            if (in != null) {
                p.load(in);
            }
        }
        return new String[] {
            "netlab " + p.getProperty("version", "unknown"),
            "Netty " + p.getProperty("netty", "unknown") + ", Java " + System.getProperty("java.version"),
        };
    }
}
