package org.srv6.appliance.api.behavior;

import java.util.Locale;

/** Endpoint flavors of RFC 8986 §4.16 and RFC 9800, spelled as iproute2 spells them. */
public enum Flavor {
    PSP("psp"), USP("usp"), USD("usd"), NEXT_CSID("next-csid");

    private final String keyword;

    Flavor(String keyword) {
        this.keyword = keyword;
    }

    public String keyword() {
        return keyword;
    }

    /** @return the flavor for an iproute2 keyword, or null */
    public static Flavor of(String keyword) {
        String k = keyword.toLowerCase(Locale.ROOT);
        for (Flavor f : values()) {
            if (f.keyword.equals(k)) {
                return f;
            }
        }
        return null;
    }
}
