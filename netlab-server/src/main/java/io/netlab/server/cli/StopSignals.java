package io.netlab.server.cli;

import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.List;
import java.util.function.BiConsumer;

/**
 * SIGTERM, SIGINT and SIGHUP, handled instead of ending the JVM: a server stopped by a signal closes gracefully and
 * exits 0, a normal stop (left to the JVM, they end it with 143, 130 and 129 whatever the shutdown hooks did).
 * Uses {@code sun.misc.Signal} (module jdk.unsupported, exported for this use), through reflection so that the
 * build shows no warning about an internal API. A signal ignored when the JVM started (as {@code nohup} ignores
 * SIGHUP) stays ignored; one the JVM reserves ({@code -Xrs}) keeps the JVM's behaviour.
 */
final class StopSignals {
    static final List<String> NAMES = List.of("TERM", "INT", "HUP");

    private StopSignals() {
    }

    /**
     * Sends each stop signal to {@code onSignal}, on a thread of its own.
     *
     * @param onSignal receives the signal's name ({@code "TERM"}) and number (15)
     * @return the signals now handled (the others keep the JVM's behaviour)
     */
    static List<String> install(BiConsumer<String, Integer> onSignal) {
        try {
            Class<?> signalClass = Class.forName("sun.misc.Signal");
            Class<?> handlerClass = Class.forName("sun.misc.SignalHandler");
            Method name = signalClass.getMethod("getName");
            Method number = signalClass.getMethod("getNumber");
            Object handler = Proxy.newProxyInstance(handlerClass.getClassLoader(), new Class<?>[] {handlerClass},
                    (proxy, method, args) -> switch (method.getName()) {
                        case "handle" -> {
                            onSignal.accept((String) name.invoke(args[0]), (Integer) number.invoke(args[0]));
                            yield null;
                        }
                        case "hashCode" -> System.identityHashCode(proxy);
                        case "equals" -> proxy == args[0];
                        default -> "netlab stop-signal handler";
                    });
            Constructor<?> signal = signalClass.getConstructor(String.class);
            Method handle = signalClass.getMethod("handle", signalClass, handlerClass);
            Object ignored = handlerClass.getField("SIG_IGN").get(null);
            List<String> handled = new java.util.ArrayList<>();
            for (String s : NAMES) {
                try {
                    Object previous = handle.invoke(null, signal.newInstance(s), handler);
                    if (!ignored.equals(previous)) {
                        handled.add(s);
                    } else {
                        handle.invoke(null, signal.newInstance(s), previous);    // ignored at start: keep it so
                    }
                } catch (InvocationTargetException reservedOrUnknown) {
                    // the JVM's behaviour stays
                }
            }
            return handled;
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            return List.of();
        }
    }
}
