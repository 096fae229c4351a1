/** The {@code switchman} health indicator: connection state and session of the client. */
@NullMarked
package io.switchman.spring.boot.health;

import org.jspecify.annotations.NullMarked;
