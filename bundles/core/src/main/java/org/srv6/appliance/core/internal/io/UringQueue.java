package org.srv6.appliance.core.internal.io;

import io.netty.buffer.ByteBuf;
import io.netty.channel.IoEvent;
import io.netty.channel.IoRegistration;
import io.netty.channel.uring.IoUringIoEvent;
import io.netty.channel.uring.IoUringIoHandle;
import io.netty.channel.uring.IoUringIoOps;
import io.netty.util.internal.PlatformDependent;

/**
 * One frame fd (a TAP queue) driven by io_uring: {@link #READS} reads stay posted, each into its
 * own pooled frame; a completed read hands its frame to the handler and posts a new one. Frames
 * sent from the queue's own loop go out as write SQEs (at most {@link #WRITES} in flight; the
 * frame is held until the write completes), which Netty submits together once per loop pass;
 * beyond that they wait in order ({@link #PENDING}) for a write to complete, so that no frame
 * overtakes another.
 *
 * <p>Everything but {@link #close()} runs on the queue's loop only: no locks. Every frame held by
 * a posted read or a write in flight is released exactly once: by its completion (a cancelled
 * read completes with ECANCELED) or, when the ring is gone, by {@link #close()}. The fd is closed
 * once nothing is in flight any more.
 *
 * <p>Reads and writes are READV/WRITEV of one iovec each: every slot has its own iovec in native
 * memory and its own request, made once, so that a frame costs two stores into the iovec and no
 * object (Netty's submit copies a request into the ring at once on the loop).
 */
final class UringQueue implements IoUringIoHandle {
    /**
     * Reads kept posted. Each waits on the device's wait queue, and a frame arriving on an idle
     * queue wakes them all: more is not better (128 forwarded far fewer frames than 32 or fewer
     * in the pps script); a loop pass goes on reading as long as reads complete at once.
     */
    static final int READS = 16;
    /** Writes in flight at most; past that frames wait in order for a slot. */
    static final int WRITES = 32;
    /** Frames waiting for a write slot at most; past that a frame is dropped (never a write that overtakes). */
    static final int PENDING = 1024;

    /** io_uring opcodes (include/uapi/linux/io_uring.h). */
    static final byte IORING_OP_READV = 1;
    static final byte IORING_OP_WRITEV = 2;
    static final byte IORING_OP_POLL_ADD = 6;
    static final byte IORING_OP_ASYNC_CANCEL = 14;
    static final byte IORING_OP_READ = 22;
    static final byte IORING_OP_WRITE = 23;
    /** Cancel flags: every request on the fd given. */
    static final int IORING_ASYNC_CANCEL_ALL = 1;
    static final int IORING_ASYNC_CANCEL_FD = 2;
    static final int EAGAIN = 11;
    static final int EINTR = 4;
    static final int ENOBUFS = 105;
    static final int ECANCELED = 125;
    static final int POLLIN = 0x1;

    /** What the owning port does on the queue's behalf. */
    interface Owner {
        /** A read failed for good (the device is gone): the port closes. */
        void failed();

        /** Called once, on the queue's loop, when nothing is in flight any more: the fd may close. */
        void drained();
    }

    private final IoRuntime rt;
    private final IoPort port;
    private final Owner owner;
    private final int fd;
    final int loop;
    private final ByteBuf[] reads;
    private final ByteBuf[] writes = new ByteBuf[WRITES];
    private final int[] writeLen = new int[WRITES];
    private final int[] freeWrites = new int[WRITES];
    private int freeCount = WRITES;
    private final ByteBuf[] pending = new ByteBuf[PENDING];
    private int pendingHead;
    private int pendingCount;
    private int posted;
    private int inFlight;
    private volatile IoRegistration reg;
    private boolean closing;
    private boolean drained;
    /** A burst of read completions is running: its end is the task {@link #burstEnd}. */
    private boolean burst;
    private long burstStart;
    private final Runnable burstEnd = this::endBurst;
    /** One iovec (base, length) per read slot, then one per write slot; released when drained. */
    private final ByteBuf iovs;
    private final long iovBase;
    /** The request of each read slot and each write slot (READV/WRITEV of the slot's iovec). */
    private final IoUringIoOps[] readOps;
    private final IoUringIoOps[] writeOps = new IoUringIoOps[WRITES];

