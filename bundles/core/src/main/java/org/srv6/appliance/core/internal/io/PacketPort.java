package org.srv6.appliance.core.internal.io;

import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Pointer;

import io.netty.buffer.ByteBuf;
import io.netty.channel.IoEvent;
import io.netty.channel.IoRegistration;
import io.netty.channel.epoll.EpollIoEvent;
import io.netty.channel.epoll.EpollIoHandle;
import io.netty.channel.epoll.EpollIoOps;
import io.netty.channel.unix.FileDescriptor;

/**
 * A port attached to an existing interface of the appliance's network namespace (a veth end, a
 * NIC) through AF_PACKET sockets ({@code ip link add NAME type packet dev IFNAME}).
 *
 * <p>Receive: one socket (SOCK_RAW, ETH_P_ALL, bound to the interface, promiscuous, its own
 * outgoing frames ignored) with a TPACKET_V3 ring: the kernel fills blocks of frames and hands a
 * block over when it is full or its timer expires; the event loop reads every block handed over
 * when epoll (or an io_uring poll, {@link UringPoll}) says readable, copies the frames into pooled buffers with the usual headroom and
 * gives each block back to the kernel. With more than one event loop each loop has such a socket
 * of its own, all joined in one PACKET_FANOUT_HASH group (the kernel hands a frame to one of them
 * by its flow hash: a flow stays on one loop, in order). Send: per event loop one socket with a
 * TPACKET_V2 transmit ring; frames are written into its slots and the ring is flushed with one
 * {@code sendto} once the loop has run its ready I/O (so a burst of reads costs one system call to
 * send). The sockets of a loop are only ever touched by that loop: no locks.
 *
 * <p>When the rings cannot be set up the port falls back to plain read/write on the receive
 * socket (one system call per frame) and {@link #rings()} says so.
 */
public final class PacketPort extends IoPort {
    static final int AF_PACKET = 17;
    static final int SOCK_RAW = 3;
    static final int SOCK_NONBLOCK = 04000;
    static final int SOCK_CLOEXEC = 02000000;
    static final int ETH_P_ALL = 0x0003;
    static final int SOL_SOCKET = 1;
    static final int SO_ERROR = 4;
    static final int SOL_PACKET = 263;
    static final int PACKET_ADD_MEMBERSHIP = 1;
    static final int PACKET_MR_PROMISC = 1;
    static final int PACKET_RX_RING = 5;
    static final int PACKET_VERSION = 10;
    static final int PACKET_TX_RING = 13;
    static final int PACKET_LOSS = 14;
    static final int PACKET_QDISC_BYPASS = 20;
    static final int PACKET_IGNORE_OUTGOING = 23;
    static final int PACKET_FANOUT = 18;
    static final int PACKET_FANOUT_HASH = 0;
    static final int PACKET_FANOUT_FLAG_UNIQUEID = 0x2000;
    static final int TPACKET_V2 = 1;
    static final int TPACKET_V3 = 2;
    static final int PACKET_OUTGOING = 4;
    static final int TP_STATUS_KERNEL = 0;
    static final int TP_STATUS_USER = 1;
    static final int TP_STATUS_AVAILABLE = 0;
    static final int TP_STATUS_SEND_REQUEST = 1;
    static final int TP_STATUS_VLAN_VALID = 1 << 4;
    static final int TP_STATUS_VLAN_TPID_VALID = 1 << 6;
    static final int MSG_DONTWAIT = 0x40;
    static final int PROT_READ = 1;
    static final int PROT_WRITE = 2;
    static final int MAP_SHARED = 1;
    static final int MAP_LOCKED = 0x2000;
    static final long SIOCGIFHWADDR = 0x8927L;
    static final int EAGAIN = 11;

