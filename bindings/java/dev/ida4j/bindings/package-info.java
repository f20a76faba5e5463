/**
 * Panama FFM bindings of native libraries: the CUDA runtime ({@link dev.ida4j.bindings.CudaRuntime}), the driver
 * ({@link dev.ida4j.bindings.CudaDriver}) and cuBLAS ({@link dev.ida4j.bindings.Cublas}), in jextract's shape
 * (static wrappers named as the C functions, constants as methods, symbols from the loader lookup). Only the CUDA
 * backend imports them; see bindings/README.md for how they are regenerated.
 */
package dev.ida4j.bindings;
