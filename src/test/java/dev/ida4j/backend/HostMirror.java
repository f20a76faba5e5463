package dev.ida4j.backend;

import dev.ida4j.tensor.Tensor;
import dev.ida4j.tensor.TensorArena;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Runs the host-memory contract tests on a device backend: tensors live in host arenas (so the tests can read and
 * write them directly), and every op copies its tensor arguments to fresh device tensors, runs on the device,
 * waits, and copies back each tensor whose contents the op changed. Arguments that are the same memory share one
 * device copy, so in-place calls keep their meaning. What this cannot test, device memory itself (arenas,
 * copies, host access refused), the device backend's own tests cover.
 */
public final class HostMirror {
    private HostMirror() {
    }

    /** {@code device} seen through host memory; name "cpu-mirror of DEVICE" (so host tensors pass the checks). */
    public static Backend of(Backend device) {
        return (Backend) Proxy.newProxyInstance(Backend.class.getClassLoader(), new Class<?>[] {Backend.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "name" -> "cpu-mirror of " + device.name();
                    case "arena" -> TensorArena.host((String) args[0]);
                    case "synchronize", "close" -> invoke(device, method, args);
                    case "toString", "hashCode", "equals" -> method.invoke(device, args);
                    default -> mirrored(device, method, args);
                });
    }

    private static Object mirrored(Backend device, Method method, Object[] args) throws Throwable {
        Object[] deviceArgs = args.clone();
        Map<String, Tensor> twins = new LinkedHashMap<>();
        Map<Tensor, Tensor> hostOf = new IdentityHashMap<>();
        try (TensorArena arena = device.arena("mirror." + method.getName()); Arena host = Arena.ofConfined()) {
            for (int i = 0; i < args.length; i++) {
                if (args[i] instanceof Tensor t) {
                    String key = t.segment().address() + "+" + t.segment().byteSize();
                    Tensor twin = twins.get(key);
                    if (twin == null) {
                        twin = arena.allocate("device." + t.name(), t.dtype(), t.shape());
                        device.copyIn(twin, t.segment());
                        twins.put(key, twin);
                        hostOf.put(twin, t);
                    }
                    deviceArgs[i] = twin;
                }
            }
            Object result = invoke(device, method, deviceArgs);
            device.synchronize();
            for (Map.Entry<Tensor, Tensor> e : hostOf.entrySet()) {
                MemorySegment after = host.allocate(e.getValue().segment().byteSize(), 64);
                device.copyOut(after, e.getKey());
                if (after.mismatch(e.getValue().segment()) >= 0) {
                    e.getValue().segment().copyFrom(after);
                }
            }
            return result;
        }
    }

    private static Object invoke(Backend device, Method method, Object[] args) throws Throwable {
        try {
            return method.invoke(device, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }
}
