package org.srv6.appliance.api.behavior;

/** Where a behavior sits: on a local SID ({@code encap seg6local}) or on a steering route ({@code encap seg6}). */
public enum BehaviorKind {
    /** An endpoint behavior bound to a SID (Linux seg6local action). */
    ENDPOINT,
    /** A transit behavior bound to a steering route or port (Linux seg6 mode). */
    TRANSIT
}
