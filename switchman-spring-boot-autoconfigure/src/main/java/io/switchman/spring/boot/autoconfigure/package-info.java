/** Spring Boot auto-configuration of switchman: client, engine and guarded methods. */
@NullMarked
package io.switchman.spring.boot.autoconfigure;

import org.jspecify.annotations.NullMarked;
