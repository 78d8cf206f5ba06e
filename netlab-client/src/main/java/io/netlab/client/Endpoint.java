package io.netlab.client;

import java.util.Objects;

/**
 * A server address from the command line: {@code HOST:PORT}, where HOST is a name, an IPv4 address or an
 * IPv6 address in brackets, optionally followed by {@code :REMOTE_PATH} (which may itself contain ':').
 *
 * @param host the host name or address, without brackets
 * @param port the TCP port
 * @param path the remote path, or {@code null} when none was given
 */
public record Endpoint(String host, int port, String path) {
    /**
     * Checks the fields.
     *
     * @param host the host name or address, without brackets
     * @param port the TCP port
     * @param path the remote path, or {@code null} when none was given
     */
    public Endpoint {
        Objects.requireNonNull(host, "host");
    }

    /**
     * Parses {@code SERVER:PORT} (when {@code withPath} is false) or {@code SERVER:PORT:REMOTE_PATH}.
     *
     * @param text     what the user typed
     * @param withPath whether a remote path must follow the port
     * @return the endpoint
     * @throws IllegalArgumentException with a message saying what is wrong and what was expected
     */
    public static Endpoint parse(String text, boolean withPath) {
        String expected = withPath ? "SERVER:PORT:REMOTE_PATH" : "SERVER:PORT";
        String host;
        String rest;
        if (text.startsWith("[")) {
            int close = text.indexOf(']');
            if (close < 0) {
                throw new IllegalArgumentException("'" + text + "': unclosed '[' (expected: " + expected
                        + ", IPv6 as [::1])");
            }
            host = text.substring(1, close);
            rest = text.substring(close + 1);
            if (!rest.startsWith(":")) {
                throw new IllegalArgumentException("'" + text + "': no port after ']' (expected: " + expected + ')');
            }
            rest = rest.substring(1);
        } else {
            int colon = text.indexOf(':');
            if (colon < 0) {
                throw new IllegalArgumentException("'" + text + "': no port (expected: " + expected + ')');
            }
            host = text.substring(0, colon);
            rest = text.substring(colon + 1);
        }
        if (host.isEmpty()) {
            throw new IllegalArgumentException("'" + text + "': no server (expected: " + expected + ')');
        }
        String portText;
        String path = null;
        int colon = rest.indexOf(':');
        if (withPath) {
            if (colon < 0) {
                throw new IllegalArgumentException("'" + text + "': no remote path (expected: " + expected + ')');
            }
            portText = rest.substring(0, colon);
            path = rest.substring(colon + 1);
            if (path.isEmpty()) {
                throw new IllegalArgumentException("'" + text + "': empty remote path (expected: " + expected + ')');
            }
        } else {
            if (colon >= 0) {
                throw new IllegalArgumentException("'" + text + "': unexpected ':" + rest.substring(colon + 1)
                        + "' after the port (expected: " + expected + ", IPv6 as [::1])");
            }
            portText = rest;
        }
        int port;
        try {
            port = Integer.parseInt(portText);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + text + "': port '" + portText + "' is not a number (expected: "
                    + expected + (host.contains(":") ? "" : ", IPv6 as [::1]") + ')');
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("'" + text + "': port " + port + " (expected: 1..65535)");
        }
        return new Endpoint(host, port, path);
    }

    /** {@return {@code host:port}, with brackets around IPv6 addresses} */
    public String authority() {
        return (host.contains(":") ? "[" + host + "]" : host) + ':' + port;
    }
}