    /** @param reads reads kept posted (0: writes only, the owner reads by itself) */
    UringQueue(IoRuntime rt, IoPort port, Owner owner, int fd, int loop, int reads) {
        this.reads = new ByteBuf[reads];
        this.rt = rt;
        this.port = port;
        this.owner = owner;
        this.fd = fd;
        this.loop = loop;
        for (int i = 0; i < WRITES; i++) {
            freeWrites[i] = i;
        }
        this.iovs = rt.allocator().directBuffer(16 * (reads + WRITES));
        this.iovBase = iovs.memoryAddress();
        this.readOps = new IoUringIoOps[reads];
        for (int i = 0; i < reads; i++) {
            readOps[i] = vector(IORING_OP_READV, fd, iov(i), i);
        }
        for (int i = 0; i < WRITES; i++) {
            writeOps[i] = vector(IORING_OP_WRITEV, fd, iov(reads + i), i);
        }
    }

    /** @return the address of iovec {@code i} */
    private long iov(int i) {
        return iovBase + 16L * i;
    }

    /** READV/WRITEV of the one iovec at {@code iov}, the slot in the completion's data. */
    private static IoUringIoOps vector(byte op, int fd, long iov, int slot) {
        return new IoUringIoOps(op, (byte) 0, (short) 0, fd, 0L, iov, 1, 0, (short) slot,
                (short) 0, (short) 0, 0, 0L);
    }

    private void setIov(int i, long base, int len) {
        long a = iov(i);
        PlatformDependent.putLong(a, base);
        PlatformDependent.putLong(a + 8, len);
    }

    /** Registers with the loop and posts the reads; call from any thread but the loop. */
    void start() {
        var l = rt.loop(loop);
        IoRegistration r = l.register(this).syncUninterruptibly().getNow();
        reg = r;
        l.submit(() -> {
            for (int i = 0; i < reads.length; i++) {
                postRead(i);
            }
        }).syncUninterruptibly();
    }

    private void postRead(int slot) {
        ByteBuf b = reads[slot];
        if (b == null) {
            b = rt.newFrame();
            reads[slot] = b;
        }
        IoRegistration r = reg;
        if (!closing && r != null) {
            setIov(slot, b.memoryAddress() + b.writerIndex(), b.writableBytes());
        }
        if (closing || r == null || r.submit(readOps[slot]) == 0) {
            reads[slot] = null;
            b.release();
            return;
        }
        posted++;
    }

    /** {@link #write} results. */
    static final int NOT_TAKEN = 0;
    static final int QUEUED = 1;
    static final int DROPPED = -1;

    /**
     * On the queue's loop: queues a write of {@code frame}.
     *
     * @return {@link #QUEUED} (the queue owns the frame; counted when written), {@link #DROPPED}
     *         (too many waiting: released and counted) or {@link #NOT_TAKEN} (closing or not a
     *         direct buffer: the caller keeps the frame)
     */
    int write(ByteBuf frame) {
        if (closing || reg == null || !frame.hasMemoryAddress()) {
            return NOT_TAKEN;
        }
        if (freeCount > 0 && pendingCount == 0) {
            return submitWrite(frame) ? QUEUED : NOT_TAKEN;
        }
        if (pendingCount == PENDING) {
            port.txDropped.increment();
            frame.release();
            return DROPPED;
        }
        pending[(pendingHead + pendingCount) % PENDING] = frame;
        pendingCount++;
        return QUEUED;
    }

    private boolean submitWrite(ByteBuf frame) {
        int slot = freeWrites[--freeCount];
        int n = frame.readableBytes();
        setIov(reads.length + slot, frame.memoryAddress() + frame.readerIndex(), n);
        if (reg.submit(writeOps[slot]) == 0) {
            freeCount++;
            return false;
        }
        writes[slot] = frame;
        writeLen[slot] = n;
        inFlight++;
        return true;
    }

    @Override
    public void handle(IoRegistration registration, IoEvent event) {
        IoUringIoEvent e = (IoUringIoEvent) event;
        int slot = e.data();
        switch (e.opcode()) {
            case IORING_OP_READV:
                readDone(slot, e.res());
                break;
            case IORING_OP_WRITEV:
                writeDone(slot, e.res());
                break;
            default:
                break; // the cancel's own completion
        }
        checkDrained();
    }

