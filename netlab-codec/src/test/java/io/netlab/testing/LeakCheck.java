package io.netlab.testing;

import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.util.ResourceLeakDetector;
import io.netty.util.ResourceLeakDetectorFactory;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.platform.launcher.LauncherSession;
import org.junit.platform.launcher.LauncherSessionListener;

import java.lang.ref.PhantomReference;
import java.lang.ref.ReferenceQueue;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns Netty's leak reports into test failures. As a {@link LauncherSessionListener} it installs a leak
 * detector factory before any buffer class is initialised; as a Jupiter extension (auto-detected) it forces
 * a garbage collection after each test class, lets the detector drain its queue, and fails the class if any
 * leak was reported. Surefire runs with {@code -Dio.netty.leakDetection.level=paranoid}, so every buffer is tracked.
 * A report goes into that failure, with its access records, instead of Netty's log: the build log stays quiet when
 * nothing leaks, and {@link LeakCheckTest}'s deliberate leak is seen only by the test that provokes it.
 */
public final class LeakCheck implements LauncherSessionListener, AfterAllCallback {
    private static final List<String> LEAKS = new ArrayList<>();

    static {
        ResourceLeakDetectorFactory.setResourceLeakDetectorFactory(new ResourceLeakDetectorFactory() {
            @Override
            @SuppressWarnings("deprecation")
            public <T> ResourceLeakDetector<T> newResourceLeakDetector(Class<T> resource, int samplingInterval,
                                                                      long maxActive) {
                return new RecordingDetector<>(resource, samplingInterval);
            }
        });
    }

    @Override
    public void launcherSessionOpened(LauncherSession session) {
        // the static initialiser above has run: that is all this hook is for
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        List<String> leaks = collect();
        if (!leaks.isEmpty()) {
            throw new AssertionError(leaks.size() + " buffer leak(s) reported while running "
                    + context.getDisplayName() + ":\n" + String.join("\n\n", leaks));
        }
    }

    /** Collects garbage, drains the leak detectors and returns (and forgets) what they reported. */
    public static List<String> collect() throws InterruptedException {
        for (int round = 0; round < 3; round++) {
            ReferenceQueue<Object> queue = new ReferenceQueue<>();
            PhantomReference<Object> sentinel = new PhantomReference<>(new Object(), queue);
            for (int i = 0; i < 20 && queue.remove(50) == null; i++) {
                System.gc();
            }
            sentinel.clear();
            // each tracked allocation makes the detector poll its queue and report what it finds
            for (int i = 0; i < 8; i++) {
                PooledByteBufAllocator.DEFAULT.directBuffer(1).release();
                UnpooledByteBufAllocator.DEFAULT.heapBuffer(1).release();
            }
        }
        synchronized (LEAKS) {
            List<String> copy = new ArrayList<>(LEAKS);
            LEAKS.clear();
            return copy;
        }
    }

    private static final class RecordingDetector<T> extends ResourceLeakDetector<T> {
        @SuppressWarnings("deprecation")
        RecordingDetector(Class<T> resource, int samplingInterval) {
            super(resource, samplingInterval);
        }

        @Override
        protected void reportTracedLeak(String resourceType, String records) {
            synchronized (LEAKS) {
                LEAKS.add("LEAK of " + resourceType + records);
            }
        }

        @Override
        protected void reportUntracedLeak(String resourceType) {
            synchronized (LEAKS) {
                LEAKS.add("LEAK of " + resourceType + " (no records)");
            }
        }
    }
}
