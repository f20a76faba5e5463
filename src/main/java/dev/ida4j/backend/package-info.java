/**
 * The boundary between models and hardware: the {@link dev.ida4j.backend.Backend} interface, its single
 * argument-checking layer ({@link dev.ida4j.backend.CheckedBackend}), the op timer
 * ({@link dev.ida4j.backend.Profiler}) and the pointwise nonlinearities.
 *
 * <h2>Adding an op</h2>
 * <ol>
 * <li>{@code Backend}: the method, shapes in its Javadoc, the backward next to the forward.</li>
 * <li>{@code CheckedBackend}: its checks (element counts against sizes, arenas, what may alias), then the call.</li>
 * <li>{@code ref/}: the plain-loop version, the truth the other backends are tested against.</li>
 * <li>{@code cpu/}: the Vector API kernel in the file of its family ({@code LayerNorm}, {@code Attention},
 * {@code Pointwise}, …), called from {@code CpuBackend}.</li>
 * <li>CUDA: the kernel in {@code native/FAMILY.cu}, its signature in {@code native/kernels.h}, its entry in
 * {@code cuda/Kernel}, its launch in {@code cuda/CudaBackend}.</li>
 * <li>The contract test of its family ({@code backend/contract/*ContractTest}): it runs on every backend of
 * {@code TestBackends}, through the host mirror, and on a GPU; a finite-difference check of the backward
 * ({@code GradCheck}).</li>
 * </ol>
 * The profiler, the host mirror of the tests and the GPU contract run need no edit: they read the interface.
 *
 * <p>May import: {@code bindings}, {@code tensor}.
 */
package dev.ida4j.backend;
