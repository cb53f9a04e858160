package org.srv6.appliance.core.internal.io;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

import com.sun.jna.Library;
import com.sun.jna.Native;

import io.netty.buffer.ByteBuf;
import io.netty.channel.IoEvent;
import io.netty.channel.IoRegistration;
import io.netty.channel.epoll.EpollIoEvent;
import io.netty.channel.epoll.EpollIoHandle;
import io.netty.channel.epoll.EpollIoOps;
import io.netty.channel.unix.FileDescriptor;

/**
 * A Linux TAP device opened through /dev/net/tun. The appliance keeps the fd: the netdev may be
 * moved to another namespace and renamed and the port keeps working. Without a namespace the
 * netdev is made in the appliance's namespace and set up there; whoever moves it elsewhere sets
 * it up there again (moving a netdev brings it down), and it goes away with the appliance.
 *
 * <p>With a namespace the netdev is made (or, when it is still there from a previous run,
 * re-attached) directly in that namespace under its own interface name, and made persistent:
 * it outlives a stop of the appliance with the host side's addresses and routes, and the next
 * start attaches to it again. {@code ip link del} clears the persistence so that it goes.
 */
public final class TapPort extends IoPort {
    static final int O_RDWR = 2;
    static final int O_NONBLOCK = 04000;
    static final int F_SETFL = 4;
    static final long TUNSETIFF = 0x400454caL;
    static final long TUNSETPERSIST = 0x400454cbL;
    static final int CLONE_NEWNET = 0x40000000;
    static final long SIOCGIFFLAGS = 0x8913L;
    static final long SIOCSIFFLAGS = 0x8914L;
    static final long SIOCSIFMTU = 0x8922L;
    static final long SIOCSIFHWADDR = 0x8924L;
    static final short IFF_UP = 0x1;
    static final short IFF_TAP = 0x0002;
    static final short IFF_NO_PI = 0x1000;
    static final short IFF_MULTI_QUEUE = 0x0100;
    /** Frames read per wakeup before yielding to other ports of the loop. */
    static final int BUDGET = 64;

    interface LibC extends Library {
        LibC C = Native.load("c", LibC.class);

        int open(String path, int flags);

        int ioctl(int fd, long request, byte[] arg);

        int ioctl(int fd, long request, long arg);

        int fcntl(int fd, int cmd, int arg);

        int socket(int domain, int type, int protocol);

        int close(int fd);

        int setns(int fd, int nstype);

        int if_nametoindex(String name);
    }

    private final IoRuntime rt;
    private final int loop;
    private final Queue[] queues;
    /** Per event loop, the queue it transmits on: the one it reads, so that a flow stays in order on one queue. */
    private final Queue[] txq;
    private final String netns;
    private final String ifname;
    private volatile boolean closed;

    /**
     * @param netns the network namespace (a name of {@code ip netns}) to make the netdev in, or
     *              null for the appliance's own namespace
     * @param ifname the netdev's name there (null: the port's name)
     */
    TapPort(IoRuntime rt, int index, String name, long mac, int nqueues, int loop, String netns, String ifname)
            throws IOException {
        this(rt, index, name, mac, nqueues, loop, netns, ifname, false, 0);
    }

