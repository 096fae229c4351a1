/** Side-by-side benchmarks of switchman against the raw ZooKeeper floor and its peers. */
@NullMarked
package io.switchman.benchmarks;

import org.jspecify.annotations.NullMarked;
