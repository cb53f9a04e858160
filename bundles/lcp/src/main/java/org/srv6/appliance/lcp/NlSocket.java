package org.srv6.appliance.lcp;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;

import com.sun.jna.Library;
import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Pointer;

/**
 * An rtnetlink socket (NETLINK_ROUTE) opened inside a named network namespace: the calling thread
 * enters the namespace with {@code setns} (it changes that thread alone) before the socket is made,
 * and the socket stays in that namespace for its life. Receives time out every
 * {@link #TIMEOUT_MS} ms so its reader can look at other work.
 *
 * <p>The kernel sends each notification (one route, one address) as a datagram of its own, so a
 * burst of 100k routes is 100k datagrams: they are taken up to {@link #BATCH} per system call
 * ({@code recvmmsg}) into native buffers made once, and handed out one by one.
 */
final class NlSocket implements AutoCloseable {
    static final int TIMEOUT_MS = 200;
    static final int ENOBUFS = 105;
    static final int EAGAIN = 11;
    static final int EINTR = 4;
    private static final int AF_NETLINK = 16;
    private static final int SOCK_RAW = 3;
    private static final int SOCK_CLOEXEC = 0x80000;
    private static final int NETLINK_ROUTE = 0;
    private static final int SOL_SOCKET = 1;
    private static final int SO_RCVBUF = 8;
    private static final int SO_RCVTIMEO = 20;
    private static final int SO_RCVBUFFORCE = 33;
    private static final int SOL_NETLINK = 270;
    private static final int NETLINK_ADD_MEMBERSHIP = 1;
    private static final int CLONE_NEWNET = 0x40000000;

    interface LibC extends Library {
        LibC C = Native.load("c", LibC.class);

        int open(String path, int flags);

        int close(int fd);

        int setns(int fd, int nstype);

        int socket(int domain, int type, int protocol);

        int bind(int fd, byte[] addr, int len);

        int setsockopt(int fd, int level, int name, byte[] value, int len);

        long send(int fd, byte[] buf, long len, int flags);

        int recvmmsg(int fd, Pointer msgvec, int vlen, int flags, Pointer timeout);
    }

    /** Datagrams taken per system call. */
    static final int BATCH = 64;
    /** The largest datagram the kernel sends on a netlink socket (a dump's, 32 KiB). */
    static final int SLOT = 32 * 1024;
    private static final int MSG_WAITFORONE = 0x10000;
    /** struct mmsghdr on 64-bit Linux: msghdr (56 bytes), msg_len, padding. */
    private static final int MMSGHDR = 64;
    private static final int MSG_LEN = 56;

    private final int fd;
    private final Memory data = new Memory((long) BATCH * SLOT);
    private final Memory iovecs = new Memory(BATCH * 16L);
    private final Memory vec = new Memory((long) BATCH * MMSGHDR);
    /** Datagrams received by the last call and how many were handed out. */
    private int received;
    private int taken;
    private volatile boolean closed;

    private NlSocket(int fd) {
        this.fd = fd;
        vec.clear();
        for (int i = 0; i < BATCH; i++) {
            iovecs.setPointer(i * 16L, data.share((long) i * SLOT));
            iovecs.setLong(i * 16L + 8, SLOT);
            long h = (long) i * MMSGHDR;
            vec.setPointer(h + 16, iovecs.share(i * 16L)); // msg_iov
            vec.setLong(h + 24, 1); // msg_iovlen
        }
    }

    /**
     * Enters namespace {@code ns} (the calling thread stays in it: call from the follower's own
     * thread) and opens a socket there subscribed to {@code groups}.
     */
    static NlSocket open(Path ns, int rcvbuf, int... groups) throws IOException {
        LibC c = LibC.C;
        int nfd = c.open(ns.toString(), 0 /* O_RDONLY */);
        if (nfd < 0) {
            throw new IOException("cannot open " + ns + " (errno " + Native.getLastError() + ")");
        }
        try {
            if (c.setns(nfd, CLONE_NEWNET) < 0) {
                throw new IOException("cannot enter network namespace " + ns + " (errno " + Native.getLastError() + ")");
            }
        } finally {
            c.close(nfd);
        }
        int fd = c.socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
        if (fd < 0) {
            throw new IOException("cannot open a netlink socket (errno " + Native.getLastError() + ")");
        }
        NlSocket s = new NlSocket(fd);
        try {
            byte[] sa = new byte[12];
            // sockaddr_nl {nl_family, pad, nl_pid 0 (the kernel picks one), nl_groups 0 (joined below)}
            ByteBuffer.wrap(sa).order(ByteOrder.nativeOrder()).putShort(0, (short) AF_NETLINK);
            if (c.bind(fd, sa, sa.length) < 0) {
                throw new IOException("cannot bind the netlink socket (errno " + Native.getLastError() + ")");
            }
            if (c.setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, i32(rcvbuf), 4) < 0) {
                c.setsockopt(fd, SOL_SOCKET, SO_RCVBUF, i32(rcvbuf), 4); // not root: what the limit allows
            }
            ByteBuffer tv = ByteBuffer.allocate(16).order(ByteOrder.nativeOrder());
            tv.putLong(0, TIMEOUT_MS / 1000).putLong(8, (TIMEOUT_MS % 1000) * 1000L);
            c.setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, tv.array(), 16);
            for (int g : groups) {
                if (c.setsockopt(fd, SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, i32(g), 4) < 0) {
                    throw new IOException("cannot join netlink group " + g + " (errno " + Native.getLastError() + ")");
                }
            }
        } catch (IOException e) {
            s.close();
            throw e;
        }
        return s;
    }

    private static byte[] i32(int v) {
        return ByteBuffer.allocate(4).order(ByteOrder.nativeOrder()).putInt(0, v).array();
    }

    void send(byte[] msg) throws IOException {
        if (LibC.C.send(fd, msg, msg.length, 0) < 0) {
            throw new IOException("netlink send failed (errno " + Native.getLastError() + ")");
        }
    }

    /**
     * The next datagram, into {@code buf} (cut to its length).
     *
     * @return bytes received, 0 on timeout, or {@code -errno} (e.g. -ENOBUFS: messages were lost;
     *         it comes after the datagrams received before the loss)
     */
    int recv(byte[] buf) {
        if (taken == received) {
            int n = LibC.C.recvmmsg(fd, vec, BATCH, MSG_WAITFORONE, null);
            if (n <= 0) {
                received = taken = 0;
                if (n == 0) {
                    return 0;
                }
                int errno = Native.getLastError();
                return errno == EAGAIN || errno == EINTR ? 0 : -errno;
            }
            received = n;
            taken = 0;
        }
        int i = taken++;
        int len = Math.min(Math.min(vec.getInt((long) i * MMSGHDR + MSG_LEN), SLOT), buf.length);
        data.read((long) i * SLOT, buf, 0, len);
        return len;
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            LibC.C.close(fd);
        }
    }
}
