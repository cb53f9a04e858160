package org.srv6.appliance.core.internal.io;

import java.io.IOException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.Supplier;

import org.srv6.appliance.api.behavior.PacketContext;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.IoEventLoop;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.uring.IoUring;
import io.netty.channel.uring.IoUringIoHandler;
import io.netty.util.concurrent.FastThreadLocalThread;

/**
 * Owns the event loops (Netty io_uring or epoll, see {@link #backend()}) and the pooled direct
 * allocator; opens ports and assigns them to loops round robin.
 */
public final class IoRuntime implements AutoCloseable {
    /** Largest Ethernet frame accepted: 14 header + 9216 payload (jumbo). */
    public static final int MAX_FRAME = 14 + 9216;
    public static final int FRAME_CAPACITY = PacketContext.HEADROOM + MAX_FRAME;

    private final MultiThreadIoEventLoopGroup group;
    private final IoEventLoop[] loops;
    private final FrameHandler handler;
    private final PooledByteBufAllocator alloc = new PooledByteBufAllocator(true);
    private final AtomicInteger next = new AtomicInteger();
    private final List<IoPort> ports = new CopyOnWriteArrayList<>();
    private final SecureRandom random = new SecureRandom();
    /** Per loop: nanoseconds spent in bursts of reads (each slot written by its own loop only). */
    private final AtomicLongArray busy;

    /** The I/O backend names of {@link #backend()} and of the {@code srv6.io} property. */
    public static final String IO_URING = "io_uring";
    public static final String EPOLL = "epoll";
    public static final String AUTO = "auto";

    private final boolean uring;
    private final String backendNote;

    /** The backend asked for by the system property {@code srv6.io} (default {@code auto}). */
    public IoRuntime(int loops, FrameHandler handler) {
        this(loops, handler, System.getProperty("srv6.io", AUTO));
    }

    /**
     * @param io {@code auto} (io_uring where the kernel allows it, else epoll), {@code io_uring}
     *           (epoll with a note when io_uring is unavailable) or {@code epoll}; null is auto
     */
    public IoRuntime(int loops, FrameHandler handler, String io) {
        if (loops < 1) {
            throw new IllegalArgumentException("loops is " + loops + ", expected at least 1");
        }
        this.handler = handler;
        Choice c = choose(io, IoRuntime::uringUnavailability);
        this.uring = c.uring();
        this.backendNote = c.note();
        IoHandlerFactory ioFactory = c.uring() ? IoUringIoHandler.newFactory() : EpollIoHandler.newFactory();
        AtomicInteger threads = new AtomicInteger();
        ThreadFactory factory = r -> new LoopThread(this, r, "srv6-loop-" + threads.getAndIncrement());
        this.group = new MultiThreadIoEventLoopGroup(loops, factory, ioFactory);
        this.loops = new IoEventLoop[loops];
        this.busy = new AtomicLongArray(loops);
        int i = 0;
        for (var e : group) {
            this.loops[i++] = (IoEventLoop) e;
        }
        for (int l = 0; l < loops; l++) {
            int index = l;
            // each loop's thread learns its index once, so that currentLoop() is a field read
            this.loops[l].submit(() -> ((LoopThread) Thread.currentThread()).index = index).syncUninterruptibly();
        }
    }

    /** The thread of one event loop, which knows the loop's index (set once, read by itself only). */
    private static final class LoopThread extends FastThreadLocalThread {
        final IoRuntime owner;
        int index = -1;

        LoopThread(IoRuntime owner, Runnable r, String name) {
            super(r, name);
            this.owner = owner;
            setDaemon(false);
        }
    }

    public int loops() {
        return loops.length;
    }

    /** The backend chosen for a value of {@code srv6.io}, and why it is not the one asked for (null when it is). */
    record Choice(boolean uring, String note) {
    }

    /**
     * @param io          the value of {@code srv6.io} (null: auto)
     * @param unavailable why io_uring cannot be used here, null when it can (asked only when it matters)
     */
    static Choice choose(String io, Supplier<Throwable> unavailable) {
        String want = io == null ? AUTO : io.trim();
        switch (want) {
            case EPOLL:
                return new Choice(false, null);
            case IO_URING:
            case AUTO: {
                Throwable cause = unavailable.get();
                if (cause == null) {
                    return new Choice(true, null);
                }
                return new Choice(false, want.equals(IO_URING)
                        ? "srv6.io=io_uring but io_uring is unavailable (" + cause + "); using epoll" : null);
            }
            default: {
                boolean u = unavailable.get() == null;
                return new Choice(u, "srv6.io=" + want + " is not one of auto, io_uring, epoll; using "
                        + (u ? IO_URING : EPOLL));
            }
        }
    }

    /** @return null when io_uring can be used here, else why not (kernel.io_uring_disabled, seccomp, no native library) */
    static Throwable uringUnavailability() {
        try {
            return IoUring.isAvailable() ? null : IoUring.unavailabilityCause();
        } catch (LinkageError e) {
            return e; // the native part is missing
        }
    }

