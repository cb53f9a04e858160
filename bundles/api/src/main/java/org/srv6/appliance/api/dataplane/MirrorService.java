package org.srv6.appliance.api.dataplane;

import java.util.List;

/**
 * The Linux control plane's mirror interfaces ({@code srv6:lcp}): each mirrored port has a kernel
 * TAP in a control namespace, so that routing daemons and {@code ip} there talk through the port.
 * A follower of that namespace maps its interfaces to ports by {@link MirrorInfo#ifname}.
 */
public interface MirrorService {
    /**
     * Mirrors {@code port} into {@code netns} (made when it does not exist) as {@code ifname}.
     *
     * @throws DataplaneException with one line when the port does not exist, is mirrored already,
     *                            or the netdev cannot be made; nothing is changed then
     */
    MirrorInfo add(String port, String netns, String ifname) throws DataplaneException;

    /** Removes the mirror of {@code port} and its netdev. */
    void delete(String port) throws DataplaneException;

    /** @return the mirrors in port order, with their counters */
    List<MirrorInfo> list();

    /** @return the mirror of {@code port}, or null */
    MirrorInfo get(String port);
}
