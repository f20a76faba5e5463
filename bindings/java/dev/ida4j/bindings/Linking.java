package dev.ida4j.bindings;

import java.lang.foreign.AddressLayout;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

/**
 * What the hand-written bindings share, as jextract's generated header classes share it: the C type layouts of
 * x86-64/aarch64 Linux (LP64), the symbol lookup (libraries already loaded with {@link System#load}, then the
 * default lookup), and the downcall helpers.
 */
final class Linking {
    static final ValueLayout.OfInt C_INT = ValueLayout.JAVA_INT;
    static final ValueLayout.OfLong C_LONG = ValueLayout.JAVA_LONG;
    static final ValueLayout.OfFloat C_FLOAT = ValueLayout.JAVA_FLOAT;
    static final AddressLayout C_POINTER = ValueLayout.ADDRESS;

    private static final SymbolLookup SYMBOL_LOOKUP =
            SymbolLookup.loaderLookup().or(Linker.nativeLinker().defaultLookup());

    private Linking() {
    }

    /** A downcall handle for {@code name}; fails with {@link UnsatisfiedLinkError} when no loaded library has it. */
    static MethodHandle downcall(String name, FunctionDescriptor desc) {
        MemorySegment address = SYMBOL_LOOKUP.find(name)
                .orElseThrow(() -> new UnsatisfiedLinkError("unresolved symbol: " + name));
        return Linker.nativeLinker().downcallHandle(address, desc);
    }

    /** What a wrapper throws when invokeExact does: errors and runtime exceptions as they are. */
    static RuntimeException rethrow(Throwable t) {
        if (t instanceof RuntimeException r) {
            return r;
        }
        if (t instanceof Error e) {
            throw e;
        }
        return new IllegalStateException("unexpected checked exception from a native call", t);
    }
}
