package dev.ida4j.loop;

import dev.ida4j.amplify.DirectModel;
import dev.ida4j.model.Model;
import dev.ida4j.model.answerer.Answerer;
import dev.ida4j.tensor.Tensor;
import dev.ida4j.tensor.TensorLayout;
import dev.ida4j.tensor.TensorSet;
import java.util.ArrayList;
import java.util.List;
import java.util.random.RandomGenerator;

/** Small adapters between the models and the loop: X as the amplifier's {@link DirectModel}, named tensor lists. */
public final class Models {
    private Models() {
    }

    /** X answering directly, {@code maxContexts} contexts per encoding (at most X's capacity). */
    public static DirectModel direct(Answerer x, int maxContexts) {
        return new DirectModel() {
            @Override
            public int maxContexts() {
                return maxContexts;
            }

            @Override
            public void encode(int contexts, int facts, int[] factTokens) {
                x.encode(contexts, facts, factTokens);
            }

            @Override
            public void answer(int questions, int[] questionTokens, RandomGenerator rng, int[] out,
                               float[] outLogProb) {
                x.answer(questions, questionTokens, rng, out, outLogProb);
            }
        };
    }

    /** {@code model}'s whole state as views named {@code prefix + "." + name} (the names a checkpoint file shows). */
    static List<Tensor> named(String prefix, Model model) {
        return named(prefix, model.state().toArray(TensorSet[]::new));
    }

    /** The tensors of {@code sets}, renamed {@code prefix + "." + name}. */
    static List<Tensor> named(String prefix, TensorSet... sets) {
        List<Tensor> out = new ArrayList<>();
        for (TensorSet set : sets) {
            for (TensorLayout.Entry e : set.layout().entries()) {
                Tensor t = set.get(e.name());
                out.add(t.view(prefix + "." + e.name(), 0, t.shape()));
            }
        }
        return out;
    }

    /** The flat blocks of the non-empty sets of {@code model}'s state (what an EMA pairs, block by block). */
    static List<Tensor> blocks(Model model) {
        List<Tensor> out = new ArrayList<>();
        for (TensorSet set : model.state()) {
            if (!set.layout().entries().isEmpty()) {
                out.add(set.all());
            }
        }
        return out;
    }
}
