/** The fast CPU backend: Vector API kernels per op family, a packed blocked GEMM, and a persistent thread pool. */
package dev.ida4j.backend.cpu;
