package io.netlab.server.cli;

import io.netlab.codec.NetlabVersion;
import picocli.CommandLine;

/** Supplies {@code --version}: the netlab, Netty and Java versions. */
final class VersionProvider implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
        return new String[] {"netlab " + NetlabVersion.netlab(),
            "Netty " + NetlabVersion.netty() + ", Java " + System.getProperty("java.version")};
    }
}
