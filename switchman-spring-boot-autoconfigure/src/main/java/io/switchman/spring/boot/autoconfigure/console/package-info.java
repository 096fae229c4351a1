/** Auto-configuration of the live web console. */
@NullMarked
package io.switchman.spring.boot.autoconfigure.console;

import org.jspecify.annotations.NullMarked;
