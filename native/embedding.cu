// Token + position embedding, forward and backward, and the index check that runs before any kernel that indexes
// with ids or targets (so a bad id is reported by the backend, never read out of bounds). Position gradients are
// column sums (linear.cu); token gradients scatter with atomicAdd, since ids repeat.
#include "common.cuh"
#include "kernels.h"

// *first_bad = min(*first_bad, i) over i with ids[i] outside [0, bound); the host presets *first_bad to a sentinel
IDA4J_KERNEL void check_indices(int* first_bad, const int* ids, long n, int bound) {
  IDA4J_GRID_STRIDE(i, n) {
    int id = ids[i];
    if (id < 0 || id >= bound) atomicMin(first_bad, (int)i);
  }
}

// out(B,T,C) = wte[ids(B,T)] + wpe[t]; n = B·T·C; wpe(T',C) nullable
IDA4J_KERNEL void embedding_forward(float* out, const int* ids, const float* wte, const float* wpe, int t, int c,
                                    long n) {
  IDA4J_GRID_STRIDE(i, n) {
    long row = i / c;
    int ci = (int)(i - row * c);
    float x = wte[(long)ids[row] * c + ci];
    if (wpe) x += wpe[(row % t) * c + ci];
    out[i] = x;
  }
}

// dwte[ids(B,T)] += dout(B,T,C); n = B·T·C
IDA4J_KERNEL void embedding_backward_tokens(float* dwte, const float* dout, const int* ids, int c, long n) {
  IDA4J_GRID_STRIDE(i, n) {
    long row = i / c;
    int ci = (int)(i - row * c);
    atomicAdd(&dwte[(long)ids[row] * c + ci], dout[i]);
  }
}