    /** Receive ring: blocks of 128 KiB (a jumbo frame fits), 32 of them; a block is handed over after at most 1 ms. */
    static final int RX_BLOCK = 1 << 17;
    static final int RX_BLOCKS = 32;
    static final int RX_FRAME = 2048;
    static final int RX_TIMEOUT_MS = 1;
    /** Blocks read per wakeup before yielding to the other ports of the loop. */
    static final int BLOCK_BUDGET = 4;
    /** Frames read per wakeup without rings. */
    static final int BUDGET = 64;
    /** Transmit ring per loop: slots of 16 KiB (a jumbo frame fits), 128 of them. */
    static final int TX_SLOT = 1 << 14;
    static final int TX_SLOTS = 128;
    /** tpacket2_hdr: status, len at 4; the frame at TPACKET_ALIGN(sizeof(tpacket2_hdr)) = 32. */
    static final int TX_DATA = 32;

    private static final VarHandle INT = MethodHandles.byteBufferViewVarHandle(int[].class, ByteOrder.nativeOrder());

    interface Sys extends Library {
        Sys C = Native.load("c", Sys.class);

        int socket(int domain, int type, int protocol);

        int bind(int fd, byte[] addr, int len);

        int setsockopt(int fd, int level, int name, byte[] value, int len);

        int getsockopt(int fd, int level, int name, byte[] value, int[] len);

        int getpid();

        Pointer mmap(Pointer addr, long len, int prot, int flags, int fd, long offset);

        int munmap(Pointer addr, long len);

        int ioctl(int fd, long request, byte[] arg);

        int close(int fd);

        int if_nametoindex(String name);
    }

    /** The one call made per burst: direct mapping, no allocation. */
    static final class Direct {
        static {
            Native.register(Direct.class, "c");
        }

        private Direct() {
        }

        static native long sendto(int fd, long buf, long len, int flags, long addr, int addrlen);
    }

    private final IoRuntime rt;
    private final int loop;
    private final String dev;
    private final int ifindex;
    /** Per event loop, its receive socket (one socket with one loop; more joined in one fanout group). */
    private final Rx[] rx;
    private final Tx[] tx;
    private final String rings;
    private volatile boolean closed;

    /**
     * @param rings false to use plain read/write even where rings could be set up
     */
    PacketPort(IoRuntime rt, int index, String name, int loop, String dev, boolean rings) throws IOException {
        super(index, name, 0);
        if (dev == null || dev.isEmpty() || dev.getBytes(StandardCharsets.US_ASCII).length > 15) {
            throw new IOException("bad interface name '" + dev + "'; expected 1 to 15 ASCII characters");
        }
        this.rt = rt;
        this.loop = loop;
        this.dev = dev;
        int ifi = Sys.C.if_nametoindex(dev);
        if (ifi <= 0) {
            throw new IOException("no interface " + dev + " in the appliance's network namespace");
        }
        this.ifindex = ifi;
        mac(hardwareAddress(dev));
        TapPort.setLinkUp(dev); // frames pass only while the interface is up
        int loops = rt.loops();
        Rx[] r = new Rx[loops];
        Tx[] t = new Tx[loops];
        String mode;
        try {
            for (int l = 0; l < loops; l++) {
                r[l] = openRx(ifi, dev, rings, l);
            }
            if (loops > 1) {
                fanout(r, index, dev);
            }
            RingMap map = r[0].ring;
            boolean txRings = map != null;
            if (txRings) {
                for (int l = 0; l < t.length; l++) {
                    t[l] = Tx.open(ifi);
                    if (t[l] == null) {
                        txRings = false;
                        break;
                    }
                }
            }
            if (!txRings) {
                for (int l = 0; l < t.length; l++) {
                    if (t[l] != null) {
                        t[l].close();
                        t[l] = null;
                    }
                }
            }
            mode = map == null ? "none (plain recv/send: " + (rings ? "no TPACKET_V3 receive ring" : "rings off") + ")"
                    : "rx tpacket_v3 " + RX_BLOCKS + "x" + (RX_BLOCK >> 10) + "KiB"
                    + (loops > 1 ? " per loop (fanout hash)" : "")
                    + (txRings ? " tx tpacket_v2 " + TX_SLOTS + "x" + (TX_SLOT >> 10) + "KiB per loop" : " tx none (plain send)");
        } catch (IOException | RuntimeException | Error e) {
            for (Rx x : r) {
                if (x != null) {
                    x.release();
                }
            }
            for (Tx x : t) {
                if (x != null) {
                    x.close();
                }
            }
            throw e;
        }
        this.rx = r;
        this.tx = t;
        this.rings = mode;
        try {
            for (Rx x : rx) {
                if (rt.uring()) {
                    UringPoll p = new UringPoll(rt, x.loop, x.fd.intValue(), x);
                    x.poll = p;
                    p.start();
                } else {
                    IoRegistration reg = rt.loop(x.loop).register(x).syncUninterruptibly().getNow();
                    x.reg = reg;
                    rt.loop(x.loop).submit(() -> reg.submit(EpollIoOps.EPOLLIN)).syncUninterruptibly();
                }
            }
        } catch (RuntimeException e) {
            close();
            throw new IOException("cannot register " + dev + " with the event loop: " + e.getMessage(), e);
        }
        up(true);
    }

