package org.srv6.appliance.core.internal.io;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

import org.srv6.appliance.core.internal.io.pcap.PcapReader;
import org.srv6.appliance.core.internal.io.pcap.PcapWriter;

import io.netty.buffer.ByteBuf;

/** Replays the frames of a pcap file once and writes what it sends to another pcap file. */
public final class PcapPort extends IoPort {
    private final IoRuntime rt;
    private final int loop;
    private final List<byte[]> in;
    private final PcapWriter out;
    private volatile boolean closed;

    PcapPort(IoRuntime rt, int index, String name, long mac, int loop, Path in, Path out) throws IOException {
        super(index, name, mac);
        this.rt = rt;
        this.loop = loop;
        this.in = in == null ? List.of() : PcapReader.readAll(in);
        this.out = out == null ? null : new PcapWriter(out);
        up(true);
    }

    @Override
    public String type() {
        return "pcap";
    }

    void start() {
        rt.execute(loop, () -> {
            long begin = System.nanoTime();
            for (byte[] f : in) {
                if (closed) {
                    return;
                }
                ByteBuf b = rt.newFrame();
                b.writeBytes(f);
                rxPackets.increment();
                rxBytes.add(f.length);
                captured(b);
                try {
                    rt.handler().onFrame(loop, this, b);
                } catch (RuntimeException e) {
                    rxDropped.increment();
                }
            }
            rt.handler().onBurstEnd(loop);
            rt.busy(loop, System.nanoTime() - begin);
        });
    }

    @Override
    public boolean send(ByteBuf frame) {
        try {
            if (closed || out == null) {
                txDropped.increment();
                return false;
            }
            captured(frame);
            int n = frame.readableBytes();
            if (!out.append(frame)) {
                txDropped.increment();
                return false;
            }
            txPackets.increment();
            txBytes.add(n);
            return true;
        } finally {
            frame.release();
        }
    }

    /** Flushes the output file so that readers see every frame sent so far. */
    public void flush() throws IOException {
        if (out != null) {
            out.flush();
        }
    }

    @Override
    public void close() {
        closed = true;
        stopCapture();
        if (out != null) {
            out.close();
        }
        rt.closed(this);
    }
}
