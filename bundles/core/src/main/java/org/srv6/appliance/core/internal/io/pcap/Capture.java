package org.srv6.appliance.core.internal.io.pcap;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.time.Instant;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;

import io.netty.buffer.ByteBuf;

/**
 * One running capture of a port ({@code srv6:capture}): the packet path copies each wanted frame
 * once into a preallocated ring of slots ({@link #offer}, no allocation, no lock: a slot is
 * claimed by a compare-and-set, published by an ordered write); the writer ({@link #run}, on a
 * thread of its own or the streaming command's) drains the ring into whole pcap records and
 * writes them out at least every {@link #FLUSH_NANOS}, so that a reader of the file always sees
 * a header and complete records. A frame that finds the ring full (the writer lags) is dropped
 * and counted; the frames that passed the filter stop being taken at {@code count}.
 */
public final class Capture implements Runnable {

    /** Slots of the ring: frames the writer may lag behind. */
    public static final int SLOTS = 2048;
    /** Bytes kept of a frame (the pcap snap length); a longer frame is recorded cut, with its length. */
    public static final int SNAPLEN = 2048;
    /** Written out at least this often while frames come. */
    static final long FLUSH_NANOS = 100_000_000L;
    /** An idle stream is probed this often so that a client gone away ends its capture. */
    static final long PROBE_NANOS = 1_000_000_000L;
    private static final int MASK = SLOTS - 1;
    private static final int STAGE = 1 << 18;

    private final String port;
    private final String file;
    private final CaptureFilter filter;
    private final long limit;
    private final long startMillis;
    private final long startMicros;
    private final long startNanos;

    private final byte[] data = new byte[SLOTS * SNAPLEN];
    private final int[] lengths = new int[SLOTS];
    private final long[] stamps = new long[SLOTS];
    /** Slot i holds sequence s once published[i] == s + 1. */
    private final AtomicLongArray published = new AtomicLongArray(SLOTS);
    private final AtomicLong head = new AtomicLong();
    private volatile long tail;
    /** The writer's position as a producer last read it (racy on purpose: only ever behind {@link #tail}). */
    private long tailSeen;
    private final LongAdder dropped = new LongAdder();
    private volatile long written;
    private volatile boolean stopping;
    private volatile String error;
    private final CountDownLatch done = new CountDownLatch(1);
    private Runnable onEnd = () -> { };

    private final OutputStream out;
    private final byte[] stage = new byte[STAGE];
    private int staged;

    /**
     * @param out   where the pcap stream goes; its global header is written at once
     * @param count frames to write, 0 for no limit
     * @throws IOException when the header cannot be written
     */
    public Capture(String port, String file, CaptureFilter filter, long count, OutputStream out) throws IOException {
        this.port = port;
        this.file = file;
        this.filter = filter;
        this.limit = count <= 0 ? Long.MAX_VALUE : count;
        this.out = out;
        Instant now = Instant.now();
        this.startMillis = now.toEpochMilli();
        this.startMicros = now.getEpochSecond() * 1_000_000L + now.getNano() / 1000;
        this.startNanos = System.nanoTime();
        byte[] g = globalHeader(SNAPLEN);
        out.write(g);
        out.flush();
        checkStream();
    }

    /** The 24-byte libpcap global header: microsecond magic, version 2.4, LINKTYPE_ETHERNET. */
    public static byte[] globalHeader(int snaplen) {
        byte[] g = new byte[24];
        putLe(g, 0, PcapWriter.MAGIC_USEC);
        g[4] = 2;
        g[6] = 4;
        putLe(g, 16, snaplen);
        putLe(g, 20, PcapWriter.LINKTYPE_ETHERNET);
        return g;
    }

    static void putLe(byte[] b, int off, int v) {
        b[off] = (byte) v;
        b[off + 1] = (byte) (v >>> 8);
        b[off + 2] = (byte) (v >>> 16);
        b[off + 3] = (byte) (v >>> 24);
    }

    /** Runs {@code r} once the capture has ended and its output is closed. */
    public void onEnd(Runnable r) {
        this.onEnd = r;
    }

    public String port() {
        return port;
    }

    public String file() {
        return file;
    }

    public String filter() {
        return filter.toString();
    }

    /** @return the frame limit, 0 for none */
    public long count() {
        return limit == Long.MAX_VALUE ? 0 : limit;
    }

    public long startMillis() {
        return startMillis;
    }

    public long written() {
        return written;
    }

    public long dropped() {
        return dropped.sum();
    }

    /** @return why the output failed, or null */
    public String error() {
        return error;
    }

    public boolean ended() {
        return done.getCount() == 0;
    }