    /** A receive socket bound to the interface, promiscuous, its ring mapped where it can be, for loop {@code loop}. */
    private Rx openRx(int ifi, String dev, boolean rings, int loop) throws IOException {
        int fd = Sys.C.socket(AF_PACKET, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, htons(ETH_P_ALL));
        if (fd < 0) {
            throw new IOException("socket(AF_PACKET) failed (errno " + Native.getLastError() + "): root or CAP_NET_RAW expected");
        }
        RingMap map = null;
        try {
            boolean ignoreOutgoing = setInt(fd, SOL_PACKET, PACKET_IGNORE_OUTGOING, 1);
            if (rings) {
                map = rxRing(fd);
            }
            if (map == null && !ignoreOutgoing) {
                throw new IOException("neither a receive ring nor PACKET_IGNORE_OUTGOING (Linux 4.20) on " + dev);
            }
            bind(fd, htons(ETH_P_ALL), ifi);
            byte[] mreq = new byte[16];
            putInt(mreq, 0, ifi);
            mreq[4] = (byte) PACKET_MR_PROMISC;
            if (Sys.C.setsockopt(fd, SOL_PACKET, PACKET_ADD_MEMBERSHIP, mreq, mreq.length) < 0) {
                throw new IOException("cannot set " + dev + " promiscuous (errno " + Native.getLastError() + ")");
            }
            return new Rx(new FileDescriptor(fd), map, loop);
        } catch (IOException | RuntimeException | Error e) {
            if (map != null) {
                map.unmap();
            }
            Sys.C.close(fd);
            throw e;
        }
    }

    /**
     * Joins the receive sockets in one PACKET_FANOUT_HASH group: the kernel hands each frame to
     * one socket by its flow hash, so a flow stays on one loop. The group's id is one the kernel
     * picks free (PACKET_FANOUT_FLAG_UNIQUEID), or else one made of the process id and the port index.
     */
    private static void fanout(Rx[] r, int index, String dev) throws IOException {
        int id;
        if (setInt(r[0].fd.intValue(), SOL_PACKET, PACKET_FANOUT, (PACKET_FANOUT_HASH | PACKET_FANOUT_FLAG_UNIQUEID) << 16)) {
            byte[] v = new byte[4];
            int[] len = {4};
            if (Sys.C.getsockopt(r[0].fd.intValue(), SOL_PACKET, PACKET_FANOUT, v, len) < 0) {
                throw new IOException("cannot read the fanout group of " + dev + " (errno " + Native.getLastError() + ")");
            }
            id = ByteBuffer.wrap(v).order(ByteOrder.nativeOrder()).getInt(0) & 0xffff;
        } else {
            id = (Sys.C.getpid() * 31 + index) & 0xffff;
            if (!setInt(r[0].fd.intValue(), SOL_PACKET, PACKET_FANOUT, PACKET_FANOUT_HASH << 16 | id)) {
                throw new IOException("cannot make a fanout group on " + dev + " (errno " + Native.getLastError() + ")");
            }
        }
        for (int l = 1; l < r.length; l++) {
            if (!setInt(r[l].fd.intValue(), SOL_PACKET, PACKET_FANOUT, PACKET_FANOUT_HASH << 16 | id)) {
                throw new IOException("cannot join fanout group " + id + " on " + dev + " (errno " + Native.getLastError() + ")");
            }
        }
    }

