package dev.ida4j.backend;

import dev.ida4j.backend.cpu.CpuBackend;
import dev.ida4j.backend.ref.ReferenceBackend;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;

/**
 * The backends every contract test runs against, each behind the {@link CheckedBackend} as users get them.
 * JUnit closes each after its test (arguments are AutoCloseable). A new backend adds itself here.
 */
public final class TestBackends {
    private TestBackends() {
    }

    /** For {@code @MethodSource("dev.ida4j.backend.TestBackends#all")}. */
    public static Stream<Named<Backend>> all() {
        return Stream.of(
                Named.of("reference", new CheckedBackend(new ReferenceBackend())),
                Named.of("cpu-1-thread", new CheckedBackend(new CpuBackend(1))),
                Named.of("cpu-2-threads", new CheckedBackend(new CpuBackend(2))),
                Named.of("cpu-3-threads", new CheckedBackend(new CpuBackend(3))));
    }

    /** The fast backends only, for parity tests against {@link #reference()}. */
    public static Stream<Named<Backend>> fast() {
        return all().filter(b -> !b.getName().equals("reference"));
    }

    public static Backend reference() {
        return new CheckedBackend(new ReferenceBackend());
    }
}
