package org.srv6.appliance.api.behavior;

/**
 * The attributes shared by many behaviors, parsed in one place ({@link AttributeParser}) like
 * the kernel's seg6_local attribute table. A behavior declares which it requires and which it
 * accepts; the canonical text is printed in this enum's order so that it can be pasted back.
 */
public enum Attribute {
    /** {@code mode encap|encap.red|inline|l2encap|l2encap.red} (transit only; carries the keyword). */
    MODE("mode", "MODE"),
    /** {@code mpls L1/L2/...} label stack of End.BM. */
    MPLS("mpls", "L1/L2/..."),
    /** {@code nh6 ADDRESS} IPv6 next hop. */
    NH6("nh6", "ADDRESS"),
    /** {@code nh4 ADDRESS} IPv4 next hop. */
    NH4("nh4", "ADDRESS"),
    /** {@code table T} routing table id. */
    TABLE("table", "TABLE"),
    /** {@code vrftable T} routing table id (same meaning as table here). */
    VRFTABLE("vrftable", "TABLE"),
    /** {@code oif PORT} output port. */
    OIF("oif", "PORT"),
    /** {@code iif PORT} input port (proxies: traffic coming back from the service). */
    IIF("iif", "PORT"),
    /** {@code src ADDRESS} source address of a pushed header (End.AS). */
    SRC("src", "ADDRESS"),
    /** {@code tunsrc ADDRESS} source of the outer header (transit). */
    TUNSRC("tunsrc", "ADDRESS"),
    /** {@code srh segs S1,...,Sn} segment list of an endpoint behavior that pushes an SRH. */
    SRH_SEGS("srh segs", "S1,...,Sn"),
    /** {@code segs S1,...,Sn} segment list of a transit behavior or proxy. */
    SEGS("segs", "S1,...,Sn"),
    /** {@code hmac KEYID} HMAC key of a pushed SRH. */
    HMAC("hmac", "KEYID"),
    /** {@code flavors psp,usp,usd,next-csid} endpoint flavors. */
    FLAVORS("flavors", "psp,usp,usd,next-csid"),
    /** {@code lblen N} locator-block length in bits (next-csid, default 32). */
    LBLEN("lblen", "BITS"),
    /** {@code nflen N} locator-node + function length in bits (next-csid, default 16). */
    NFLEN("nflen", "BITS"),
    /** {@code count} keep per-SID counters (always kept here; accepted for compatibility). */
    COUNT("count", null);

    private final String keyword;
    private final String argument;

    Attribute(String keyword, String argument) {
        this.keyword = keyword;
        this.argument = argument;
    }

    /** @return the keyword as typed ({@code "srh segs"} is two tokens) */
    public String keyword() {
        return keyword;
    }

    /** @return what follows the keyword in the syntax help, or null for a bare keyword */
    public String argument() {
        return argument;
    }

    /** @return {@code keyword ARGUMENT} for syntax help */
    public String syntax() {
        return argument == null ? keyword : keyword + " " + argument;
    }
}
