/**
 * Auto-configuration of the {@code switchman} actuator endpoint; the endpoint itself is in {@code
 * io.switchman.spring.boot.actuate.endpoint}.
 */
@NullMarked
package io.switchman.spring.boot.autoconfigure.endpoint;

import org.jspecify.annotations.NullMarked;
