package dev.ida4j.task;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class TasksTest {
    @Test
    void shouldListTheBuiltInsInReferenceOrderThenPlugins() {
        assertThat(Tasks.names()).containsExactly("permutation-powering", "sequential-assignments", "wildcard-search",
                "shortest-path", "union-find", "test-renamed-wildcard-search");
        for (String name : Tasks.names()) {
            assertThat(Tasks.byName(name).name()).isEqualTo(name);
        }
    }

    @Test
    void shouldFindATaskAddedThroughServiceLoader() {
        assertThat(Tasks.byName("test-renamed-wildcard-search")).isInstanceOf(RenamedTask.class);
    }

    @Test
    void shouldNameTheValidTasksForAnUnknownOne() {
        assertThatThrownBy(() -> Tasks.byName("nope"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("unknown task 'nope': expected one of permutation-powering, sequential-assignments, "
                        + "wildcard-search, shortest-path, union-find, test-renamed-wildcard-search");
    }
}
