package org.srv6.appliance.metrics.internal;

/**
 * The value of {@code srv6.metrics.address}: {@code HOST:PORT}, an IPv6 host in brackets
 * ({@code [::1]:9464}).
 *
 * @param host the host or address to bind
 * @param port 1..65535
 */
record MetricsAddress(String host, int port) {

    /** @throws IllegalArgumentException with one line saying what is wrong */
    static MetricsAddress parse(String text) {
        String t = text.trim();
        int colon = t.lastIndexOf(':');
        if (colon <= 0 || colon == t.length() - 1) {
            throw new IllegalArgumentException("expected HOST:PORT, e.g. 127.0.0.1:9464");
        }
        String host = t.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        } else if (host.indexOf(':') >= 0) {
            throw new IllegalArgumentException("an IPv6 address goes in brackets: [ADDR]:PORT");
        }
        if (host.isEmpty()) {
            throw new IllegalArgumentException("expected HOST:PORT, e.g. 127.0.0.1:9464");
        }
        int port;
        try {
            port = Integer.parseInt(t.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("port '" + t.substring(colon + 1) + "' is not a number");
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port " + port + " is not in 1..65535");
        }
        return new MetricsAddress(host, port);
    }
}
