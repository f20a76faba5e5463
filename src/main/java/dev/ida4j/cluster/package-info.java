/**
 * Several processes as one job: the {@link dev.ida4j.cluster.World} a launcher ({@code mpirun}, {@code srun})
 * started this process in, its rank and size and the collectives (sums, broadcast, barrier, abort) over Open MPI
 * through the FFM API; a process started alone is a world of one and needs no MPI library.
 *
 * <p>May import: nothing of ida4j.
 */
package dev.ida4j.cluster;
