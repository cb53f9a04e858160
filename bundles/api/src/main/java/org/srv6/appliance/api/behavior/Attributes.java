package org.srv6.appliance.api.behavior;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

import org.srv6.appliance.api.packet.InetAddrs;

/**
 * The shared attributes of one behavior configuration, immutable. Absent values are null
 * (objects) or -1 (numbers). {@link #format()} prints them in canonical order.
 */
public final class Attributes {
    private final EnumSet<Attribute> present;
    private final String mode;
    private final byte[] nh6;
    private final int nh4;
    private final int table;
    private final String oif;
    private final String iif;
    private final byte[] src;
    private final byte[] tunsrc;
    private final List<byte[]> segs;
    private final int hmac;
    private final EnumSet<Flavor> flavors;
    private final int lblen;
    private final int nflen;
    private final int[] mpls;

    private Attributes(Builder b) {
        this.present = EnumSet.noneOf(Attribute.class);
        this.present.addAll(b.present);
        this.mode = b.mode;
        this.nh6 = b.nh6 == null ? null : b.nh6.clone();
        this.nh4 = b.nh4;
        this.table = b.table;
        this.oif = b.oif;
        this.iif = b.iif;
        this.src = b.src == null ? null : b.src.clone();
        this.tunsrc = b.tunsrc == null ? null : b.tunsrc.clone();
        List<byte[]> s = new ArrayList<>();
        if (b.segs != null) {
            for (byte[] x : b.segs) {
                s.add(x.clone());
            }
        }
        this.segs = b.segs == null ? null : Collections.unmodifiableList(s);
        this.hmac = b.hmac;
        this.flavors = EnumSet.noneOf(Flavor.class);
        this.flavors.addAll(b.flavors);
        this.lblen = b.lblen;
        this.nflen = b.nflen;
        this.mpls = b.mpls == null ? null : b.mpls.clone();
    }

    public static Builder builder() {
        return new Builder();
    }

    public boolean has(Attribute a) {
        return present.contains(a);
    }

    public Set<Attribute> present() {
        return Collections.unmodifiableSet(present);
    }

    /** @return the transit mode keyword, or null */
    public String mode() {
        return mode;
    }

    /** @return a copy of the IPv6 next hop, or null */
    public byte[] nh6() {
        return nh6 == null ? null : nh6.clone();
    }

    /** @return the IPv4 next hop; meaningful only when {@code has(NH4)} */
    public int nh4() {
        return nh4;
    }

    /** @return the table id of {@code table} or {@code vrftable}, or -1 */
    public int table() {
        return table;
    }

    public String oif() {
        return oif;
    }

    public String iif() {
        return iif;
    }

    /** @return a copy of {@code src}, or null */
    public byte[] src() {
        return src == null ? null : src.clone();
    }

    /** @return a copy of {@code tunsrc}, or null */
    public byte[] tunsrc() {
        return tunsrc == null ? null : tunsrc.clone();
    }

    /** @return copies of the segments of {@code segs} / {@code srh segs} in the order typed, or null */
    public List<byte[]> segs() {
        if (segs == null) {
            return null;
        }
        List<byte[]> out = new ArrayList<>(segs.size());
        for (byte[] s : segs) {
            out.add(s.clone());
        }
        return out;
    }

    /** @return the HMAC key id, or -1 */
    public int hmac() {
        return hmac;
    }

    public Set<Flavor> flavors() {
        return Collections.unmodifiableSet(flavors);
    }

    public boolean hasFlavor(Flavor f) {
        return flavors.contains(f);
    }

    /** @return locator-block length in bits, or -1 when not given */
    public int lblen() {
        return lblen;
    }

    /** @return locator-node + function length in bits, or -1 when not given */
    public int nflen() {
        return nflen;
    }

    /** @return a copy of the MPLS labels, top first, or null */
    public int[] mpls() {
        return mpls == null ? null : mpls.clone();
    }

