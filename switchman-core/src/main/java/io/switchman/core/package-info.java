/** The coordination core: locks, leases, groups and fencing tokens on ZooKeeper. */
@NullMarked
package io.switchman.core;

import org.jspecify.annotations.NullMarked;
