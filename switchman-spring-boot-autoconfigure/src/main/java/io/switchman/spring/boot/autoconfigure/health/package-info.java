/**
 * Auto-configuration of the {@code switchman} health indicator; the indicator itself is in {@code
 * io.switchman.spring.boot.health}.
 */
@NullMarked
package io.switchman.spring.boot.autoconfigure.health;

import org.jspecify.annotations.NullMarked;
