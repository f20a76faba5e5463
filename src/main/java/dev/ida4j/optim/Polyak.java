package dev.ida4j.optim;

import dev.ida4j.backend.Backend;
import dev.ida4j.tensor.DType;
import dev.ida4j.tensor.Tensor;
import java.util.List;

/**
 * Polyak averaging for an EMA teacher: after student step t (1-based),
 * {@code teacher ← teacher + (student − teacher)/h} with {@code h = min(t, horizon)}, over flat F32 blocks paired
 * in order (the parameter block {@code TensorSet.all()} and every buffer, such as BatchNorm running statistics).
 * For t ≤ horizon the teacher is the plain mean of the student's first t states; afterwards an exponential average
 * with rate 1/horizon. At t = 1 the teacher becomes a copy of the student (values equal; −0.0 becomes +0.0).
 */
public final class Polyak {
    /** The horizon used when the caller does not choose one. */
    public static final int DEFAULT_HORIZON = 1000;

    private final Backend backend;
    private final List<Tensor> teacher;
    private final List<Tensor> student;
    private final int horizon;

    /** Averages {@code student.get(i)} into {@code teacher.get(i)}: same count, F32, same element count pairwise. */
    public Polyak(Backend backend, List<Tensor> teacher, List<Tensor> student, int horizon) {
        if (horizon < 1) {
            throw new IllegalArgumentException("Polyak horizon " + horizon + " must be at least 1");
        }
        if (teacher.size() != student.size()) {
            throw new IllegalArgumentException("Polyak: " + teacher.size() + " teacher tensors but "
                    + student.size() + " student tensors");
        }
        for (int i = 0; i < teacher.size(); i++) {
            Tensor t = teacher.get(i);
            Tensor s = student.get(i);
            if (t.dtype() != DType.F32 || s.dtype() != DType.F32 || t.numel() != s.numel()) {
                throw new IllegalArgumentException("Polyak: teacher tensor " + t + " cannot average student tensor "
                        + s + " (both F32, same element count)");
            }
        }
        this.backend = backend;
        this.teacher = List.copyOf(teacher);
        this.student = List.copyOf(student);
        this.horizon = horizon;
    }

    /** Averages the student's state after its step {@code t} (1-based) into the teacher. */
    public void update(long t) {
        if (t < 1) {
            throw new IllegalArgumentException("Polyak: student step " + t + " is not 1-based");
        }
        long h = Math.min(t, horizon);
        for (int i = 0; i < teacher.size(); i++) {
            Tensor e = teacher.get(i);
            if (h == 1) {
                // 0 + 1·(x − 0) is x exactly, where teacher + 1·(x − teacher) may round
                backend.fill(e, 0f);
            }
            backend.ema(e, student.get(i), (float) (1.0 / h), e.numel());
        }
    }
}