    /** @return the canonical text, attributes in {@link Attribute} order, e.g. {@code nh6 fc00::1 oif r1} */
    public String format() {
        StringBuilder sb = new StringBuilder();
        for (Attribute a : Attribute.values()) {
            if (!present.contains(a)) {
                continue;
            }
            String v = switch (a) {
                case MODE -> mode;
                case MPLS -> {
                    StringBuilder m = new StringBuilder();
                    for (int i = 0; i < mpls.length; i++) {
                        m.append(i == 0 ? "" : "/").append(mpls[i]);
                    }
                    yield m.toString();
                }
                case NH6 -> InetAddrs.format6(nh6);
                case NH4 -> InetAddrs.format4(nh4);
                case TABLE, VRFTABLE -> Integer.toString(table);
                case OIF -> oif;
                case IIF -> iif;
                case SRC -> InetAddrs.format6(src);
                case TUNSRC -> InetAddrs.format6(tunsrc);
                case SRH_SEGS, SEGS -> {
                    StringBuilder m = new StringBuilder();
                    for (byte[] s : segs) {
                        m.append(m.length() == 0 ? "" : ",").append(InetAddrs.format6(s));
                    }
                    yield m.toString();
                }
                case HMAC -> Integer.toUnsignedString(hmac);
                case FLAVORS -> {
                    StringBuilder m = new StringBuilder();
                    for (Flavor f : flavors) {
                        m.append(m.length() == 0 ? "" : ",").append(f.keyword());
                    }
                    yield m.toString();
                }
                case LBLEN -> Integer.toString(lblen);
                case NFLEN -> Integer.toString(nflen);
                case COUNT -> null;
            };
            if (sb.length() > 0) {
                sb.append(' ');
            }
            sb.append(a.keyword());
            if (v != null) {
                sb.append(' ').append(v);
            }
        }
        return sb.toString();
    }

    @Override
    public String toString() {
        return format();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Attributes other && other.format().equals(format());
    }

    @Override
    public int hashCode() {
        return format().hashCode();
    }

    /** Mutable builder used by {@link AttributeParser} and by tests. */
    public static final class Builder {
        private final EnumSet<Attribute> present = EnumSet.noneOf(Attribute.class);
        private String mode;
        private byte[] nh6;
        private int nh4;
        private int table = -1;
        private String oif;
        private String iif;
        private byte[] src;
        private byte[] tunsrc;
        private List<byte[]> segs;
        private int hmac = -1;
        private final EnumSet<Flavor> flavors = EnumSet.noneOf(Flavor.class);
        private int lblen = -1;
        private int nflen = -1;
        private int[] mpls;

        public Builder mode(String v) { mode = v; present.add(Attribute.MODE); return this; }
        public Builder nh6(byte[] v) { nh6 = v.clone(); present.add(Attribute.NH6); return this; }
        public Builder nh4(int v) { nh4 = v; present.add(Attribute.NH4); return this; }
        public Builder table(int v) { table = v; present.add(Attribute.TABLE); return this; }
        public Builder vrftable(int v) { table = v; present.add(Attribute.VRFTABLE); return this; }
        public Builder oif(String v) { oif = v; present.add(Attribute.OIF); return this; }
        public Builder iif(String v) { iif = v; present.add(Attribute.IIF); return this; }
        public Builder src(byte[] v) { src = v.clone(); present.add(Attribute.SRC); return this; }
        public Builder tunsrc(byte[] v) { tunsrc = v.clone(); present.add(Attribute.TUNSRC); return this; }
        public Builder segs(List<byte[]> v) { segs = new ArrayList<>(v); present.add(Attribute.SEGS); return this; }
        public Builder srhSegs(List<byte[]> v) { segs = new ArrayList<>(v); present.add(Attribute.SRH_SEGS); return this; }
        public Builder hmac(int v) { hmac = v; present.add(Attribute.HMAC); return this; }
        public Builder flavors(Set<Flavor> v) { flavors.addAll(v); present.add(Attribute.FLAVORS); return this; }
        public Builder lblen(int v) { lblen = v; present.add(Attribute.LBLEN); return this; }
        public Builder nflen(int v) { nflen = v; present.add(Attribute.NFLEN); return this; }
        public Builder mpls(int[] v) { mpls = v.clone(); present.add(Attribute.MPLS); return this; }
        public Builder count() { present.add(Attribute.COUNT); return this; }

        boolean has(Attribute a) {
            return present.contains(a);
        }

        public Attributes build() {
            return new Attributes(this);
        }
    }
}
