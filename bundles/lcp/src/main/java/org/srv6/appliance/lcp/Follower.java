package org.srv6.appliance.lcp;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Follows one control namespace: a supervisor looks for {@code /run/netns/NAME} every second and,
 * for each namespace found there (a new one when it is made again), runs a session on a thread of
 * its own: an rtnetlink socket made inside the namespace, a dump of links, addresses, nexthop
 * objects, routes and neighbors, then the multicast messages as they come. Lost messages (ENOBUFS) make it
 * dump again. A namespace that disappears leaves the appliance as it was (logged once). When the
 * appliance's ports or behaviors change, everything is compared again (a route refused for its
 * port or its behavior may now be taken).
 */
public final class Follower implements AutoCloseable {
    private static final int[] GROUPS = {Rtnl.RTNLGRP_LINK, Rtnl.RTNLGRP_IPV4_IFADDR, Rtnl.RTNLGRP_IPV6_IFADDR,
        Rtnl.RTNLGRP_IPV4_ROUTE, Rtnl.RTNLGRP_IPV6_ROUTE, Rtnl.RTNLGRP_NEXTHOP, Rtnl.RTNLGRP_NEIGH};
    /** Default receive buffer: a burst of some 100k routes while the appliance applies them. */
    public static final int RCVBUF = 128 << 20;

    private final String netns;
    private final Mirror mirror;
    private final LcpCounters counters;
    private final Consumer<String> log;
    /** The appliance's ports and behaviors, looked at every second. */
    private final Supplier<List<String>> portNames;
    private final int rcvbuf;
    private final Thread supervisor;
    private volatile boolean running = true;
    private volatile boolean reconcile;
    /** Set every few seconds: the routes the appliance refused are tried again. */
    private volatile boolean retry;
    private volatile Session session;
    private volatile String state = "waiting for the namespace";

    public Follower(String netns, Mirror.Target target, LcpCounters counters, Consumer<String> log,
            Supplier<List<String>> portNames, int rcvbuf) {
        this.netns = netns;
        this.rcvbuf = rcvbuf;
        this.counters = counters;
        this.log = log;
        this.portNames = portNames;
        this.mirror = new Mirror(target, counters, log);
        this.supervisor = new Thread(this::supervise, "srv6-lcp-" + netns);
        this.supervisor.setDaemon(true);
    }

    public Follower start() {
        supervisor.start();
        return this;
    }

    public String netns() {
        return netns;
    }

    /** @return what the follower is doing, for {@code lcp:stats} */
    public String state() {
        return state;
    }

    public int learntRoutes() {
        synchronized (mirror) {
            return mirror.learntRouteCount();
        }
    }

    public int learntNeighbors() {
        synchronized (mirror) {
            return mirror.learntNeighborCount();
        }
    }

    public int learntAddresses() {
        synchronized (mirror) {
            return mirror.learntAddressCount();
        }
    }

    static Path path(String name) {
        for (String dir : new String[] {"/run/netns", "/var/run/netns"}) {
            Path p = Path.of(dir, name);
            if (Files.exists(p)) {
                return p;
            }
        }
        return null;
    }

