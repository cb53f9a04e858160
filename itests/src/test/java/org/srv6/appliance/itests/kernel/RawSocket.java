package org.srv6.appliance.itests.kernel;

import com.sun.jna.LastErrorException;
import com.sun.jna.Library;
import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.ptr.IntByReference;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.function.Predicate;
import org.srv6.appliance.testkit.Packets;

/**
 * An AF_PACKET raw socket bound to one interface of a network namespace. The socket is created
 * on a dedicated thread that first joins the namespace with setns(2): a socket belongs to the
 * namespace it was created in, so it can be used from any thread afterwards.
 */
public final class RawSocket implements AutoCloseable {

    interface LibC extends Library {
        LibC INSTANCE = Native.load("c", LibC.class);

        int socket(int domain, int type, int protocol) throws LastErrorException;

        int bind(int fd, byte[] addr, int len) throws LastErrorException;

        int setsockopt(int fd, int level, int opt, byte[] val, int len) throws LastErrorException;

        long send(int fd, byte[] buf, long len, int flags) throws LastErrorException;

        long recvfrom(int fd, Memory buf, long len, int flags, byte[] addr, IntByReference addrLen);

        int open(String path, int flags) throws LastErrorException;

        int close(int fd);

        int setns(int fd, int nstype) throws LastErrorException;

        int if_nametoindex(String name);
    }

    private static final int AF_PACKET = 17;
    private static final int SOCK_RAW = 3;
    private static final int ETH_P_ALL = 0x0003;
    private static final int SOL_SOCKET = 1;
    private static final int SO_RCVTIMEO = 20;
    private static final int CLONE_NEWNET = 0x40000000;
    private static final int PACKET_OUTGOING = 4;

    private final int fd;
    private final Memory buf = new Memory(65536);

    private RawSocket(int fd) {
        this.fd = fd;
    }

    /** Opens a raw socket in namespace {@code ns}, bound to device {@code dev}. */
    public static RawSocket open(Netns ns, String dev) {
        CompletableFuture<RawSocket> f = new CompletableFuture<>();
        Thread t = new Thread(() -> {
            try {
                LibC c = LibC.INSTANCE;
                int nsfd = c.open("/var/run/netns/" + ns.name(), 0);
                try {
                    c.setns(nsfd, CLONE_NEWNET);
                } finally {
                    c.close(nsfd);
                }
                int ifindex = c.if_nametoindex(dev);
                if (ifindex == 0) {
                    throw new IllegalArgumentException("no device " + dev + " in namespace " + ns.name());
                }
                int s = c.socket(AF_PACKET, SOCK_RAW, htons(ETH_P_ALL));
                byte[] sll = new byte[20];
                sll[0] = (byte) AF_PACKET; // sll_family, little endian host
                sll[2] = 0;
                sll[3] = (byte) ETH_P_ALL; // sll_protocol, network order
                sll[4] = (byte) ifindex;
                sll[5] = (byte) (ifindex >> 8);
                sll[6] = (byte) (ifindex >> 16);
                sll[7] = (byte) (ifindex >> 24);
                c.bind(s, sll, sll.length);
                f.complete(new RawSocket(s));
            } catch (Throwable e) {
                f.completeExceptionally(e);
            }
        }, "rawsocket-" + ns.name());
        t.start();
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("cannot open AF_PACKET socket on " + dev + " in " + ns.name() + ": " + e.getCause(), e.getCause());
        }
    }

    private static int htons(int v) {
        return ((v & 0xff) << 8) | ((v >> 8) & 0xff);
    }

    /** Sends one complete Ethernet frame. */
    public void send(byte[] frame) {
        LibC.INSTANCE.send(fd, frame, frame.length, 0);
    }

    /** Discards everything queued so far. */
    public void drain() {
        while (receiveRaw(1) != null) {
            // discard
        }
    }

    /**
     * Returns the next incoming frame matching {@code filter} within {@code timeoutMillis}, or null.
     * Frames this socket's interface sent are ignored.
     */
    public byte[] receive(long timeoutMillis, Predicate<byte[]> filter) {
        long deadline = System.currentTimeMillis() + timeoutMillis;
        long left;
        while ((left = deadline - System.currentTimeMillis()) > 0) {
            byte[] f = receiveRaw(left);
            if (f != null && f.length > 0 && filter.test(f)) { // empty: a frame this interface sent
                return f;
            }
        }
        return null;
    }

    private byte[] receiveRaw(long timeoutMillis) {
        byte[] tv = new byte[16];
        long sec = timeoutMillis / 1000;
        long usec = (timeoutMillis % 1000) * 1000;
        for (int i = 0; i < 8; i++) {
            tv[i] = (byte) (sec >> (8 * i));
            tv[8 + i] = (byte) (usec >> (8 * i));
        }
        LibC.INSTANCE.setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, tv, 16);
        byte[] sll = new byte[20];
        IntByReference len = new IntByReference(20);
        long n = LibC.INSTANCE.recvfrom(fd, buf, buf.size(), 0, sll, len);
        if (n < 0) {
            return null;
        }
        if ((sll[10] & 0xff) == PACKET_OUTGOING) {
            return new byte[0];
        }
        return buf.getByteArray(0, (int) n);
    }

    /**
     * Filter: IPv6 frames that are not ICMPv6 NDP/MLD/RS noise. MLD reports come after a
     * Hop-by-Hop Options header (router alert), so that header is skipped.
     */
    public static boolean ipv6NoNoise(byte[] f) {
        if (f.length < 54 || Packets.ethertype(f) != 0x86DD) {
            return false;
        }
        int nh = f[20] & 0xff;
        int p = 54;
        if (nh == 0 && f.length >= p + 2) {
            nh = f[p] & 0xff;
            p += 8 + 8 * (f[p + 1] & 0xff);
        }
        if (nh == 58 && f.length > p) {
            int t = f[p] & 0xff;
            return !(t >= 130 && t <= 137) && t != 143;
        }
        return true;
    }

    /** Filter: IPv4 frames. */
    public static boolean ipv4(byte[] f) {
        return f.length >= 34 && Packets.ethertype(f) == 0x0800;
    }

    @Override
    public void close() {
        LibC.INSTANCE.close(fd);
    }
}
