/**
 * The live web console: a page at {@code switchman.console.path} showing every lock, resource,
 * queue and group under the prefix, pushed to the browser with server-sent events on ZooKeeper
 * watch events.
 */
@NullMarked
package io.switchman.spring.boot.console;

import org.jspecify.annotations.NullMarked;
