package io.edgedistill.deploy;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;

/** Checks run before a component starts, so that common failures get a precise message. */
public final class Preflight {

    private Preflight() {
    }

    /** Fails with a clear message when {@code port} on loopback is taken. */
    public static void requirePortFree(int port, String what) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
        } catch (IOException e) {
            throw new StackException("Port " + port + " (" + what + ") is already in use by another process. "
                    + "Stop that process or choose another port (see --help).");
        }
    }

    /** A free loopback port chosen by the OS. */
    public static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new StackException("Could not find a free local port", e);
        }
    }

    /** {@code preferred} when nothing listens on it locally, else a free port. */
    public static int portOr(int preferred) {
        try (ServerSocket socket = new ServerSocket(preferred, 50, InetAddress.getLoopbackAddress())) {
            return preferred;
        } catch (IOException e) {
            return freePort();
        }
    }

    /** Fails when the file system holding {@code dir} has less than {@code minBytes} usable. */
    public static void requireFreeDisk(Path dir, long minBytes, String what) {
        try {
            Files.createDirectories(dir);
            long usable = Files.getFileStore(dir).getUsableSpace();
            if (usable < minBytes) {
                throw new StackException(String.format(
                        "Disk full: only %d MiB free under %s, %s needs at least %d MiB. Free some space or use another data directory.",
                        usable >> 20, dir, what, minBytes >> 20));
            }
        } catch (IOException e) {
            throw new StackException("Cannot create or inspect " + dir + " for " + what + ": " + e.getMessage(), e);
        }
    }
}
