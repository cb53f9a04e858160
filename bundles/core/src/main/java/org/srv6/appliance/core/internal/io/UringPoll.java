package org.srv6.appliance.core.internal.io;

import io.netty.channel.IoEvent;
import io.netty.channel.IoEventLoop;
import io.netty.channel.IoRegistration;
import io.netty.channel.uring.IoUringIoEvent;
import io.netty.channel.uring.IoUringIoHandle;
import io.netty.channel.uring.IoUringIoOps;

/**
 * Readiness of one fd under io_uring: a POLL_ADD for POLLIN kept armed (re-armed after each
 * completion, when the owner has read what it could), the io_uring counterpart of an epoll
 * registration for EPOLLIN. A poll re-armed while the fd is still readable completes at once,
 * so an owner that stops reading on a budget is called again on the next loop pass.
 *
 * <p>Runs on its loop only, but for {@link #stop()}. The fd stays open until the poll has
 * completed after the stop ({@link Owner#drained()}); a cancel by user data does not need the fd.
 */
final class UringPoll implements IoUringIoHandle {
    static final int POLLIN = 0x1;
    static final int POLLERR = 0x8;

    /** What the fd's owner does. */
    interface Owner {
        /** On the loop: the fd is readable ({@code revents} has POLLIN) or has an error (POLLERR). */
        void ready(int revents);

        /** Once, on the loop (or any thread when the loop is gone): nothing is armed any more, the fd may close. */
        void drained();
    }

    private final IoRuntime rt;
    private final int loop;
    /** The POLL_ADD request, made once (Netty's submit copies it into the ring at once on the loop). */
    private final IoUringIoOps pollIn;
    private final int fd;
    private final Owner owner;
    private IoRegistration reg;
    private long armed; // user data of the armed poll, 0 when none
    private boolean closing;
    private boolean drained;

    UringPoll(IoRuntime rt, int loop, int fd, Owner owner) {
        this.rt = rt;
        this.loop = loop;
        this.fd = fd;
        this.pollIn = new IoUringIoOps(UringQueue.IORING_OP_POLL_ADD, (byte) 0, (short) 0, fd, 0L, 0L, 0,
                UringQueue.POLLIN, (short) 0, (short) 0, (short) 0, 0, 0L);
        this.owner = owner;
    }

    /** Registers and arms; call from any thread but the loop. */
    void start() {
        IoEventLoop l = rt.loop(loop);
        IoRegistration r = l.register(this).syncUninterruptibly().getNow();
        l.submit(() -> {
            reg = r;
            arm();
        }).syncUninterruptibly();
    }

    private void arm() {
        if (closing || reg == null) {
            return;
        }
        armed = reg.submit(pollIn);
    }

    @Override
    public void handle(IoRegistration registration, IoEvent event) {
        IoUringIoEvent e = (IoUringIoEvent) event;
        if (e.opcode() != UringQueue.IORING_OP_POLL_ADD) {
            return; // the cancel's own completion
        }
        armed = 0;
        int res = e.res();
        if (!closing && res > 0) {
            owner.ready(res);
        }
        if (closing) {
            finish();
        } else if (res >= 0 || res == -UringQueue.EINTR || res == -UringQueue.EAGAIN) {
            arm();
        }
        // any other error: the fd is unusable; the port's close ends it
    }

    private void finish() {
        if (!drained) {
            drained = true;
            owner.drained();
        }
    }

    /** On the loop (Netty also calls it when the loop shuts down): cancels the armed poll. */
    @Override
    public void close() {
        if (closing) {
            return;
        }
        closing = true;
        IoRegistration r = reg;
        if (r != null && armed != 0 && r.isValid()) {
            r.submit(new IoUringIoOps(UringQueue.IORING_OP_ASYNC_CANCEL, (byte) 0, (short) 0, -1, 0L, armed, 0,
                    0, (short) 0, (short) 0, (short) 0, 0, 0L));
        } else {
            armed = 0;
        }
        if (r != null) {
            r.cancel();
        }
        if (armed == 0) {
            finish();
        }
    }

    /** From any thread: {@link #close()} on the loop, or the end at once when the loop is gone. */
    void stop() {
        IoEventLoop l = rt.loop(loop);
        if (l.inEventLoop()) {
            close();
        } else if (l.isTerminated()) {
            abandon();
        } else {
            try {
                l.submit(this::close).syncUninterruptibly();
            } catch (RuntimeException e) {
                abandon();
            }
        }
    }

    private void abandon() {
        closing = true;
        finish();
    }
}
