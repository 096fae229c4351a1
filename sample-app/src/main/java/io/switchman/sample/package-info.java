/** A Spring Boot application whose scheduled jobs show what switchman does. */
@NullMarked
package io.switchman.sample;

import org.jspecify.annotations.NullMarked;
