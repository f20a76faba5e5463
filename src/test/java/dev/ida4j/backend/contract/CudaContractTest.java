package dev.ida4j.backend.contract;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.ida4j.backend.Backend;
import dev.ida4j.backend.CheckedBackend;
import dev.ida4j.backend.HostMirror;
import dev.ida4j.backend.MatmulPrecision;
import dev.ida4j.backend.cuda.CudaBackend;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Tag;

/**
 * The whole backend contract suite on the CUDA backend (exact fp32 matrix products, so the CPU tolerances hold),
 * seen through host memory by {@link HostMirror}; the parity tests compare it with the reference on odd shapes.
 * Tagged {@code gpu}: skipped, with the reason, where no CUDA device can be used.
 */
@Tag("gpu")
class CudaContractTest {

    @BeforeAll
    static void requireDevice() {
        String reason = CudaBackend.unavailableReason();
        assumeTrue(reason == null, () -> "no CUDA device: " + reason);
    }

    static Stream<Named<Backend>> cuda() {
        CudaBackend cuda = CudaBackend.open(0, MatmulPrecision.FP32);
        return Stream.of(Named.of("cuda", new CheckedBackend(HostMirror.of(cuda))));
    }

    @Nested
    class Memory extends MemoryContractTest {
        static Stream<Named<Backend>> backends() {
            return cuda();
        }
    }

    @Nested
    class Linear extends LinearContractTest {
        static Stream<Named<Backend>> backends() {
            return cuda();
        }

        static Stream<Named<Backend>> fastBackends() {
            return cuda();
        }
    }

    @Nested
    class Embedding extends EmbeddingContractTest {
        static Stream<Named<Backend>> backends() {
            return cuda();
        }

        static Stream<Named<Backend>> fastBackends() {
            return cuda();
        }
    }

    @Nested
    class Norms extends NormsContractTest {
        static Stream<Named<Backend>> backends() {
            return cuda();
        }

        static Stream<Named<Backend>> fastBackends() {
            return cuda();
        }
    }

    @Nested
    class Attention extends AttentionContractTest {
        static Stream<Named<Backend>> backends() {
            return cuda();
        }

        static Stream<Named<Backend>> fastBackends() {
            return cuda();
        }
    }

    @Nested
    class Pointwise extends PointwiseContractTest {
        static Stream<Named<Backend>> backends() {
            return cuda();
        }

        static Stream<Named<Backend>> fastBackends() {
            return cuda();
        }
    }

    @Nested
    class CrossEntropy extends CrossEntropyContractTest {
        static Stream<Named<Backend>> backends() {
            return cuda();
        }

        static Stream<Named<Backend>> fastBackends() {
            return cuda();
        }
    }

    @Nested
    class Mixture extends MixtureContractTest {
        static Stream<Named<Backend>> backends() {
            return cuda();
        }

        static Stream<Named<Backend>> fastBackends() {
            return cuda();
        }
    }

    @Nested
    class Optimizer extends OptimizerContractTest {
        static Stream<Named<Backend>> backends() {
            return cuda();
        }

        static Stream<Named<Backend>> fastBackends() {
            return cuda();
        }
    }
}
