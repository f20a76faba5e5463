package dev.ida4j.task;

import java.util.random.RandomGenerator;

/**
 * What the contexts of named elements share (union-find's variables, shortest path's vertices, sequential
 * assignments' variables): n distinct names in a random order, drawn first, the index from name to element, and the
 * facts, which each task builds in its own constructor.
 */
abstract class NamedContext implements Context {
    final int[] names;   // element i's name
    final int[] index;   // a name's element, -1 where absent
    int[][] facts;       // set by the task's constructor

    NamedContext(int n, RandomGenerator rng) {
        names = Names.sampleDistinct(n, rng);
        index = Names.indexOf(names);
    }

    @Override
    public int size() {
        return names.length;
    }

    @Override
    public int factCount() {
        return facts.length;
    }

    @Override
    public int[] fact(int i) {
        return facts[i].clone();
    }
}
