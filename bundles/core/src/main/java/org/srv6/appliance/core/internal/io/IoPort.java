package org.srv6.appliance.core.internal.io;

import java.io.IOException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;

import io.netty.buffer.ByteBuf;
import io.netty.channel.unix.FileDescriptor;

import org.srv6.appliance.core.internal.io.pcap.Capture;

/**
 * A port of the appliance: a TAP device, a memory port or a pcap port. Its identity (index,
 * name) is fixed; MAC, MTU and admin state change at run time.
 */
public abstract class IoPort implements AutoCloseable {
    private final int index;
    private final String name;
    private volatile long mac;
    private volatile int mtu = 1500;
    private volatile boolean up;
    /**
     * The port's mirror in a control namespace ({@code srv6:lcp}), also set on the mirror's own
     * netdev; null when the port is not mirrored.
     */
    public volatile Mirror mirror;

    public final LongAdder rxPackets = new LongAdder();
    public final LongAdder rxBytes = new LongAdder();
    public final LongAdder txPackets = new LongAdder();
    public final LongAdder txBytes = new LongAdder();
    public final LongAdder rxDropped = new LongAdder();
    public final LongAdder txDropped = new LongAdder();

    protected IoPort(int index, String name, long mac) {
        this.index = index;
        this.name = name;
        this.mac = mac;
    }

    public final int index() {
        return index;
    }

    public final String name() {
        return name;
    }

    /** @return {@code tap}, {@code packet}, {@code memory} or {@code pcap} */
    public abstract String type();

    public final long mac() {
        return mac;
    }

    public final void mac(long mac) {
        this.mac = mac;
    }

    public final int mtu() {
        return mtu;
    }

    public final void mtu(int mtu) {
        this.mtu = mtu;
    }

    public final boolean up() {
        return up;
    }

    public void up(boolean up) {
        this.up = up;
    }

    /**
     * Sends one Ethernet frame (reader index .. writer index) and releases it, whatever happens.
     * Safe to call from any event loop.
     *
     * @return false when the frame could not be sent (counted in txDropped)
     */
    public abstract boolean send(ByteBuf frame);

    private final AtomicReference<Capture> capture = new AtomicReference<>();

    /** Attaches {@code c}; @return false when a capture runs already. */
    public boolean capture(Capture c) {
        if (!capture.compareAndSet(null, c)) {
            return false;
        }
        c.onEnd(() -> capture.compareAndSet(c, null));
        return true;
    }

    /** @return the running capture, or null */
    public Capture capture() {
        return capture.get();
    }

    /** Asks the running capture, if any, to write what it holds and end. */
    public void stopCapture() {
        Capture c = capture.get();
        if (c != null) {
            c.stop();
        }
    }

    /** Called by subclasses for each frame received (before processing) and sent. */
    protected final void captured(ByteBuf frame) {
        Capture c = capture.get();
        if (c != null) {
            c.offer(frame);
        }
    }

    /** Stops reading and closes the device; frames sent afterwards are dropped. */
    @Override
    public abstract void close();

    /**
     * One frame written to {@code fd} with one system call, never blocking: counted as sent, or
     * as dropped when the write takes less than the whole frame (EAGAIN, an error). The frame
     * stays the caller's.
     */
    protected final boolean writeCounted(FileDescriptor fd, ByteBuf frame, int n) {
        int w;
        try {
            if (frame.hasMemoryAddress()) {
                w = fd.writeAddress(frame.memoryAddress(), frame.readerIndex(), frame.writerIndex());
            } else {
                w = fd.write(frame.nioBuffer(), 0, n);
            }
        } catch (IOException e) {
            w = 0;
        }
        if (w != n) {
            txDropped.increment();
            return false;
        }
        txPackets.increment();
        txBytes.add(n);
        return true;
    }
}