    /** The interface the port is attached to. */
    public String dev() {
        return dev;
    }

    /** How frames move: the rings in use, or why there are none. */
    public String rings() {
        return rings;
    }

    @Override
    public String type() {
        return "packet";
    }

    private static int htons(int v) {
        return ((v & 0xff) << 8) | ((v >>> 8) & 0xff);
    }

    private static void putInt(byte[] b, int off, int v) {
        ByteBuffer.wrap(b).order(ByteOrder.nativeOrder()).putInt(off, v);
    }

    private static boolean setInt(int fd, int level, int name, int v) {
        byte[] b = new byte[4];
        putInt(b, 0, v);
        return Sys.C.setsockopt(fd, level, name, b, 4) == 0;
    }

    private static void bind(int fd, int protocol, int ifindex) throws IOException {
        byte[] sll = new byte[20];
        ByteBuffer bb = ByteBuffer.wrap(sll).order(ByteOrder.nativeOrder());
        bb.putShort(0, (short) AF_PACKET);
        bb.putShort(2, (short) protocol);
        bb.putInt(4, ifindex);
        if (Sys.C.bind(fd, sll, sll.length) < 0) {
            throw new IOException("bind to interface " + ifindex + " failed (errno " + Native.getLastError() + ")");
        }
    }

    private static long hardwareAddress(String dev) throws IOException {
        int s = Sys.C.socket(2 /* AF_INET */, 2 /* SOCK_DGRAM */, 0);
        if (s < 0) {
            throw new IOException("socket(AF_INET) failed (errno " + Native.getLastError() + ")");
        }
        try {
            byte[] ifr = new byte[40];
            byte[] n = dev.getBytes(StandardCharsets.US_ASCII);
            System.arraycopy(n, 0, ifr, 0, n.length);
            if (Sys.C.ioctl(s, SIOCGIFHWADDR, ifr) < 0) {
                throw new IOException("SIOCGIFHWADDR " + dev + " failed (errno " + Native.getLastError() + ")");
            }
            int family = (ifr[16] & 0xff) | (ifr[17] & 0xff) << 8;
            if (family != 1 /* ARPHRD_ETHER */) {
                throw new IOException("interface " + dev + " is not Ethernet (hardware type " + family + ")");
            }
            long m = 0;
            for (int i = 0; i < 6; i++) {
                m = m << 8 | (ifr[18 + i] & 0xff);
            }
            return m;
        } finally {
            Sys.C.close(s);
        }
    }

    /** A ring mapped from a socket: its address and a buffer over it. */
    record RingMap(Pointer base, long size, ByteBuffer buf) {
        void unmap() {
            Sys.C.munmap(base, size);
        }
    }

