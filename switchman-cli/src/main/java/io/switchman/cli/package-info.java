/** The {@code switchman} command-line tool: runs a shell job under a lock and leases. */
@NullMarked
package io.switchman.cli;

import org.jspecify.annotations.NullMarked;