    private void readDone(int slot, int res) {
        posted--;
        ByteBuf b = reads[slot];
        if (b == null) {
            return;
        }
        if (res > 0 && !closing) {
            reads[slot] = null;
            if (!burst) {
                burst = true;
                burstStart = System.nanoTime(); // once per burst, for the loop's busy time
                rt.loop(loop).execute(burstEnd);
            }
            b.writerIndex(b.writerIndex() + res);
            port.rxPackets.increment();
            port.rxBytes.add(res);
            port.captured(b);
            try {
                rt.handler().onFrame(loop, port, b);
            } catch (RuntimeException ex) {
                port.rxDropped.increment();
            }
            postRead(slot);
            return;
        }
        if (closing || res == -ECANCELED) {
            reads[slot] = null;
            b.release();
            return;
        }
        if (res == 0 || res == -EAGAIN || res == -EINTR || res == -ENOBUFS) {
            postRead(slot); // the same frame, posted again
            return;
        }
        reads[slot] = null;
        b.release();
        owner.failed(); // EBADFD, EIO ...: the device is gone
    }

    private void writeDone(int slot, int res) {
        ByteBuf f = writes[slot];
        writes[slot] = null;
        freeWrites[freeCount++] = slot;
        inFlight--;
        if (f == null) {
            return;
        }
        int n = writeLen[slot];
        if (res == n) {
            port.txPackets.increment();
            port.txBytes.add(n);
        } else {
            port.txDropped.increment();
        }
        f.release();
        while (pendingCount > 0 && freeCount > 0 && !closing) {
            ByteBuf next = pending[pendingHead];
            pending[pendingHead] = null;
            pendingHead = (pendingHead + 1) % PENDING;
            pendingCount--;
            if (!submitWrite(next)) {
                port.txDropped.increment();
                next.release();
            }
        }
    }

    private void endBurst() {
        burst = false;
        try {
            rt.handler().onBurstEnd(loop);
        } catch (RuntimeException ignored) {
            // a failing flush must not kill the loop
        }
        rt.busy(loop, System.nanoTime() - burstStart);
    }

    private void checkDrained() {
        if (closing && !drained && posted == 0 && inFlight == 0) {
            drained = true;
            releaseAll();
            owner.drained();
        }
    }

    /** Frames no completion will come for any more, and the iovecs. */
    private void releaseAll() {
        if (iovs.refCnt() > 0) {
            iovs.release();
        }
        for (int i = 0; i < reads.length; i++) {
            if (reads[i] != null) {
                reads[i].release();
                reads[i] = null;
            }
        }
        for (int i = 0; i < WRITES; i++) {
            if (writes[i] != null) {
                writes[i].release();
                writes[i] = null;
            }
        }
        for (; pendingCount > 0; pendingCount--) {
            port.txDropped.increment(); // never written
            pending[pendingHead].release();
            pending[pendingHead] = null;
            pendingHead = (pendingHead + 1) % PENDING;
        }
    }

    /**
     * On the queue's loop: cancels the posted reads; their completions (ECANCELED) release the
     * frames, then {@link Owner#drained()} runs. Also called by Netty when the loop shuts down.
     */
    @Override
    public void close() {
        if (closing) {
            return;
        }
        closing = true;
        IoRegistration r = reg;
        if (r != null && r.isValid() && (posted > 0 || inFlight > 0)) {
            r.submit(new IoUringIoOps(IORING_OP_ASYNC_CANCEL, (byte) 0, (short) 0, fd, 0L, 0L, 0,
                    IORING_ASYNC_CANCEL_ALL | IORING_ASYNC_CANCEL_FD, (short) 0, (short) 0, (short) 0, 0, 0L));
        }
        if (r != null) {
            r.cancel();
        }
        checkDrained();
    }

    /** When the loop is gone (no completion will come): releases what is left, from any thread. */
    void abandon() {
        if (!drained) {
            closing = true;
            drained = true;
            releaseAll();
            owner.drained();
        }
    }
}