    private static RingMap map(int fd, long size) {
        Pointer p = Sys.C.mmap(null, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
        if (p == null || Pointer.nativeValue(p) == -1L) {
            return null;
        }
        return new RingMap(p, size, p.getByteBuffer(0, size).order(ByteOrder.nativeOrder()));
    }

    /** TPACKET_V3 receive ring; null when the kernel refuses it. */
    private static RingMap rxRing(int fd) {
        if (!setInt(fd, SOL_PACKET, PACKET_VERSION, TPACKET_V3)) {
            return null;
        }
        byte[] req = new byte[28];
        ByteBuffer b = ByteBuffer.wrap(req).order(ByteOrder.nativeOrder());
        b.putInt(0, RX_BLOCK);
        b.putInt(4, RX_BLOCKS);
        b.putInt(8, RX_FRAME);
        b.putInt(12, RX_BLOCK / RX_FRAME * RX_BLOCKS);
        b.putInt(16, RX_TIMEOUT_MS);
        if (Sys.C.setsockopt(fd, SOL_PACKET, PACKET_RX_RING, req, req.length) < 0) {
            return null;
        }
        return map(fd, (long) RX_BLOCK * RX_BLOCKS);
    }

    // ------------------------------------------------------------------ send

    @Override
    public boolean send(ByteBuf frame) {
        boolean handed = false;
        try {
            if (closed) {
                txDropped.increment();
                return false;
            }
            captured(frame);
            int n = frame.readableBytes();
            Tx t = null;
            int l = rt.currentLoop();
            if (l >= 0 && tx[l] != null) {
                t = tx[l];
            } else if (tx[0] != null) {
                // a control-plane thread: the frame goes out on this port's loop
                handed = true;
                rt.loop(loop).execute(() -> {
                    try {
                        sendOn(tx[loop], frame, frame.readableBytes(), true);
                    } finally {
                        frame.release();
                    }
                });
                return true;
            }
            if (t == null) {
                return sendPlain(frame, n);
            }
            return sendOn(t, frame, n, false);
        } finally {
            if (!handed) {
                frame.release();
            }
        }
    }

    private boolean sendPlain(ByteBuf frame, int n) {
        int l = rt.currentLoop();
        return writeCounted(rx[l < 0 ? 0 : l].fd, frame, n);
    }

    /** On the ring's loop: into the next slot, the flush scheduled (or done now). */
    private boolean sendOn(Tx t, ByteBuf frame, int n, boolean now) {
        if (closed || t.closed || n > TX_SLOT - TX_DATA) {
            txDropped.increment();
            return false;
        }
        if (!t.put(frame, n)) {
            txDropped.increment();
            return false;
        }
        txPackets.increment();
        txBytes.add(n);
        if (now) {
            t.flush();
        } else if (!t.scheduled) {
            t.scheduled = true;
            rt.loop(rt.currentLoop()).execute(t.flushTask);
        }
        return true;
    }

    /** One transmit socket and its ring, used by one event loop only. */
    static final class Tx {
        final int fd;
        final RingMap ring;
        final ByteBuffer buf;
        int next;
        boolean scheduled;
        boolean closed;
        final Runnable flushTask = this::flushScheduled;

        private Tx(int fd, RingMap ring) {
            this.fd = fd;
            this.ring = ring;
            this.buf = ring.buf();
        }

        /** @return null when the kernel refuses a transmit ring */
        static Tx open(int ifindex) throws IOException {
            int fd = Sys.C.socket(AF_PACKET, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
            if (fd < 0) {
                throw new IOException("socket(AF_PACKET) failed (errno " + Native.getLastError() + ")");
            }
            try {
                if (!setInt(fd, SOL_PACKET, PACKET_VERSION, TPACKET_V2)) {
                    Sys.C.close(fd);
                    return null;
                }
                setInt(fd, SOL_PACKET, PACKET_LOSS, 1); // a frame the kernel cannot send is skipped, not stuck
                setInt(fd, SOL_PACKET, PACKET_QDISC_BYPASS, 1);
                byte[] req = new byte[16];
                ByteBuffer b = ByteBuffer.wrap(req).order(ByteOrder.nativeOrder());
                b.putInt(0, TX_SLOT);
                b.putInt(4, TX_SLOTS);
                b.putInt(8, TX_SLOT);
                b.putInt(12, TX_SLOTS);
                if (Sys.C.setsockopt(fd, SOL_PACKET, PACKET_TX_RING, req, req.length) < 0) {
                    Sys.C.close(fd);
                    return null;
                }
                RingMap m = map(fd, (long) TX_SLOT * TX_SLOTS);
                if (m == null) {
                    Sys.C.close(fd);
                    return null;
                }
                bind(fd, 0, ifindex);
                return new Tx(fd, m);
            } catch (IOException | RuntimeException e) {
                Sys.C.close(fd);
                throw e;
            }
        }

        /** Copies the frame into the next free slot; flushes first when the ring is full. */
        boolean put(ByteBuf frame, int n) {
            int off = next * TX_SLOT;
            if ((int) INT.getAcquire(buf, off) != TP_STATUS_AVAILABLE) {
                flush();
                if ((int) INT.getAcquire(buf, off) != TP_STATUS_AVAILABLE) {
                    return false; // the kernel still holds every slot: drop rather than wait
                }
            }
            buf.clear().position(off + TX_DATA).limit(off + TX_DATA + n);
            frame.getBytes(frame.readerIndex(), buf);
            buf.clear();
            buf.putInt(off + 4, n); // tp_len
            INT.setRelease(buf, off, TP_STATUS_SEND_REQUEST);
            next = next + 1 == TX_SLOTS ? 0 : next + 1;
            return true;
        }

        private void flushScheduled() {
            scheduled = false;
            if (!closed) {
                flush();
            }
        }

        /** Hands every slot marked for sending to the kernel, without waiting. */
        void flush() {
            Direct.sendto(fd, 0L, 0L, MSG_DONTWAIT, 0L, 0);
        }

        void close() {
            if (closed) {
                return;
            }
            closed = true;
            ring.unmap();
            Sys.C.close(fd);
        }
    }

    // ------------------------------------------------------------------ receive

    /** A receive socket, registered on its loop for EPOLLIN, or polled through io_uring ({@link #poll}). */
    private final class Rx implements EpollIoHandle, UringPoll.Owner {
        final FileDescriptor fd;
        final RingMap ring;
        final ByteBuffer buf;
        /** The loop that reads this socket (the port's other fields name the port's loop). */
        final int loop;
        int block;
        volatile IoRegistration reg;
        /** The io_uring poll for POLLIN, or null on epoll. */
        volatile UringPoll poll;
        private final Runnable more = this::readMore;
        private final byte[] err = new byte[4];
        private final int[] errLen = new int[1];

        Rx(FileDescriptor fd, RingMap ring, int loop) {
            this.fd = fd;
            this.ring = ring;
            this.loop = loop;
            this.buf = ring == null ? null : ring.buf();
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
            if (ops.contains(EpollIoOps.EPOLLERR)) {
                // ENETDOWN when the interface goes down; the kernel attaches the socket again when it comes up
                errLen[0] = 4;
                Sys.C.getsockopt(fd.intValue(), SOL_SOCKET, SO_ERROR, err, errLen);
            }
            if (closed || !ops.contains(EpollIoOps.EPOLLIN)) {
                return;
            }
            if (readBurst()) {
                rt.loop(loop).execute(more);
            }
        }

        /** io_uring: readable (the poll is armed again afterwards: a budget that ran out brings it back at once). */
        @Override
        public void ready(int revents) {
            if ((revents & UringPoll.POLLERR) != 0) {
                errLen[0] = 4;
                Sys.C.getsockopt(fd.intValue(), SOL_SOCKET, SO_ERROR, err, errLen);
            }
            if (!closed && (revents & UringPoll.POLLIN) != 0) {
                readBurst();
            }
        }

        /** io_uring: the poll is over, the ring and the socket go. */
        @Override
        public void drained() {
            unmapAndClose();
        }

        private void readMore() {
            if (!closed && readBurst()) {
                rt.loop(loop).execute(more);
            }
        }

        /** @return true when the budget ran out before the socket did */
        private boolean readBurst() {
            FrameHandler h = rt.handler();
            long start = System.nanoTime(); // once per burst, for the loop's busy time
            try {
                return ring != null ? readBlocks(h) : readFrames(h);
            } finally {
                rt.busy(loop, System.nanoTime() - start);
            }
        }

        private boolean readBlocks(FrameHandler h) {
            for (int done = 0; done < BLOCK_BUDGET; done++) {
                if (closed) {
                    return false;
                }
                int base = block * RX_BLOCK;
                if (((int) INT.getAcquire(buf, base + 8) & TP_STATUS_USER) == 0) {
                    return false;
                }
                try {
                    int count = buf.getInt(base + 12);
                    int off = buf.getInt(base + 16);
                    for (int i = 0; i < count && !closed; i++) {
                        int hdr = base + off;
                        frame(h, hdr);
                        int nextOff = buf.getInt(hdr);
                        if (nextOff <= 0) {
                            break;
                        }
                        off += nextOff;
                        if (off >= RX_BLOCK) {
                            break;
                        }
                    }
                } finally {
                    try {
                        h.onBurstEnd(loop);
                    } catch (RuntimeException ignored) {
                        // a failing flush must not kill the loop
                    }
                    INT.setRelease(buf, base + 8, TP_STATUS_KERNEL);
                    block = block + 1 == RX_BLOCKS ? 0 : block + 1;
                }
            }
            return !closed;
        }

        /** One tpacket3_hdr at {@code hdr}: its frame copied into a pooled buffer and handled. */
        private void frame(FrameHandler h, int hdr) {
            int snap = buf.getInt(hdr + 12);
            int len = buf.getInt(hdr + 16);
            int status = buf.getInt(hdr + 20);
            int mac = buf.getShort(hdr + 24) & 0xffff;
            int pkttype = buf.get(hdr + 48 + 10) & 0xff; // sockaddr_ll after the header
            if (pkttype == PACKET_OUTGOING) {
                return;
            }
            boolean vlan = (status & TP_STATUS_VLAN_VALID) != 0;
            int total = snap + (vlan ? 4 : 0);
            if (snap != len || snap < 14 || total > IoRuntime.MAX_FRAME || mac + snap > RX_BLOCK
                    || hdr + mac + snap > buf.capacity()) {
                rxDropped.increment(); // truncated by the ring, or larger than a jumbo frame
                return;
            }
            ByteBuf b = rt.newFrame();
            int data = hdr + mac;
            if (vlan) {
                // the kernel took the 802.1Q tag off (VLAN offload): the frame gets it back, as a TAP would see it
                int tci = buf.getInt(hdr + 32) & 0xffff;
                int tpid = (status & TP_STATUS_VLAN_TPID_VALID) != 0 ? buf.getShort(hdr + 36) & 0xffff : 0x8100;
                buf.limit(data + 12).position(data);
                b.writeBytes(buf);
                b.writeShort(tpid);
                b.writeShort(tci);
                buf.limit(data + snap).position(data + 12);
                b.writeBytes(buf);
            } else {
                buf.limit(data + snap).position(data);
                b.writeBytes(buf);
            }
            buf.clear();
            rxPackets.increment();
            rxBytes.add(total);
            captured(b);
            try {
                h.onFrame(loop, PacketPort.this, b);
            } catch (RuntimeException e) {
                rxDropped.increment();
            }
        }

        /** Without rings: one read per frame, as a TAP. */
        private boolean readFrames(FrameHandler h) {
            int i = 0;
            try {
                for (; i < BUDGET && !closed; i++) {
                    ByteBuf b = rt.newFrame();
                    int n;
                    try {
                        n = fd.readAddress(b.memoryAddress(), b.writerIndex(), b.capacity());
                    } catch (IOException e) {
                        b.release(); // ENETDOWN and the like: the port stays, the next frame may come
                        return false;
                    }
                    if (n <= 0) {
                        b.release();
                        return false;
                    }
                    b.writerIndex(b.writerIndex() + n);
                    rxPackets.increment();
                    rxBytes.add(n);
                    captured(b);
                    try {
                        h.onFrame(loop, PacketPort.this, b);
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
            }
            return i == BUDGET && !closed;
        }

        @Override
        public void registered() {
        }

        void release() {
            if (poll != null) {
                poll.stop(); // unmapAndClose once the poll is cancelled
                return;
            }
            if (reg != null) {
                reg.cancel();
            }
            unmapAndClose();
        }

        private void unmapAndClose() {
            if (ring != null) {
                ring.unmap();
            }
            try {
                fd.close();
            } catch (IOException ignored) {
                // already closed
            }
        }

        @Override
        public void close() {
            release();
        }
    }

    // ------------------------------------------------------------------ close

    private void onLoop(int l, Runnable r) {
        var ev = rt.loop(l);
        if (ev.inEventLoop() || ev.isShuttingDown()) {
            r.run();
            return;
        }
        try {
            ev.submit(r).syncUninterruptibly();
        } catch (RuntimeException e) {
            r.run();
        }
    }

    /** {@code ip link del}: the sockets close, the interface stays (and leaves promiscuous mode). */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        up(false);
        if (rx != null) {
            for (Rx r : rx) {
                onLoop(r.loop, r::release);
            }
        }
        if (tx != null) {
            for (int l = 0; l < tx.length; l++) {
                Tx t = tx[l];
                if (t != null) {
                    onLoop(l, t::close);
                }
            }
        }
        stopCapture();
        rt.closed(this);
    }
}
