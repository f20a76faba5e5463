package dev.ida4j.backend.contract;

import dev.ida4j.backend.Backend;
import dev.ida4j.backend.CheckedBackend;
import dev.ida4j.backend.HostMirror;
import dev.ida4j.backend.TestBackends;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Nested;

/**
 * The whole contract suite through {@link HostMirror} over the reference backend: proves the mirror transparent
 * (every op's outputs come back, inputs are untouched, errors pass through), so that a failure of
 * {@link CudaContractTest}, which runs the suite through the same mirror on the GPU, is the device's.
 */
class MirroredContractTest {

    static Stream<Named<Backend>> mirrored() {
        return Stream.of(Named.of("mirrored-reference", new CheckedBackend(HostMirror.of(TestBackends.reference()))));
    }

    @Nested
    class Memory extends MemoryContractTest {
        static Stream<Named<Backend>> backends() {
            return mirrored();
        }
    }

    @Nested
    class Linear extends LinearContractTest {
        static Stream<Named<Backend>> backends() {
            return mirrored();
        }

        static Stream<Named<Backend>> fastBackends() {
            return mirrored();
        }
    }

    @Nested
    class Embedding extends EmbeddingContractTest {
        static Stream<Named<Backend>> backends() {
            return mirrored();
        }

        static Stream<Named<Backend>> fastBackends() {
            return mirrored();
        }
    }

    @Nested
    class Norms extends NormsContractTest {
        static Stream<Named<Backend>> backends() {
            return mirrored();
        }

        static Stream<Named<Backend>> fastBackends() {
            return mirrored();
        }
    }

    @Nested
    class Attention extends AttentionContractTest {
        static Stream<Named<Backend>> backends() {
            return mirrored();
        }

        static Stream<Named<Backend>> fastBackends() {
            return mirrored();
        }
    }

    @Nested
    class Pointwise extends PointwiseContractTest {
        static Stream<Named<Backend>> backends() {
            return mirrored();
        }

        static Stream<Named<Backend>> fastBackends() {
            return mirrored();
        }
    }

    @Nested
    class CrossEntropy extends CrossEntropyContractTest {
        static Stream<Named<Backend>> backends() {
            return mirrored();
        }

        static Stream<Named<Backend>> fastBackends() {
            return mirrored();
        }
    }

    @Nested
    class Mixture extends MixtureContractTest {
        static Stream<Named<Backend>> backends() {
            return mirrored();
        }

        static Stream<Named<Backend>> fastBackends() {
            return mirrored();
        }
    }

    @Nested
    class Optimizer extends OptimizerContractTest {
        static Stream<Named<Backend>> backends() {
            return mirrored();
        }

        static Stream<Named<Backend>> fastBackends() {
            return mirrored();
        }
    }
}
