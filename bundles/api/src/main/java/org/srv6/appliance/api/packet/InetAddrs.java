package org.srv6.appliance.api.packet;

import java.util.Arrays;

/**
 * Text to bytes and back for IPv6 and IPv4 addresses, without name resolution. Output follows
 * RFC 5952 (lower case, longest zero run compressed), as iproute2 prints.
 */
public final class InetAddrs {
    private InetAddrs() {
    }

    /**
     * @return the 16 bytes of an IPv6 literal
     * @throws IllegalArgumentException when {@code s} is not one
     */
    public static byte[] parse6(String s) {
        byte[] out = new byte[16];
        if (s == null || s.isEmpty() || s.length() > 45) {
            throw new IllegalArgumentException("not an IPv6 address: " + s);
        }
        int dbl = s.indexOf("::");
        if (dbl >= 0 && s.indexOf("::", dbl + 1) >= 0) {
            throw new IllegalArgumentException("not an IPv6 address: " + s);
        }
        String head = dbl >= 0 ? s.substring(0, dbl) : s;
        String tail = dbl >= 0 ? s.substring(dbl + 2) : "";
        int[] h = groups(head, s, dbl < 0 || tail.isEmpty());
        int[] t = dbl >= 0 ? groups(tail, s, true) : new int[0];
        int total = h.length + t.length;
        if ((dbl < 0 && total != 8) || (dbl >= 0 && total > 7)) {
            throw new IllegalArgumentException("not an IPv6 address: " + s);
        }
        for (int i = 0; i < h.length; i++) {
            out[2 * i] = (byte) (h[i] >>> 8);
            out[2 * i + 1] = (byte) h[i];
        }
        for (int i = 0; i < t.length; i++) {
            int g = 8 - t.length + i;
            out[2 * g] = (byte) (t[i] >>> 8);
            out[2 * g + 1] = (byte) t[i];
        }
        return out;
    }

    /** The 16-bit groups of {@code part} (colon-separated hex, perhaps ending in a dotted quad), read in place. */
    private static int[] groups(String part, String whole, boolean mayEndWithV4) {
        if (part.isEmpty()) {
            return new int[0];
        }
        int[] out = new int[part.length() / 2 + 2];
        int n = 0;
        for (int start = 0;;) {
            int end = part.indexOf(':', start);
            boolean last = end < 0;
            if (last) {
                end = part.length();
            }
            if (last && mayEndWithV4 && part.indexOf('.', start) >= 0) {
                int v4 = parse4(part.substring(start));
                out[n++] = v4 >>> 16;
                out[n++] = v4 & 0xffff;
                break;
            }
            if (end == start || end - start > 4) {
                throw new IllegalArgumentException("not an IPv6 address: " + whole);
            }
            int v = 0;
            for (int j = start; j < end; j++) {
                int d = Character.digit(part.charAt(j), 16);
                if (d < 0) {
                    throw new IllegalArgumentException("not an IPv6 address: " + whole);
                }
                v = v << 4 | d;
            }
            out[n++] = v;
            if (last) {
                break;
            }
            start = end + 1;
        }
        return Arrays.copyOf(out, n);
    }

    /**
     * @return the IPv4 address as an int, most significant byte first
     * @throws IllegalArgumentException when {@code s} is not a dotted quad
     */
    public static int parse4(String s) {
        if (s == null) {
            throw new IllegalArgumentException("not an IPv4 address: null");
        }
        String[] p = s.split("\\.", -1);
        if (p.length != 4) {
            throw new IllegalArgumentException("not an IPv4 address: " + s);
        }
        int v = 0;
        for (String x : p) {
            if (x.isEmpty() || x.length() > 3) {
                throw new IllegalArgumentException("not an IPv4 address: " + s);
            }
            int b = 0;
            for (int j = 0; j < x.length(); j++) {
                char c = x.charAt(j);
                if (c < '0' || c > '9') {
                    throw new IllegalArgumentException("not an IPv4 address: " + s);
                }
                b = b * 10 + (c - '0');
            }
            if (b > 255) {
                throw new IllegalArgumentException("not an IPv4 address: " + s);
            }
            v = v << 8 | b;
        }
        return v;
    }

    /** @return true when {@code s} parses as an IPv6 literal */
    public static boolean is6(String s) {
        try {
            parse6(s);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** @return true when {@code s} parses as an IPv4 dotted quad */
    public static boolean is4(String s) {
        try {
            parse4(s);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** @return the RFC 5952 text of 16 bytes starting at {@code off} */
    public static String format6(byte[] a, int off) {
        int bestStart = -1;
        int bestLen = 0;
        for (int i = 0; i < 8;) {
            if (word(a, off, i) == 0) {
                int j = i;
                while (j < 8 && word(a, off, j) == 0) {
                    j++;
                }
                if (j - i > bestLen && j - i >= 2) {
                    bestStart = i;
                    bestLen = j - i;
                }
                i = j;
            } else {
                i++;
            }
        }
        StringBuilder sb = new StringBuilder(39);
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                sb.append("::");
                i += bestLen - 1;
                continue;
            }
            if (sb.length() > 0 && sb.charAt(sb.length() - 1) != ':') {
                sb.append(':');
            }
            appendHex(sb, word(a, off, i));
        }
        return sb.toString();
    }

    /** Appends a 16-bit group in lower-case hex without leading zeros (no string per group). */
    private static void appendHex(StringBuilder sb, int w) {
        boolean started = false;
        for (int shift = 12; shift >= 0; shift -= 4) {
            int d = (w >>> shift) & 0xf;
            if (d != 0 || started || shift == 0) {
                sb.append(HEX[d]);
                started = true;
            }
        }
    }

    private static final char[] HEX = "0123456789abcdef".toCharArray();

    /** @return the RFC 5952 text of a 16-byte address */
    public static String format6(byte[] a) {
        return format6(a, 0);
    }

    /** @return dotted-quad text */
    public static String format4(int a) {
        return (a >>> 24) + "." + ((a >>> 16) & 0xff) + "." + ((a >>> 8) & 0xff) + "." + (a & 0xff);
    }

    private static int word(byte[] a, int off, int i) {
        return (a[off + 2 * i] & 0xff) << 8 | (a[off + 2 * i + 1] & 0xff);
    }

    /** @return a MAC address as six bytes from {@code aa:bb:cc:dd:ee:ff} */
    public static byte[] parseMac(String s) {
        String[] p = s == null ? new String[0] : s.split(":", -1);
        if (p.length != 6) {
            throw new IllegalArgumentException("not a MAC address: " + s);
        }
        byte[] out = new byte[6];
        for (int i = 0; i < 6; i++) {
            if (p[i].isEmpty() || p[i].length() > 2) {
                throw new IllegalArgumentException("not a MAC address: " + s);
            }
            try {
                out[i] = (byte) Integer.parseInt(p[i], 16);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("not a MAC address: " + s);
            }
        }
        return out;
    }

    /** @return {@code aa:bb:cc:dd:ee:ff} */
    public static String formatMac(byte[] m, int off) {
        StringBuilder sb = new StringBuilder(17);
        for (int i = 0; i < 6; i++) {
            if (i > 0) {
                sb.append(':');
            }
            int b = m[off + i] & 0xff;
            sb.append(Character.forDigit(b >>> 4, 16)).append(Character.forDigit(b & 0xf, 16));
        }
        return sb.toString();
    }
}
