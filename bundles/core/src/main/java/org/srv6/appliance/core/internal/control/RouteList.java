package org.srv6.appliance.core.internal.control;

import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.function.Predicate;

import org.srv6.appliance.core.internal.engine.Route;

/**
 * Owns the configured routes in the order they were added (the running configuration's order),
 * linked through the routes themselves ({@link Route#prevAdded}, {@link Route#nextAdded}) so that
 * a million routes cost no entry object each; adding and removing one costs O(1). The routes with
 * a behavior (SIDs, transit routes) are also kept apart, in the same order, for what walks only
 * them (port claims, behavior swaps), so that those walks do not grow with the plain routes.
 */
final class RouteList implements Iterable<Route> {
    private Route first;
    private Route last;
    private int size;
    private final Set<Route> behaviors = new LinkedHashSet<>();

    int size() {
        return size;
    }

    /** Appends {@code r}, which is in no list. */
    void add(Route r) {
        r.prevAdded = last;
        r.nextAdded = null;
        if (last == null) {
            first = r;
        } else {
            last.nextAdded = r;
        }
        last = r;
        size++;
        if (r.hasBehavior()) {
            behaviors.add(r);
        }
    }

    /** Takes {@code r} out; @return false when it was not in the list */
    boolean remove(Route r) {
        if (r.prevAdded == null && first != r) {
            return false;
        }
        if (r.prevAdded == null) {
            first = r.nextAdded;
        } else {
            r.prevAdded.nextAdded = r.nextAdded;
        }
        if (r.nextAdded == null) {
            last = r.prevAdded;
        } else {
            r.nextAdded.prevAdded = r.prevAdded;
        }
        r.prevAdded = null;
        r.nextAdded = null;
        size--;
        if (r.hasBehavior()) {
            behaviors.remove(r);
        }
        return true;
    }

    /** Removes every route {@code filter} accepts; @return true when one was */
    boolean removeIf(Predicate<Route> filter) {
        boolean any = false;
        for (Route r = first; r != null;) {
            Route next = r.nextAdded;
            if (filter.test(r)) {
                remove(r);
                any = true;
            }
            r = next;
        }
        return any;
    }

    /** The SIDs and transit routes, in the order they were added. */
    Iterable<Route> withBehavior() {
        return behaviors;
    }

    @Override
    public Iterator<Route> iterator() {
        return new Iterator<>() {
            private Route next = first;

            @Override
            public boolean hasNext() {
                return next != null;
            }

            @Override
            public Route next() {
                Route r = next;
                if (r == null) {
                    throw new NoSuchElementException();
                }
                next = r.nextAdded;
                return r;
            }
        };
    }
}
