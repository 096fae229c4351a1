/** The annotations that guard a method with a switchman lock or lease. */
@NullMarked
package io.switchman.annotation;

import org.jspecify.annotations.NullMarked;
