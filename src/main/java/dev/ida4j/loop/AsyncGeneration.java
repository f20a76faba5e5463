package dev.ida4j.loop;

import dev.ida4j.amplify.Amplifier;
import dev.ida4j.amplify.Counters;
import dev.ida4j.backend.Backend;
import dev.ida4j.model.answerer.Answerer;
import dev.ida4j.model.asker.Asker;
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
 * Generation on worker threads, for throughput on a machine with cores to spare: each worker amplifies with replicas
 * of the EMA teacher (and of H′) on a backend of its own, while the trainer trains. Before each batch a worker takes
 * the newest weights the trainer has published; finished batches come back through one bounded queue. Not
 * deterministic: which weights a batch was made with, and the order batches arrive in, depend on timing. The
 * synchronous loop is the reference.
 *
 * <pre>
 * trainer:   step ─ publish ─ step ─ publish ─ … ─ drain → X buffer
 * worker 1:       take newest ─ generate batch ─ put ─ take newest ─ generate batch ─ put …
 * worker 2:            take newest ─ generate batch ─ put ─ …
 * </pre>
 */
final class AsyncGeneration implements AutoCloseable {
    private static final int QUEUE_PER_WORKER = 2;   // finished batches waiting for the trainer

    /** A finished batch: its records, (contexts, recordLength) row after row, its result and what it cost. */
    record Batch(int[] records, int contexts, Generation.Result result, Counters cost, long nanos) {
    }

    private final Backend trainerBackend;
    private final List<Tensor> sources;     // the trainer's teacher (and H′) blocks
    private final Arena stagingArena = Arena.ofShared();
    private final List<MemorySegment> staging = new ArrayList<>();
    private final Object weights = new Object();
    private long version;                    // guarded by weights: of the staged weights
    private long takenVersion;               // guarded by weights: the newest version a worker has taken
    private final BlockingQueue<Batch> done;
    private final List<Worker> workers = new ArrayList<>();
    private volatile Curriculum.Draw draw;
    private volatile boolean stopping;
    private volatile Throwable failure;

    /**
     * Starts one worker per backend. Each draws contexts with a generator split from {@code dataRng} and samples
     * answers with one split from {@code answerRng}, so the trainer's own streams stay independent of the workers'.
     */
    AsyncGeneration(IdaLoop loop, List<Backend> workerBackends) {
        if (workerBackends.isEmpty()) {
            throw new IllegalArgumentException("async generation needs at least one worker backend");
        }
        this.trainerBackend = loop.backend;
        this.draw = loop.curriculum.draw();
        this.done = new ArrayBlockingQueue<>(QUEUE_PER_WORKER * workerBackends.size());
        this.sources = new ArrayList<>(Models.blocks(loop.teacher));
        if (loop.asker != null) {
            sources.addAll(Models.blocks(loop.asker));
        }
        for (Tensor t : sources) {
            staging.add(stagingArena.allocate(t.segment().byteSize(), 64));
        }
        version = 0;
        takenVersion = 0;
        publish();
        for (Backend b : workerBackends) {
            workers.add(new Worker(loop, b, loop.dataRng.split(), loop.answerRng.split()));
        }
        for (Worker w : workers) {
            w.thread.start();
        }
    }

    /** One generating thread with its own backend, replicas, amplifier and random streams. */
    private final class Worker {
        final Backend backend;
        final Answerer teacher;
        final Asker asker;     // null unless amplification mode
        final List<Tensor> replicas;
        final Thread thread;
        long seenVersion = -1;

        Worker(IdaLoop loop, Backend backend, Rng data, Rng answers) {
            LoopConfig cfg = loop.cfg;
            this.backend = backend;
            this.teacher = new Answerer(backend, loop.teacher.config(), loop.generationCapacity, loop.maxFacts,
                    loop.maxQuestions);
            teacher.setTraining(false);
            this.asker = loop.asker == null ? null
                    : new Asker(backend, loop.asker.config(), loop.asker.capacity());
            this.replicas = new ArrayList<>(Models.blocks(teacher));
            if (asker != null) {
                asker.setTraining(false);
                replicas.addAll(Models.blocks(asker));
            }
            Counters counters = new Counters();
            Amplifier amplifier = new Amplifier(loop.task, Models.direct(teacher, loop.generationCapacity), counters,
                    cfg.subanswerErrorRate(), cfg.abstainBelow());
            Generation generation = new Generation(loop.task, amplifier, loop.batch, cfg.sampledTeacher(),
                    cfg.excludeModalAnswer());
            Overseer overseer = switch (cfg.mode()) {
                case AMPLIFICATION -> new LearnedOverseer(asker, loop.layout, cfg.sampledAsker() ? answers : null);
                case NOASKER -> loop.targetOverseer;   // the algorithmic H: no weights, no mutable state
                case SUPERVISED -> null;
            };
            RecordBuffer out = new RecordBuffer(cfg.generationContexts(), loop.batch.recordLength());
            this.thread = Thread.ofPlatform().name("ida4j-generation-" + workers.size()).daemon().unstarted(() -> {
                try {
                    while (!stopping) {
                        takeWeights();
                        long start = System.nanoTime();
                        Generation.Result r = generation.run(out, cfg.generationContexts(), draw,
                                cfg.questionsPerContext(), overseer, cfg.depth(), data, answers,
                                loop.tracedContexts());
                        int contexts = out.size();
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
        }

        private void takeWeights() {
            synchronized (weights) {
                if (seenVersion == version) {
                    return;
                }
                for (int i = 0; i < replicas.size(); i++) {
                    backend.copyIn(replicas.get(i), staging.get(i));
                }
                seenVersion = version;
                takenVersion = version;
            }
        }

        void close() {
            teacher.close();
            if (asker != null) {
                asker.close();
            }
        }
    }

    /** Worker {@code w}'s copies of the teacher's (and H′'s) blocks, for tests: read them only between its batches. */
    List<Tensor> replicas(int w) {
        return workers.get(w).replicas;
    }

    /** What the next batches draw (the curriculum's, set by the trainer). */
    void draw(Curriculum.Draw newDraw) {
        this.draw = newDraw;
    }

    /**
     * Called by the trainer after a step: copies its teacher (and H′) weights out, unless no worker has taken the
     * previous ones yet (then those are overwritten at a later step).
     */
    void publish() {
        synchronized (weights) {
            if (takenVersion < version) {
                return;
            }
            for (int i = 0; i < sources.size(); i++) {
                trainerBackend.copyOut(staging.get(i), sources.get(i));
            }
            version++;
        }
    }

    /**
     * The finished batches: at least one when {@code block} (waiting for the workers), else whatever is ready.
     *
     * @throws IllegalStateException if a worker failed (its exception is the cause)
     */
    List<Batch> drain(boolean block) {
        List<Batch> out = new ArrayList<>();
        try {
            while (block && out.isEmpty()) {
                checkWorkers();
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
        checkWorkers();
        return out;
    }

    private void checkWorkers() {
        if (failure != null) {
            throw new IllegalStateException("a generation worker failed: " + failure, failure);
        }
    }

    @Override
    public void close() {
        stopping = true;
        for (Worker w : workers) {
            try {
                w.thread.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            w.close();
        }
        stagingArena.close();
    }
}