    /** @return {@code io_uring} or {@code epoll}: the backend the event loops run on */
    public String backend() {
        return uring ? IO_URING : EPOLL;
    }

    /** @return true when the event loops run io_uring */
    boolean uring() {
        return uring;
    }

    /** @return why the backend is not the one asked for, or null when it is */
    public String backendNote() {
        return backendNote;
    }

    /** Adds a burst's time to loop {@code loop}'s busy time; called by that loop only (no lock, no allocation). */
    void busy(int loop, long nanos) {
        busy.setRelease(loop, busy.getPlain(loop) + nanos);
    }

    /** @return per loop, the nanoseconds spent processing bursts of frames since the runtime started */
    public long[] busyNanos() {
        long[] out = new long[busy.length()];
        for (int i = 0; i < out.length; i++) {
            out[i] = busy.getAcquire(i);
        }
        return out;
    }

    FrameHandler handler() {
        return handler;
    }

    IoEventLoop loop(int i) {
        return loops[i];
    }

    PooledByteBufAllocator allocator() {
        return alloc;
    }

    /** Pooled direct buffer with reader = writer index = HEADROOM. */
    public ByteBuf newFrame() {
        ByteBuf b = alloc.directBuffer(FRAME_CAPACITY, FRAME_CAPACITY);
        b.setIndex(PacketContext.HEADROOM, PacketContext.HEADROOM);
        return b;
    }

    public void execute(int loop, Runnable task) {
        loops[loop].execute(task);
    }

    /** Runs {@code task} on loop {@code loop} every {@code period} after {@code delay}, until cancelled or closed. */
    public ScheduledFuture<?> scheduleAtFixedRate(int loop, Runnable task, long delay, long period, TimeUnit unit) {
        return loops[loop].scheduleAtFixedRate(task, delay, period, unit);
    }

    /** @return the index of the event loop calling, or -1 for any other thread (a field read, no scan) */
    int currentLoop() {
        return Thread.currentThread() instanceof LoopThread t && t.owner == this ? t.index : -1;
    }

    /** @return true when the calling thread is event loop {@code loop} */
    public boolean inLoop(int loop) {
        return loops[loop].inEventLoop();
    }

    private int nextLoop() {
        return Math.floorMod(next.getAndIncrement(), loops.length);
    }

    /** A random locally administered unicast MAC, as a long in the low 48 bits. */
    public long randomMac() {
        long m = random.nextLong() & 0xffff_ffff_ffffL;
        m &= ~(0x01L << 40); // unicast
        m |= 0x02L << 40;    // locally administered
        return m;
    }

    public TapPort openTap(int index, String name, int queues) throws IOException {
        return openTap(index, name, queues, null, null);
    }

    /** A TAP port whose netdev lives in {@code netns} (null: here) as {@code ifname} (null: the port's name). */
    public TapPort openTap(int index, String name, int queues, String netns, String ifname) throws IOException {
        TapPort p = new TapPort(this, index, name, randomMac(), Math.max(1, queues), nextLoop(), netns, ifname);
        ports.add(p);
        return p;
    }

    /**
     * The netdev of a port's mirror ({@code srv6:lcp}): a TAP made persistent in {@code netns} as
     * {@code ifname} with the port's MAC and MTU, up. Not a port of the appliance (index -1): its
     * frames go out through the port it mirrors.
     */
    public TapPort openMirrorTap(String name, String netns, String ifname, long mac, int mtu) throws IOException {
        TapPort p = new TapPort(this, -1, name, mac, 1, nextLoop(), netns, ifname, true, mtu);
        ports.add(p);
        return p;
    }

    /**
     * An AF_PACKET port attached to interface {@code dev} of this namespace; with {@code rings}
     * false (or where the kernel refuses them) frames move by plain recv/send.
     */
    public PacketPort openPacket(int index, String name, String dev, boolean rings) throws IOException {
        PacketPort p = new PacketPort(this, index, name, nextLoop(), dev, rings);
        ports.add(p);
        return p;
    }

    public MemoryPortImpl openMemory(int index, String name) {
        MemoryPortImpl p = new MemoryPortImpl(this, index, name, randomMac(), nextLoop());
        ports.add(p);
        return p;
    }

    public PcapPort openPcap(int index, String name, Path in, Path out) throws IOException {
        PcapPort p = new PcapPort(this, index, name, randomMac(), nextLoop(), in, out);
        ports.add(p);
        p.start();
        return p;
    }

    void closed(IoPort p) {
        ports.remove(p);
    }

    @Override
    public void close() {
        for (IoPort p : ports) {
            try {
                p.close();
            } catch (RuntimeException ignored) {
                // keep closing the others
            }
        }
        ports.clear();
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(10, TimeUnit.SECONDS);
    }
}