    /**
     * @param hw  true: the netdev takes {@code mac} as its address (before it is set up, so that the
     *            kernel's link-local address derives from it) and is set up even when it was there
     * @param mtu the netdev's MTU, or 0 to leave it
     */
    TapPort(IoRuntime rt, int index, String name, long mac, int nqueues, int loop, String netns, String ifname,
            boolean hw, int mtu) throws IOException {
        super(index, name, mac);
        String dev = ifname == null ? name : ifname;
        checkName(name);
        checkName(dev);
        this.rt = rt;
        this.loop = loop;
        this.queues = new Queue[nqueues];
        this.netns = netns;
        this.ifname = dev;
        try {
            Namespaces.run(netns, () -> {
                boolean existed = netns != null && LibC.C.if_nametoindex(dev) > 0;
                for (int q = 0; q < nqueues; q++) {
                    int fd = openTun(dev, nqueues > 1);
                    queues[q] = new Queue(new FileDescriptor(fd), (loop + q) % rt.loops());
                }
                if (netns != null) {
                    persist(queues[0].fd.intValue(), true);
                }
                if (hw) {
                    setHwAddr(dev, mac);
                }
                if (mtu > 0) {
                    setMtu(dev, mtu);
                }
                if (!existed || hw) {
                    setLinkUp(dev); // a re-attached netdev keeps the admin state its host gave it
                }
                return null;
            });
            for (Queue q : queues) {
                if (rt.uring()) {
                    q.uringStart();
                    continue;
                }
                IoRegistration r = rt.loop(q.loop).register(q).syncUninterruptibly().getNow();
                q.reg = r;
                rt.loop(q.loop).submit(() -> r.submit(EpollIoOps.EPOLLIN)).syncUninterruptibly();
            }
            txq = new Queue[rt.loops()];
            for (int l = 0; l < txq.length; l++) {
                txq[l] = queues[l % nqueues]; // a loop that reads none of the queues shares one
            }
            for (Queue q : queues) {
                if (q.loop < txq.length && txq[q.loop].loop != q.loop) {
                    txq[q.loop] = q;
                }
            }
        } catch (IOException | RuntimeException e) {
            closeFds();
            throw e instanceof IOException ? (IOException) e : new IOException(e.getMessage(), e);
        }
        up(true);
    }

    private static void checkName(String name) throws IOException {
        if (name.isEmpty() || name.getBytes(StandardCharsets.US_ASCII).length > 15) {
            throw new IOException("TAP name '" + name + "' is invalid: expected 1 to 15 ASCII characters");
        }
    }

    /** The namespace the netdev was made in, or null for the appliance's own. */
    public String netns() {
        return netns;
    }

    /** The netdev's name in its namespace. */
    public String ifname() {
        return ifname;
    }

    private static void persist(int fd, boolean on) throws IOException {
        if (LibC.C.ioctl(fd, TUNSETPERSIST, on ? 1L : 0L) < 0) {
            throw new IOException("TUNSETPERSIST failed (errno " + Native.getLastError() + ")");
        }
    }

    /**
     * {@code ip link del}: a netdev made persistent in a namespace goes away with the port. A plain
     * close (the appliance stops) keeps it for the next start.
     */
    public void destroy() {
        if (netns != null && !closed && queues[0] != null) {
            try {
                persist(queues[0].fd.intValue(), false);
            } catch (IOException e) {
                // the netdev stays; closing still detaches the appliance from it
            }
        }
        close();
    }

    private static int openTun(String name, boolean multi) throws IOException {
        int fd = LibC.C.open("/dev/net/tun", O_RDWR);
        if (fd < 0) {
            throw new IOException("cannot open /dev/net/tun (errno " + Native.getLastError() + "): root or CAP_NET_ADMIN expected");
        }
        byte[] ifr = ifreq(name);
        short flags = (short) (IFF_TAP | IFF_NO_PI | (multi ? IFF_MULTI_QUEUE : 0));
        ifr[16] = (byte) flags;
        ifr[17] = (byte) (flags >>> 8);
        if (LibC.C.ioctl(fd, TUNSETIFF, ifr) < 0) {
            int err = Native.getLastError();
            LibC.C.close(fd);
            throw new IOException("TUNSETIFF " + name + " failed (errno " + err + "): expected a free TAP name");
        }
        if (LibC.C.fcntl(fd, F_SETFL, O_RDWR | O_NONBLOCK) < 0) {
            int err = Native.getLastError();
            LibC.C.close(fd);
            throw new IOException("O_NONBLOCK on " + name + " failed (errno " + err + ")");
        }
        return fd;
    }

    private static byte[] ifreq(String name) {
        byte[] ifr = new byte[40];
        byte[] n = name.getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(n, 0, ifr, 0, n.length);
        return ifr;
    }

