/**
 * Off-heap tensors: named contiguous views of memory owned by arenas, and fixed layouts of many tensors in one block.
 *
 * <p>May import: nothing of ida4j.
 */
package dev.ida4j.tensor;
