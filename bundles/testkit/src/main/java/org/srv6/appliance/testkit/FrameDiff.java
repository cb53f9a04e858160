package org.srv6.appliance.testkit;

/**
 * Compares two Ethernet frames and, when they differ, shows both side by side in hex rows with
 * the differing rows marked, so that a failed comparison reads at a glance.
 */
public final class FrameDiff {

    private FrameDiff() {
    }

    /**
     * Compares two Ethernet frames from the ethertype on (Ethernet addresses differ between two
     * routers); when {@code ignoreFlowLabel} the IPv6 flow label (only where the router computes
     * it) is ignored too.
     *
     * @return null when equal, else a readable hex diff
     */
    public static String diff(byte[] expected, byte[] actual, boolean ignoreFlowLabel) {
        if (expected == null || actual == null) {
            return "missing frame: expected " + (expected == null ? "none" : expected.length + " bytes")
                    + ", got " + (actual == null ? "none" : actual.length + " bytes");
        }
        boolean ipv6 = Packets.ethertype(expected) == Packets.ETH_IPV6;
        int n = Math.max(expected.length, actual.length);
        boolean differs = expected.length != actual.length;
        for (int i = 12; i < n && !differs; i++) {
            differs = differsAt(expected, actual, i, ignoreFlowLabel && ipv6);
        }
        if (!differs) {
            return null;
        }
        StringBuilder sb = new StringBuilder();
        sb.append("frames differ (expected ").append(expected.length).append(" bytes, got ").append(actual.length)
                .append("); lines marked * differ\n");
        for (int row = 0; row < n; row += 16) {
            StringBuilder le = new StringBuilder();
            StringBuilder la = new StringBuilder();
            boolean mark = false;
            for (int i = row; i < Math.min(row + 16, n); i++) {
                int e = at(expected, i);
                int a = at(actual, i);
                le.append(e < 0 ? "--" : String.format("%02x", e)).append(' ');
                la.append(a < 0 ? "--" : String.format("%02x", a)).append(' ');
                mark |= i >= 12 && differsAt(expected, actual, i, ignoreFlowLabel);
            }
            sb.append(String.format("%s%04x exp %s%n %04x got %s%n", mark ? "*" : " ", row, le, row, la));
        }
        return sb.toString();
    }

    private static int at(byte[] f, int i) {
        return i < f.length ? f[i] & 0xff : -1;
    }

    /** Octet 15 holds the traffic class's low nibble and the flow label's top; 16-17 the rest of the label. */
    private static boolean differsAt(byte[] expected, byte[] actual, int i, boolean ignoreFlowLabel) {
        int e = at(expected, i);
        int a = at(actual, i);
        if (ignoreFlowLabel && i >= 16 && i <= 17) {
            return false;
        }
        if (ignoreFlowLabel && i == 15 && e >= 0 && a >= 0) {
            return (e & 0xf0) != (a & 0xf0);
        }
        return e != a;
    }
}
