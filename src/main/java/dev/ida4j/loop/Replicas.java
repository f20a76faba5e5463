package dev.ida4j.loop;

import dev.ida4j.backend.Backend;
import dev.ida4j.cluster.World;
import dev.ida4j.model.Model;
import dev.ida4j.tensor.Tensor;
import dev.ida4j.tensor.TensorSet;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * The loop's side of a data-parallel job: every rank holds the same models, optimizers and replay buffers; a
 * generation batch is cut into {@code shards} shards with their own random streams, each rank makes its shards' part
 * and every rank adds every part in shard order; a training batch, drawn alike on every rank, is cut into one slice per
 * rank, and the slices' gradients, weighted by their share of the batch, are summed over the ranks in a fixed order.
 * Every rank then takes the same optimizer step. BatchNorm statistics come from each rank's slice, and rank 0's
 * running statistics are copied to the others after every step (as PyTorch's DistributedDataParallel does by default).
 *
 * <p>In a world of one every method leaves its data as it is and costs nothing.
 */
final class Replicas implements AutoCloseable {
    final World world;
    final int shards;
    private final Arena arena = Arena.ofShared();
    private MemorySegment staging = MemorySegment.NULL;

    Replicas(World world, int shards) {
        this.world = world;
        this.shards = shards;
    }

    boolean single() {
        return world.size() == 1;
    }

    /** The first of this rank's shards: rank r makes shards [r·S/N, (r+1)·S/N). */
    int firstShard() {
        return world.rank() * shards / world.size();
    }

    /** One past this rank's last shard. */
    int endShard() {
        return (world.rank() + 1) * shards / world.size();
    }

    /** The first of this rank's rows when {@code n} rows are cut into one slice per rank. */
    int sliceStart(int n) {
        return (int) ((long) world.rank() * n / world.size());
    }

    /** One past this rank's last row of {@code n}. */
    int sliceEnd(int n) {
        return (int) ((long) (world.rank() + 1) * n / world.size());
    }

    /** Every rank's parts in rank order, this rank's own objects kept (with any trees they hold). */
    List<GenerationPart> gather(List<GenerationPart> mine) {
        if (single()) {
            return mine;
        }
        byte[][] all = world.allgather(GenerationPart.toBytes(mine));
        List<GenerationPart> out = new ArrayList<>();
        for (int r = 0; r < all.length; r++) {
            out.addAll(r == world.rank() ? mine : GenerationPart.fromBytes(all[r]));
        }
        return out;
    }

    /**
     * {@code grads} replaced on every rank by the sum over the ranks of {@code weight} times each rank's, and the same
     * for {@code values} (a loss, a count): the batch's gradient from its slices'.
     */
    void sumWeighted(Backend backend, TensorSet grads, float weight, double[] values) {
        if (single()) {
            return;
        }
        for (int i = 0; i < values.length; i++) {
            values[i] *= weight;
        }
        world.sum(values);
        Tensor all = grads.all();
        MemorySegment host = onHost(backend, all);
        for (long i = 0; i < all.numel(); i++) {
            host.setAtIndex(ValueLayout.JAVA_FLOAT, i, host.getAtIndex(ValueLayout.JAVA_FLOAT, i) * weight);
        }
        world.sumFloats(host, all.numel());
        backend.copyIn(all, host);
    }

    /** {@code model}'s state beyond its parameters (BatchNorm's running statistics) set to rank 0's on every rank. */
    void shareStatistics(Model model) {
        if (single()) {
            return;
        }
        List<TensorSet> state = model.state();
        for (TensorSet set : state.subList(1, state.size())) {
            if (set.layout().entries().isEmpty()) {
                continue;
            }
            Tensor all = set.all();
            MemorySegment host = onHost(model.backend(), all);
            byte[] bytes = host.toArray(ValueLayout.JAVA_BYTE);
            world.broadcast(bytes, 0);
            MemorySegment.copy(bytes, 0, host, ValueLayout.JAVA_BYTE, 0, bytes.length);
            model.backend().copyIn(all, host);
        }
    }

    /**
     * A checksum of {@code models}' whole states, compared with rank 0's: a rank whose models differ ends the job,
     * naming itself and {@code step}. The ranks must hold the same weights at all times; a difference means they
     * computed differently (different hardware, a bug), and the run's results would mean nothing.
     */
    void checkSame(long step, List<Model> models) {
        if (single()) {
            return;
        }
        long sum = 17;
        for (Model m : models) {
            for (TensorSet set : m.state()) {
                if (set.layout().entries().isEmpty()) {
                    continue;
                }
                Tensor all = set.all();
                MemorySegment host = onHost(m.backend(), all);
                for (long i = 0; i < all.numel(); i++) {
                    sum = sum * 31 + host.getAtIndex(ValueLayout.JAVA_INT, i);
                }
            }
        }
        byte[] rank0 = ByteBuffer.allocate(Long.BYTES).putLong(sum).array();
        world.broadcast(rank0, 0);
        long expected = ByteBuffer.wrap(rank0).getLong();
        if (expected != sum) {
            System.err.printf("ida4j: rank %d's weights differ from rank 0's after step %d (checksum %016x against"
                    + " %016x): the ranks no longer train one model%n", world.rank(), step, sum, expected);
            world.abort(3);
        }
    }

    /**
     * A copy of {@code t} (floats) in the host staging buffer, valid until the next call: allocated once, at the
     * largest size asked for, since fresh memory every step costs a page fault per page (on the development VM, most
     * of a 2-rank step's time).
     */
    private MemorySegment onHost(Backend backend, Tensor t) {
        long bytes = t.numel() * Float.BYTES;
        if (staging.byteSize() < bytes) {
            staging = arena.allocate(bytes, 64);
        }
        MemorySegment host = staging.asSlice(0, bytes);
        backend.copyOut(host, t);
        return host;
    }

    /** Frees the staging buffers. */
    @Override
    public void close() {
        arena.close();
    }
}
