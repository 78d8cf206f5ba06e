package io.netlab.bench;

import io.netlab.server.FileServer;
import io.netlab.server.RunningServer;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufAllocatorMetric;
import io.netty.buffer.ByteBufAllocatorMetricProvider;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * The server's memory under load: a netlab file server runs in this JVM while N client processes fetch a big file
 * at once, some of them through a rate limit (slow readers). Every second it forces a collection and records the
 * live heap and the buffer memory Netty's allocator has in use (direct and heap), and reports the peak growth over
 * the idle baseline. Slow clients are stopped after a time limit; everything ends by itself.
 * <pre>
 * java -cp benchmarks.jar io.netlab.bench.MemoryCheck DIR FILE [CLIENTS] [SLOW] [SECONDS] [BLOCK_SIZE]
 * </pre>
 */
public final class MemoryCheck {
    private MemoryCheck() {
    }

    /** Runs the check; see the class comment for the arguments. */
    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        String file = args[1];
        int clients = args.length > 2 ? Integer.parseInt(args[2]) : 20;
        int slow = args.length > 3 ? Integer.parseInt(args[3]) : 6;
        int seconds = args.length > 4 ? Integer.parseInt(args[4]) : 60;
        int blockSize = args.length > 5 ? Integer.parseInt(args[5]) : 1024;
        String clientJar = System.getProperty("netlab.client.jar", "netlab-client/target/netlab-client.jar");

        MemoryMXBean heap = ManagementFactory.getMemoryMXBean();
        ByteBufAllocatorMetric buffers = ((ByteBufAllocatorMetricProvider) ByteBufAllocator.DEFAULT).metric();
        try (RunningServer server = FileServer.builder().root(dir).bind(InetAddress.getByName("127.0.0.1"))
                .shutdownGrace(Duration.ofSeconds(1)).start()) {
            System.gc();
            long baseHeap = heap.getHeapMemoryUsage().getUsed();
            long baseBuffers = buffers.usedDirectMemory() + buffers.usedHeapMemory();
            String target = "127.0.0.1:" + server.localAddress().getPort() + ':' + file;
            List<Process> procs = new ArrayList<>();
            for (int i = 0; i < clients; i++) {
                String fetch = "java -jar " + clientJar + " --block-size " + blockSize + ' ' + target + " -";
                String cmd = i < slow ? fetch + " 2>/dev/null | pv -q -L 20m > /dev/null" : fetch + " > /dev/null 2>&1";
                procs.add(new ProcessBuilder("bash", "-c", cmd).start());
            }
            long peakHeap = 0;
            long peakBuffers = 0;
            int peakConnections = 0;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
            while (System.nanoTime() < deadline && procs.stream().anyMatch(Process::isAlive)) {
                TimeUnit.SECONDS.sleep(1);
                System.gc();
                peakHeap = Math.max(peakHeap, heap.getHeapMemoryUsage().getUsed() - baseHeap);
                peakBuffers = Math.max(peakBuffers, buffers.usedDirectMemory() + buffers.usedHeapMemory() - baseBuffers);
                peakConnections = Math.max(peakConnections, server.connectionCount());
            }
            int finished = 0;
            for (Process p : procs) {
                if (p.isAlive()) {
                    p.descendants().forEach(ProcessHandle::destroy);
                    p.destroy();
                } else if (p.exitValue() == 0) {
                    finished++;
                }
            }
            for (Process p : procs) {
                p.waitFor(10, TimeUnit.SECONDS);
            }
            System.out.printf(Locale.ROOT, "clients: %d (%d rate-limited to 20 MiB/s), block size %d, %d s at most%n",
                    clients, slow, blockSize, seconds);
            System.out.printf(Locale.ROOT, "peak open connections: %d; transfers completed and verified: %d%n",
                    peakConnections, finished);
            System.out.printf(Locale.ROOT, "peak growth over idle: live heap %.1f MiB, Netty buffers %.1f MiB, sum %.1f MiB%n",
                    peakHeap / 1048576.0, peakBuffers / 1048576.0, (peakHeap + peakBuffers) / 1048576.0);
        }
    }
}
