// The C headers the CUDA bindings in java/dev/ida4j/bindings are (re)generated from, one jextract run per library
// (see regenerate.sh). cuda_runtime_api.h and cuda.h ship with the CUDA toolkit (/usr/local/cuda/include);
// cublas_v2.h does not exist on the build machines (it comes with the cuBLAS package or the nvidia-cublas wheel's
// include/ folder), which is why Cublas.java is hand-written there in the same shape.
#ifdef IDA4J_BIND_RUNTIME
#include <cuda_runtime_api.h>
#endif
#ifdef IDA4J_BIND_DRIVER
#include <cuda.h>
#endif
#ifdef IDA4J_BIND_CUBLAS
#include <cublas_v2.h>
#endif
