/** Off-heap tensors: named contiguous views of memory owned by arenas, and fixed layouts of many tensors in one block. */
package dev.ida4j.tensor;
