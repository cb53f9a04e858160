package org.srv6.appliance.core.internal.io;

import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.srv6.appliance.api.dataplane.MemoryPort;

import io.netty.buffer.ByteBuf;

/** A port without a device: frames are injected as byte arrays and what it sends is queued. */
public final class MemoryPortImpl extends IoPort implements MemoryPort {
    private final IoRuntime rt;
    private final int loop;
    private final LinkedBlockingQueue<byte[]> sent = new LinkedBlockingQueue<>();
    private volatile boolean closed;

    MemoryPortImpl(IoRuntime rt, int index, String name, long mac, int loop) {
        super(index, name, mac);
        this.rt = rt;
        this.loop = loop;
        up(true);
    }

    @Override
    public String type() {
        return "memory";
    }

    public int loop() {
        return loop;
    }

    @Override
    public void inject(byte[] frame) {
        if (closed) {
            return;
        }
        if (frame.length > IoRuntime.MAX_FRAME) {
            // a device would not deliver it either
            rxDropped.increment();
            return;
        }
        rt.execute(loop, () -> {
            long start = System.nanoTime();
            ByteBuf b = rt.newFrame();
            b.writeBytes(frame);
            rxPackets.increment();
            rxBytes.add(frame.length);
            captured(b);
            try {
                rt.handler().onFrame(loop, this, b);
            } catch (RuntimeException e) {
                rxDropped.increment();
            } finally {
                rt.handler().onBurstEnd(loop);
                rt.busy(loop, System.nanoTime() - start);
            }
        });
    }

    @Override
    public boolean send(ByteBuf frame) {
        try {
            if (closed) {
                txDropped.increment();
                return false;
            }
            captured(frame);
            byte[] b = new byte[frame.readableBytes()];
            frame.getBytes(frame.readerIndex(), b);
            txPackets.increment();
            txBytes.add(b.length);
            sent.add(b);
            return true;
        } finally {
            frame.release();
        }
    }

    @Override
    public byte[] poll(long timeoutMillis) throws InterruptedException {
        return sent.poll(timeoutMillis, TimeUnit.MILLISECONDS);
    }

    @Override
    public int pending() {
        return sent.size();
    }

    @Override
    public void close() {
        closed = true;
        stopCapture();
        rt.closed(this);
    }
}
