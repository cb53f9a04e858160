package org.srv6.appliance.api.dataplane;

import java.util.List;

import org.osgi.annotation.versioning.ProviderType;

/**
 * Routes, SIDs and steering routes: {@code ip route}. A route with {@code encap seg6local} is a
 * SID; with {@code encap seg6} a steering route. Tables: 254 main, 255 local, any other number.
 */
@ProviderType
public interface RouteService {
    /** {@link #list} argument for every table. */
    int ALL_TABLES = -1;

    /** {@code ip route add}: rejected when the same prefix/table/metric exists. */
    void add(RouteSpec spec) throws DataplaneException;

    /** {@code ip route replace}. */
    void replace(RouteSpec spec) throws DataplaneException;

    /** {@code ip route del}: matches prefix and table (and metric when not 0). */
    void delete(RouteSpec spec) throws DataplaneException;

    /**
     * @return true when table {@code table} of {@code family} exists: main and local always, any
     *         other once a route (configured or made by an address) has named it, as in Linux
     */
    default boolean hasTable(int family, int table) {
        return true;
    }

    /** @param family 4 or 6; @param table a table id or {@link #ALL_TABLES} */
    List<RouteInfo> list(int family, int table);
}
