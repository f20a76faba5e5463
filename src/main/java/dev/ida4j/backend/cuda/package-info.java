/**
 * The CUDA backend: device memory, cuBLAS GEMMs and the kernels of {@code native/} loaded from the jar with the
 * driver API, over the Panama bindings in {@code dev.ida4j.bindings} (the only package that imports them).
 */
package dev.ida4j.backend.cuda;