    /**
     * Packet path: takes a copy of the frame (reader index .. writer index, unchanged) when it
     * passes the filter and a slot is free.
     */
    public void offer(ByteBuf frame) {
        if (stopping || !filter.matches(frame)) {
            return;
        }
        long h;
        do {
            h = head.get();
            if (h >= limit) {
                return;
            }
            // the writer's position is read again only when the ring looks full
            if (h - tailSeen >= SLOTS && h - (tailSeen = tail) >= SLOTS) {
                dropped.increment();
                return;
            }
        } while (!head.compareAndSet(h, h + 1));
        int i = (int) (h & MASK);
        int n = frame.readableBytes();
        frame.getBytes(frame.readerIndex(), data, i * SNAPLEN, Math.min(n, SNAPLEN));
        lengths[i] = n;
        stamps[i] = startMicros + (System.nanoTime() - startNanos) / 1000L;
        published.lazySet(i, h + 1);
    }

    /** Asks the writer to write what is in the ring and end; returns at once. */
    public void stop() {
        stopping = true;
        LockSupport.unpark(writerThread);
    }

    /** Waits for the writer to end; @return whether it did within the time. */
    public boolean await(long millis) throws InterruptedException {
        return done.await(millis, TimeUnit.MILLISECONDS);
    }

    private volatile Thread writerThread;

    /** The writer: drains the ring until stopped, the count is written or the output fails. */
    @Override
    public void run() {
        writerThread = Thread.currentThread();
        long lastWrite = System.nanoTime();
        long lastProbe = lastWrite;
        try {
            while (true) {
                boolean any = drain();
                long now = System.nanoTime();
                if (staged > 0 && (!any || now - lastWrite >= FLUSH_NANOS || written >= limit)) {
                    writeOut();
                    lastWrite = now;
                    lastProbe = now;
                }
                if (written >= limit) {
                    break;
                }
                if (stopping) {
                    // what was claimed before the stop is published within a moment
                    if (head.get() == tail || waitPublished()) {
                        drain();
                        writeOut();
                        break;
                    }
                    continue;
                }
                if (!any) {
                    if (out instanceof PrintStream && now - lastProbe >= PROBE_NANOS) {
                        // an empty write reaches the client: fails once it has gone away
                        out.write(stage, 0, 0);
                        out.flush();
                        checkStream();
                        lastProbe = now;
                    }
                    LockSupport.parkNanos(2_000_000L);
                }
            }
        } catch (IOException e) {
            error = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        } finally {
            stopping = true;
            try {
                if (out instanceof PrintStream) {
                    out.flush();
                } else {
                    out.close();
                }
            } catch (IOException ignored) {
                // what was written stays
            }
            done.countDown();
            onEnd.run();
        }
    }

    /** Waits briefly for claimed slots to be published; true when all are (or time is up). */
    private boolean waitPublished() {
        long h = head.get();
        long deadline = System.nanoTime() + 50_000_000L;
        for (long s = tail; s < h && s < tail + SLOTS; s++) {
            while (published.get((int) (s & MASK)) != s + 1) {
                if (System.nanoTime() > deadline) {
                    return true;
                }
                Thread.onSpinWait();
            }
        }
        return true;
    }

    /** Moves the published frames into the stage as pcap records; @return whether any was. */
    private boolean drain() throws IOException {
        boolean any = false;
        long t = tail;
        while (written < limit) {
            int i = (int) (t & MASK);
            if (published.get(i) != t + 1) {
                break;
            }
            int len = lengths[i];
            int cap = Math.min(len, SNAPLEN);
            if (staged + 16 + cap > STAGE) {
                writeOut();
            }
            long ts = stamps[i];
            putLe(stage, staged, (int) (ts / 1_000_000L));
            putLe(stage, staged + 4, (int) (ts % 1_000_000L));
            putLe(stage, staged + 8, cap);
            putLe(stage, staged + 12, len);
            System.arraycopy(data, i * SNAPLEN, stage, staged + 16, cap);
            staged += 16 + cap;
            t++;
            written++;
            any = true;
            if ((t & 63) == 0) {
                tail = t;
            }
        }
        if (any) {
            tail = t;
        }
        return any;
    }

    /** Writes the staged whole records in one write. */
    private void writeOut() throws IOException {
        if (staged == 0) {
            return;
        }
        out.write(stage, 0, staged);
        out.flush();
        staged = 0;
        checkStream();
    }

    private void checkStream() throws IOException {
        if (out instanceof PrintStream p && p.checkError()) {
            throw new IOException("the client went away");
        }
    }
}
