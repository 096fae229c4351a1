/**
 * The {@code switchman} actuator endpoint: this instance's grants and everything under the prefix.
 */
@NullMarked
package io.switchman.spring.boot.actuate.endpoint;

import org.jspecify.annotations.NullMarked;
