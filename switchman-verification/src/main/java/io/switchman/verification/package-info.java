/** Proof of safety: fault injection across processes and an invariant checker over histories. */
@NullMarked
package io.switchman.verification;

import org.jspecify.annotations.NullMarked;
