package org.srv6.appliance.core.internal.io;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.regex.Pattern;

import com.sun.jna.Native;

/**
 * Runs work inside a named network namespace ({@code ip netns add NAME}: a bind mount under
 * /run/netns). {@code setns} changes the namespace of the calling thread only, so the work runs on
 * a thread of its own that ends with it; file descriptors it opens keep working everywhere.
 */
public final class Namespaces {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.-]{1,64}");

    private Namespaces() {
    }

    /** The bind mount of namespace {@code name}, checked to exist. */
    public static Path path(String name) throws IOException {
        if (name == null || !NAME.matcher(name).matches() || name.equals(".") || name.equals("..")) {
            throw new IOException("bad network namespace name '" + name + "'; expected the name ip netns list shows");
        }
        for (String dir : new String[] {"/run/netns", "/var/run/netns"}) {
            Path p = Path.of(dir, name);
            if (Files.exists(p)) {
                return p;
            }
        }
        throw new IOException("no network namespace " + name + "; create it first (ip netns add " + name + ")");
    }

    interface Mount extends com.sun.jna.Library {
        Mount C = com.sun.jna.Native.load("c", Mount.class);

        int mount(String source, String target, String fstype, long flags, com.sun.jna.Pointer data);

        int unshare(int flags);

        int umount2(String target, int flags);
    }

    static final long MS_BIND = 4096;
    static final long MS_REC = 16384;
    static final long MS_SHARED = 1L << 20;

    /** @return whether namespace {@code name} exists (a bind mount under /run/netns or /var/run/netns) */
    public static boolean exists(String name) {
        try {
            path(name);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * {@code ip netns add NAME}: a new network namespace kept by a bind mount at /run/netns/NAME
     * (the directory made a shared mount point first, as iproute2 does, so that the mount is seen
     * by every mount namespace that shares it). Does nothing when it exists already.
     */
    public static void create(String name) throws IOException {
        if (exists(name)) {
            return;
        }
        if (name == null || !NAME.matcher(name).matches() || name.equals(".") || name.equals("..")) {
            throw new IOException("bad network namespace name '" + name + "'; expected 1-64 letters, digits, . _ -");
        }
        Path dir = Path.of("/run/netns");
        Files.createDirectories(dir);
        if (Mount.C.mount("none", dir.toString(), "none", MS_SHARED | MS_REC, null) < 0) {
            // not a mount point yet: bind it on itself, then make it shared
            if (Mount.C.mount(dir.toString(), dir.toString(), "none", MS_BIND | MS_REC, null) < 0
                    || Mount.C.mount("none", dir.toString(), "none", MS_SHARED | MS_REC, null) < 0) {
                throw new IOException("cannot make " + dir + " a shared mount point (errno " + Native.getLastError() + ")");
            }
        }
        Path file = dir.resolve(name);
        try {
            Files.createFile(file);
        } catch (java.nio.file.FileAlreadyExistsException e) {
            // a file left without its mount: bind over it
        }
        FutureTask<Void> task = new FutureTask<>(() -> {
            // unshare changes the calling thread only; this thread ends right after
            if (Mount.C.unshare(TapPort.CLONE_NEWNET) < 0) {
                throw new IOException("cannot make a network namespace (errno " + Native.getLastError() + ")");
            }
            if (Mount.C.mount("/proc/thread-self/ns/net", file.toString(), "none", MS_BIND, null) < 0) {
                throw new IOException("cannot bind the new namespace to " + file + " (errno " + Native.getLastError() + ")");
            }
            return null;
        });
        Thread t = new Thread(task, "srv6-netns-add-" + name);
        t.setDaemon(true);
        t.start();
        try {
            task.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            Files.deleteIfExists(file);
            throw new IOException("interrupted while making network namespace " + name);
        } catch (ExecutionException e) {
            Files.deleteIfExists(file);
            Throwable c = e.getCause();
            throw c instanceof IOException io ? io : new IOException(c.getMessage(), c);
        }
    }

    /**
     * {@code ip netns del NAME} of a namespace {@link #create} made (a mirror could not be made in
     * it): the bind mount is detached and its file removed; the namespace goes with its last user.
     */
    public static void delete(String name) throws IOException {
        Path file = path(name);
        if (Mount.C.umount2(file.toString(), 2 /* MNT_DETACH */) < 0) {
            throw new IOException("cannot unmount " + file + " (errno " + Native.getLastError() + ")");
        }
        Files.deleteIfExists(file);
    }

    /** Runs {@code work} in namespace {@code name}, or right here when {@code name} is null. */
    public static <T> T run(String name, Callable<T> work) throws IOException {
        if (name == null) {
            return call(work);
        }
        Path ns = path(name);
        FutureTask<T> task = new FutureTask<>(() -> {
            int fd = TapPort.LibC.C.open(ns.toString(), 0 /* O_RDONLY */);
            if (fd < 0) {
                throw new IOException("cannot open " + ns + " (errno " + Native.getLastError() + ")");
            }
            try {
                if (TapPort.LibC.C.setns(fd, TapPort.CLONE_NEWNET) < 0) {
                    throw new IOException("cannot enter network namespace " + name + " (errno " + Native.getLastError() + ")");
                }
            } finally {
                TapPort.LibC.C.close(fd);
            }
            return work.call();
        });
        Thread t = new Thread(task, "srv6-netns-" + name);
        t.setDaemon(true);
        t.start();
        try {
            return task.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while working in network namespace " + name);
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof IOException io) {
                throw io;
            }
            throw new IOException(c.getMessage(), c);
        }
    }

    private static <T> T call(Callable<T> work) throws IOException {
        try {
            return work.call();
        } catch (IOException | RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IOException(e.getMessage(), e);
        }
    }
}
