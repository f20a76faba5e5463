package dev.ida4j.backend;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Times every op of a backend (synchronizing after each, so device time is counted where it is spent) and reports
 * time per op, for {@code ida4j bench step --profile}. The ops are read from the {@link Backend} interface itself:
 * every method but the lifecycle and memory ones in {@link #NOT_OPS} is timed, so a new op is profiled without an
 * edit here. The decorator is a {@link Proxy}: each call allocates its argument array, a few nanoseconds beside ops
 * of microseconds. Not for production runs: the synchronizations serialize the device.
 */
public final class Profiler {
    private static final Set<String> NOT_OPS = Set.of("name", "arena", "copyIn", "copyOut", "synchronize", "close");
    /** Op names in report form (linear_forward), one per method name of the interface; overloads share one. */
    private static final String[] OPS = Arrays.stream(Backend.class.getMethods())
            .map(Method::getName).filter(n -> !NOT_OPS.contains(n)).distinct().sorted().toArray(String[]::new);

    private final Backend inner;
    private final Backend timed;
    private final Map<Method, Integer> opOf = new HashMap<>();
    private final long[] nanos = new long[OPS.length];
    private final long[] calls = new long[OPS.length];

    public Profiler(Backend inner) {
        this.inner = inner;
        for (Method m : Backend.class.getMethods()) {
            int op = Arrays.asList(OPS).indexOf(m.getName());
            if (op >= 0) {
                opOf.put(m, op);
            }
        }
        timed = (Backend) Proxy.newProxyInstance(Backend.class.getClassLoader(), new Class<?>[] {Backend.class},
                (proxy, method, args) -> call(method, args));
    }

    /** The backend to run on: {@code inner}, every op timed. Closing it closes {@code inner}. */
    public Backend backend() {
        return timed;
    }

    /** Forgets all measurements (after warm-up, say). */
    public void reset() {
        Arrays.fill(nanos, 0);
        Arrays.fill(calls, 0);
    }

    /** One line per op that ran, slowest first: total ms, share, calls. */
    public String report() {
        long total = Arrays.stream(nanos).sum();
        StringBuilder sb = new StringBuilder();
        Integer[] order = new Integer[OPS.length];
        Arrays.setAll(order, i -> i);
        Arrays.sort(order, Comparator.comparingLong((Integer i) -> nanos[i]).reversed());
        for (int i : order) {
            if (calls[i] > 0) {
                sb.append(String.format(Locale.ROOT, "%-22s %10.2f ms %6.1f %% %8d calls%n", snakeCase(OPS[i]),
                        nanos[i] / 1e6, 100.0 * nanos[i] / Math.max(total, 1), calls[i]));
            }
        }
        return sb.append(String.format(Locale.ROOT, "%-22s %10.2f ms%n", "total", total / 1e6)).toString();
    }

    private Object call(Method method, Object[] args) throws Throwable {
        Integer op = opOf.get(method);
        if (op == null && method.getDeclaringClass() == Object.class) {
            return switch (method.getName()) {
                case "toString" -> "Profiler(" + inner.name() + ")";
                case "hashCode" -> System.identityHashCode(timed);
                default -> timed == args[0];                                  // equals
            };
        }
        long t0 = System.nanoTime();
        Object result;
        try {
            result = method.invoke(inner, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
        if (op != null) {
            inner.synchronize();
            nanos[op] += System.nanoTime() - t0;
            calls[op]++;
        }
        return result;
    }

    private static String snakeCase(String camel) {
        return camel.replaceAll("([a-z0-9])([A-Z])", "$1_$2").toLowerCase(Locale.ROOT);
    }
}