    private static Object identity(Path p) {
        try {
            return Files.getAttribute(p, "unix:dev") + ":" + Files.getAttribute(p, "unix:ino");
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private void supervise() {
        Object followed = null;
        List<String> ports = null;
        boolean goneLogged = false;
        long ticks = 0;
        while (running) {
            Path p = path(netns);
            Object id = p == null ? null : identity(p);
            if (id == null) {
                if (session != null) {
                    session.stop();
                    session = null;
                }
                if (followed != null && !goneLogged) {
                    log.accept("lcp: network namespace " + netns + " is gone; the appliance keeps what it learnt from it");
                    goneLogged = true;
                    state = "namespace gone; keeping the last known state";
                }
            } else if (!id.equals(followed) || session == null || !session.alive()) {
                if (session != null) {
                    session.stop();
                }
                followed = id;
                goneLogged = false;
                session = new Session(p);
                session.start();
            }
            List<String> now = portNames.get();
            if (ports != null && !ports.equals(now)) {
                reconcile = true;
            }
            mirror.ports().invalidate(); // a mirror's change seen within a second even without a link message here
            if (++ticks % 3 == 0) {
                retry = true; // a refusal whose cause went without changing the ports or keywords seen here
            }
            ports = now;
            try {
                Thread.sleep(1000);
            } catch (InterruptedException e) {
                break;
            }
        }
        Session s = session;
        if (s != null) {
            s.stop();
        }
    }

    @Override
    public void close() {
        running = false;
        supervisor.interrupt();
        try {
            supervisor.join(3000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** One socket in one namespace, on its own thread (the thread enters the namespace). */
    private final class Session implements Runnable {
        private final Path ns;
        private final Thread thread;
        private volatile boolean stop;
        private volatile boolean done;
        private int seq = (int) (System.nanoTime() & 0x3fffffff);
        /** Multicast messages were lost while a dump ran: the view may miss them, dump again. */
        private boolean lostInDump;

        Session(Path ns) {
            this.ns = ns;
            this.thread = new Thread(this, "srv6-lcp-" + netns + "-netlink");
            this.thread.setDaemon(true);
        }

        void start() {
            thread.start();
        }

        boolean alive() {
            return !done;
        }

        void stop() {
            stop = true;
            try {
                thread.join(2000); // receives time out every 200 ms
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        @Override
        public void run() {
            try (NlSocket s = NlSocket.open(ns, rcvbuf, GROUPS)) {
                log.accept("lcp: following network namespace " + netns);
                byte[] buf = new byte[256 * 1024];
                resync(s, buf);
                while (!stop) {
                    int n = s.recv(buf);
                    if (n == -NlSocket.ENOBUFS) {
                        counters.overruns.increment();
                        log.accept("lcp: netlink messages were lost (ENOBUFS); dumping " + netns + " again");
                        resync(s, buf);
                        continue;
                    }
                    if (n < 0) {
                        log.accept("lcp: netlink receive failed (errno " + -n + "); reopening");
                        break;
                    }
                    if (n > 0) {
                        synchronized (mirror) {
                            Rtnl.parse(buf, n, mirror::handle);
                        }
                    }
                    if (retry && !reconcile) {
                        retry = false;
                        synchronized (mirror) {
                            mirror.retryRefused();
                        }
                    }
                    if (reconcile) {
                        reconcile = false;
                        synchronized (mirror) {
                            mirror.reconcileAll();
                        }
                    }
                }
            } catch (IOException | RuntimeException e) {
                log.accept("lcp: cannot follow network namespace " + netns + ": " + e.getMessage());
                try {
                    Thread.sleep(1000); // the supervisor starts another session at its next look
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                }
            } finally {
                done = true;
            }
        }

        /** Dumps links, addresses, nexthops, routes and neighbors, then compares everything. */
        private void resync(NlSocket s, byte[] buf) throws IOException {
            do {
                lostInDump = false;
                counters.resyncs.increment();
                state = "dumping";
                reconcile = false;
                synchronized (mirror) {
                    mirror.beginDump();
                }
                boolean complete = false;
                try {
                    dump(s, buf, Rtnl.RTM_GETLINK, 16);
                    dump(s, buf, Rtnl.RTM_GETADDR, 8);
                    dump(s, buf, Rtnl.RTM_GETNEXTHOP, 8);
                    dump(s, buf, Rtnl.RTM_GETROUTE, 12);
                    // per family: AF_UNSPEC would add the bridges' forwarding entries (AF_BRIDGE)
                    dump(s, buf, Rtnl.RTM_GETNEIGH, 12, Rtnl.AF_INET);
                    dump(s, buf, Rtnl.RTM_GETNEIGH, 12, Rtnl.AF_INET6);
                    complete = !lostInDump;
                } finally {
                    if (complete) { // a view that missed messages (or a failed dump) is never compared: it is dumped again
                        synchronized (mirror) {
                            mirror.endDump();
                        }
                    }
                }
            } while (lostInDump && !stop);
            state = "following";
        }

        private void dump(NlSocket s, byte[] buf, int type, int hdrLen) throws IOException {
            dump(s, buf, type, hdrLen, 0);
        }

        private void dump(NlSocket s, byte[] buf, int type, int hdrLen, int family) throws IOException {
            int mySeq = ++seq;
            s.send(Rtnl.dumpRequest(type, hdrLen, family, mySeq));
            boolean[] end = {false};
            int idle = 0;
            while (!end[0] && !stop) {
                int n = s.recv(buf);
                if (n == -NlSocket.ENOBUFS) {
                    counters.overruns.increment(); // the dump goes on (it waits for room); events were lost
                    lostInDump = true;
                    continue;
                }
                if (n < 0) {
                    throw new IOException("netlink receive failed during a dump (errno " + -n + ")");
                }
                if (n == 0) {
                    if (++idle > 50) {
                        throw new IOException("no answer to a netlink dump in 10 s");
                    }
                    continue;
                }
                synchronized (mirror) {
                    Rtnl.parse(buf, n, m -> {
                        if (m instanceof Rtnl.Done d && d.seq() == mySeq) {
                            end[0] = true;
                        } else if (m instanceof Rtnl.Error e && e.seq() == mySeq) {
                            end[0] = true; // e.g. nexthops unsupported: nothing of that kind
                            if (e.errno() == NlSocket.ENOBUFS) {
                                // the receive buffer was full when the dump began: not "none of that kind"
                                counters.overruns.increment();
                                lostInDump = true;
                            } else if (e.errno() != 0) {
                                log.accept("lcp: dump of message type " + type + " refused (errno " + e.errno() + ")");
                            }
                        } else {
                            mirror.handle(m);
                        }
                    });
                }
            }
        }
    }
}
