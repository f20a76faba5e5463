package dev.ida4j.loop;

import dev.ida4j.amplify.Amplifier;
import dev.ida4j.amplify.Counters;
import dev.ida4j.backend.Backend;
import dev.ida4j.model.answerer.Answerer;
import dev.ida4j.model.asker.Asker;
import dev.ida4j.overseer.LearnedOverseer;
import dev.ida4j.overseer.Overseer;
import dev.ida4j.random.Rng;
import dev.ida4j.tensor.Tensor;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Generation on a worker thread of its own, for throughput on a machine with cores to spare: the worker amplifies
 * with replicas of the EMA teacher (and of H′) on a backend of its own, while the trainer trains. Between batches the
 * worker takes the newest weights the trainer has published; finished batches come back through a bounded queue.
 * Not deterministic: which weights a batch was made with depends on timing. The synchronous loop is the reference.
 *
 * <pre>
 * trainer:  step ─ publish(teacher, H′) ─ step ─ publish ─ … ─ drain → X buffer
 * worker:        take weights ─ generate batch ─ put ─ take weights ─ generate batch ─ put …
 * </pre>
 */
final class AsyncGeneration implements AutoCloseable {
    private static final int QUEUE = 2;   // finished batches waiting for the trainer

    /** A finished batch: its records, (contexts, recordLength) row after row, its result and what it cost. */
    record Batch(int[] records, int contexts, Generation.Result result, Counters cost, long nanos) {
    }

    private final Backend trainerBackend;
    private final Backend workerBackend;
    private final List<Tensor> sources;     // the trainer's teacher (and H′) blocks
    private final List<Tensor> replicas;    // the worker's copies, block by block
    private final Arena stagingArena = Arena.ofShared();
    private final List<MemorySegment> staging = new ArrayList<>();
    private final Object weights = new Object();
    private boolean fresh;                   // guarded by weights: staging holds weights the worker has not taken
    private final BlockingQueue<Batch> done = new ArrayBlockingQueue<>(QUEUE);
    private final Answerer teacherReplica;
    private final Asker askerReplica;
    private final Thread worker;
    private volatile int size;
    private volatile boolean stopping;
    private volatile Throwable failure;

    /**
     * Starts the worker. It draws contexts with a generator split from {@code dataRng} and samples answers with one
     * split from {@code answerRng}, so the trainer's own streams are unchanged.
     */
    AsyncGeneration(IdaLoop loop, Backend workerBackend) {
        LoopConfig cfg = loop.cfg;
        this.trainerBackend = loop.backend;
        this.workerBackend = workerBackend;
        this.size = loop.curriculum.size();
        this.teacherReplica = new Answerer(workerBackend, loop.teacher.config(), loop.generationCapacity,
                loop.maxFacts, loop.maxQuestions);
        teacherReplica.setTraining(false);
        this.askerReplica = loop.asker == null ? null
                : new Asker(workerBackend, loop.asker.config(), loop.asker.capacity());
        this.sources = new ArrayList<>(Models.blocks(loop.teacher.params(), loop.teacher.buffers()));
        this.replicas = new ArrayList<>(Models.blocks(teacherReplica.params(), teacherReplica.buffers()));
        if (askerReplica != null) {
            askerReplica.setTraining(false);
            sources.addAll(Models.blocks(loop.asker.params(), loop.asker.buffers()));
            replicas.addAll(Models.blocks(askerReplica.params(), askerReplica.buffers()));
        }
        for (Tensor t : sources) {
            staging.add(stagingArena.allocate(t.segment().byteSize(), 64));
        }
        publish();
        Rng data = loop.dataRng.split();
        Rng answers = loop.answerRng.split();
        Counters counters = new Counters();
        Amplifier amplifier = new Amplifier(loop.task, Models.direct(teacherReplica, loop.generationCapacity),
                counters, cfg.subanswerErrorRate());
        Generation generation = new Generation(loop.task, amplifier, loop.batch);
        Overseer overseer = switch (cfg.mode()) {
            case AMPLIFICATION -> new LearnedOverseer(askerReplica, loop.layout, answers);
            case NOASKER -> loop.targetOverseer;   // the algorithmic H holds no weights and no state
            case SUPERVISED -> null;
        };
        RecordBuffer out = new RecordBuffer(cfg.generationContexts(), loop.batch.recordLength());
        this.worker = Thread.ofPlatform().name("ida4j-generation").daemon().unstarted(() -> {
            try {
                while (!stopping) {
                    takeWeights();
                    long start = System.nanoTime();
                    long before = out.added();
                    Generation.Result r = generation.run(out, cfg.generationContexts(), size,
                            cfg.questionsPerContext(), overseer, cfg.depth(), data, answers);
                    int contexts = (int) (out.added() - before);
                    int[] records = new int[contexts * out.recordLength()];
                    System.arraycopy(out.data(), 0, records, 0, records.length);
                    out.clear();
                    Batch b = new Batch(records, contexts, r, counters.drain(), System.nanoTime() - start);
                    while (!stopping && !done.offer(b, 100, TimeUnit.MILLISECONDS)) {
                        // the trainer is behind: wait for it
                    }
                }
            } catch (Throwable t) {
                failure = t;
            }
        });
        worker.start();
    }

    /** The worker's copies of the teacher's (and H′'s) blocks, for tests: read them only between its batches. */
    List<Tensor> replicas() {
        return replicas;
    }

    /** The instance size the next batches are generated at (the curriculum's, set by the trainer). */
    void size(int newSize) {
        this.size = newSize;
    }

    /** Called by the trainer after a step: copies its teacher (and H′) weights out if the worker took the last ones. */
    void publish() {
        synchronized (weights) {
            if (fresh) {
                return;
            }
            for (int i = 0; i < sources.size(); i++) {
                trainerBackend.copyOut(staging.get(i), sources.get(i));
            }
            fresh = true;
        }
    }

    private void takeWeights() {
        synchronized (weights) {
            if (!fresh) {
                return;
            }
            for (int i = 0; i < replicas.size(); i++) {
                workerBackend.copyIn(replicas.get(i), staging.get(i));
            }
            fresh = false;
        }
    }

    /**
     * The finished batches: at least one when {@code block} (waiting for the worker), else whatever is ready.
     *
     * @throws IllegalStateException if the worker failed (its exception is the cause)
     */
    List<Batch> drain(boolean block) {
        List<Batch> out = new ArrayList<>();
        try {
            while (block && out.isEmpty()) {
                checkWorker();
                Batch b = done.poll(100, TimeUnit.MILLISECONDS);
                if (b != null) {
                    out.add(b);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for generation", e);
        }
        done.drainTo(out);
        checkWorker();
        return out;
    }

    private void checkWorker() {
        if (failure != null) {
            throw new IllegalStateException("the generation worker failed: " + failure, failure);
        }
    }

    @Override
    public void close() {
        stopping = true;
        try {
            worker.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        teacherReplica.close();
        if (askerReplica != null) {
            askerReplica.close();
        }
        stagingArena.close();
    }
}