    /** Sets IFF_UP on the kernel netdev so that it passes traffic in this namespace. */
    static void setLinkUp(String name) throws IOException {
        int s = LibC.C.socket(2 /* AF_INET */, 2 /* SOCK_DGRAM */, 0);
        if (s < 0) {
            throw new IOException("socket(AF_INET) failed (errno " + Native.getLastError() + ")");
        }
        try {
            byte[] ifr = ifreq(name);
            if (LibC.C.ioctl(s, SIOCGIFFLAGS, ifr) < 0) {
                throw new IOException("SIOCGIFFLAGS " + name + " failed (errno " + Native.getLastError() + ")");
            }
            ifr[16] |= IFF_UP;
            if (LibC.C.ioctl(s, SIOCSIFFLAGS, ifr) < 0) {
                throw new IOException("SIOCSIFFLAGS " + name + " failed (errno " + Native.getLastError() + ")");
            }
        } finally {
            LibC.C.close(s);
        }
    }

    /** Sets the netdev's Ethernet address (SIOCSIFHWADDR) in the calling thread's namespace. */
    static void setHwAddr(String name, long mac) throws IOException {
        byte[] ifr = ifreq(name);
        ifr[16] = 1; // ARPHRD_ETHER, host order (little-endian)
        for (int i = 0; i < 6; i++) {
            ifr[18 + i] = (byte) (mac >>> (40 - 8 * i));
        }
        ifreqIoctl(SIOCSIFHWADDR, ifr, "SIOCSIFHWADDR " + name);
    }

    /** Sets the netdev's MTU (SIOCSIFMTU) in the calling thread's namespace. */
    static void setMtu(String name, int mtu) throws IOException {
        byte[] ifr = ifreq(name);
        ifr[16] = (byte) mtu;
        ifr[17] = (byte) (mtu >>> 8);
        ifr[18] = (byte) (mtu >>> 16);
        ifr[19] = (byte) (mtu >>> 24);
        ifreqIoctl(SIOCSIFMTU, ifr, "SIOCSIFMTU " + name);
    }

    private static void ifreqIoctl(long request, byte[] ifr, String what) throws IOException {
        int s = LibC.C.socket(2 /* AF_INET */, 2 /* SOCK_DGRAM */, 0);
        if (s < 0) {
            throw new IOException("socket(AF_INET) failed (errno " + Native.getLastError() + ")");
        }
        try {
            if (LibC.C.ioctl(s, request, ifr) < 0) {
                throw new IOException(what + " failed (errno " + Native.getLastError() + ")");
            }
        } finally {
            LibC.C.close(s);
        }
    }

    /** The netdev takes the port's MAC and MTU again (they changed on the port). */
    public void linkSettings(long mac, int mtu) throws IOException {
        mac(mac);
        Namespaces.run(netns, () -> {
            setHwAddr(ifname, mac);
            setMtu(ifname, mtu);
            return null;
        });
    }

    @Override
    public String type() {
        return "tap";
    }

    public int queues() {
        return queues.length;
    }

    /** @return the loop that reads the queue event loop {@code l} sends on (-1: queue 0, for any other thread) */
    int txQueueLoop(int l) {
        return (l < 0 ? queues[0] : txq[l]).loop;
    }

    @Override
    public boolean send(ByteBuf frame) {
        boolean handed = false;
        try {
            if (closed) {
                txDropped.increment();
                return false;
            }
            captured(frame);
            int l = rt.currentLoop();
            Queue q = l < 0 ? queues[0] : txq[l]; // another thread: queue 0
            UringQueue u = q.uring;
            if (u != null && u.loop == l) {
                // io_uring: only the loop that owns the queue's ring submits on it
                int r = u.write(frame);
                if (r != UringQueue.NOT_TAKEN) {
                    handed = true; // counted when written, or counted as dropped already
                    return r == UringQueue.QUEUED;
                }
            }
            return writeCounted(q.fd, frame, frame.readableBytes()); // EAGAIN or an error: dropped, the loop never blocks
        } finally {
            if (!handed) {
                frame.release();
            }
        }
    }

