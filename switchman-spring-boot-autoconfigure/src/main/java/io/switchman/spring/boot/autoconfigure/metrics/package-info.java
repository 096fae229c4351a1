/** Micrometer meters and observations of guarded runs. */
@NullMarked
package io.switchman.spring.boot.autoconfigure.metrics;

import org.jspecify.annotations.NullMarked;
