/** A Spring Boot worker of the soak: a scheduled job guarded by the starter's annotation. */
@NullMarked
package io.switchman.verification.spring;

import org.jspecify.annotations.NullMarked;