    private void closeFds() {
        for (Queue q : queues) {
            if (q != null && q.uring != null) {
                q.uringStop();
            } else if (q != null) {
                try {
                    q.fd.close();
                } catch (IOException ignored) {
                    // already closed
                }
            }
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        up(false);
        for (Queue q : queues) {
            if (q == null) {
                continue;
            }
            var l = rt.loop(q.loop);
            if (l.inEventLoop()) {
                q.shutdown();
            } else if (!l.isShuttingDown()) {
                try {
                    l.submit(q::shutdown).syncUninterruptibly();
                } catch (RuntimeException e) {
                    q.shutdown();
                }
            } else {
                q.shutdown();
            }
        }
        stopCapture();
        rt.closed(this);
    }

    /** One queue fd registered on an event loop for EPOLLIN, or driven by io_uring ({@link #uring}). */
    private final class Queue implements EpollIoHandle, UringQueue.Owner {
        final FileDescriptor fd;
        final int loop;
        volatile IoRegistration reg;
        /** The io_uring side of the queue, or null on epoll. */
        volatile UringQueue uring;

        void uringStart() {
            UringQueue u = new UringQueue(rt, TapPort.this, this, fd.intValue(), loop, UringQueue.READS);
            uring = u;
            u.start();
        }

        /** Cancels the reads on the queue's loop; the fd closes once their completions are in. */
        void uringStop() {
            UringQueue u = uring;
            var l = rt.loop(loop);
            if (l.inEventLoop()) {
                u.close();
            } else if (l.isTerminated()) {
                u.abandon();
            } else {
                try {
                    l.submit(u::close).syncUninterruptibly();
                } catch (RuntimeException e) {
                    u.abandon(); // the loop is gone: no completion comes any more
                }
            }
        }

        @Override
        public void failed() {
            TapPort.this.close();
        }

        @Override
        public void drained() {
            try {
                fd.close();
            } catch (IOException ignored) {
                // already closed
            }
        }

        Queue(FileDescriptor fd, int loop) {
            this.fd = fd;
            this.loop = loop;
        }

        @Override
        public FileDescriptor fd() {
            return fd;
        }

        @Override
        public void handle(IoRegistration registration, IoEvent event) {
            if (reg == null) {
                reg = registration;
            }
            EpollIoOps ops = ((EpollIoEvent) event).ops();
            if (ops.contains(EpollIoOps.EPOLLERR) && !ops.contains(EpollIoOps.EPOLLIN)) {
                TapPort.this.close();
                return;
            }
            if (!ops.contains(EpollIoOps.EPOLLIN)) {
                return;
            }
            if (readBurst()) {
                rt.loop(loop).execute(more);
            }
        }

        private final Runnable more = this::readMore;

        /** Epoll is edge-triggered: a burst that ended on the budget, not on EAGAIN, must go on by itself. */
        private void readMore() {
            if (!closed && readBurst()) {
                rt.loop(loop).execute(more);
            }
        }

        /** Reads up to BUDGET frames; @return true when the budget ran out before the queue did. */
        private boolean readBurst() {
            FrameHandler h = rt.handler();
            long start = System.nanoTime(); // once per burst, for the loop's busy time
            int i = 0;
            try {
                for (; i < BUDGET && !closed; i++) {
                    ByteBuf b = rt.newFrame();
                    int n;
                    try {
                        n = fd.readAddress(b.memoryAddress(), b.writerIndex(), b.capacity());
                    } catch (IOException e) {
                        b.release();
                        TapPort.this.close();
                        return false;
                    }
                    if (n <= 0) {
                        b.release();
                        if (n < 0) {
                            TapPort.this.close();
                        }
                        return false;
                    }
                    b.writerIndex(b.writerIndex() + n);
                    rxPackets.increment();
                    rxBytes.add(n);
                    captured(b);
                    try {
                        h.onFrame(loop, TapPort.this, b);
                    } catch (RuntimeException e) {
                        rxDropped.increment();
                    }
                }
            } finally {
                try {
                    h.onBurstEnd(loop);
                } catch (RuntimeException ignored) {
                    // a failing flush must not kill the loop
                }
                rt.busy(loop, System.nanoTime() - start);
            }
            return i == BUDGET && !closed;
        }

        @Override
        public void registered() {
        }

        void shutdown() {
            if (uring != null) {
                uringStop();
                return;
            }
            if (reg != null) {
                reg.cancel();
            }
            try {
                fd.close();
            } catch (IOException ignored) {
                // already closed
            }
        }

        @Override
        public void close() {
            shutdown();
        }
    }
}
