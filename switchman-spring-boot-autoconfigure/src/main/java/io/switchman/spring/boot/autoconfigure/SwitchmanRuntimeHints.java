/*
 * Copyright 2026 the switchman authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package io.switchman.spring.boot.autoconfigure;

import io.switchman.annotation.SwitchmanLease;
import io.switchman.annotation.SwitchmanLeases;
import io.switchman.annotation.SwitchmanLock;
import org.jspecify.annotations.Nullable;
import org.springframework.aot.hint.MemberCategory;
import org.springframework.aot.hint.RuntimeHints;
import org.springframework.aot.hint.RuntimeHintsRegistrar;

/**
 * What switchman reads by reflection at run time, for applications processed ahead of time ({@code
 * spring-boot:process-aot}, native images): the annotations' attributes, and the classes ZooKeeper
 * loads by name (the client's socket, and the embedded server's connection factory and watch
 * manager).
 */
final class SwitchmanRuntimeHints implements RuntimeHintsRegistrar {

  /** Classes ZooKeeper instantiates by name, with their constructors. */
  static final String[] ZOOKEEPER_CLASSES = {
    "org.apache.zookeeper.ClientCnxnSocketNIO",
    "org.apache.zookeeper.server.NIOServerCnxnFactory",
    "org.apache.zookeeper.server.watch.WatchManager",
  };

  @Override
  public void registerHints(RuntimeHints hints, @Nullable ClassLoader classLoader) {
    for (Class<?> annotation :
        new Class<?>[] {SwitchmanLock.class, SwitchmanLease.class, SwitchmanLeases.class}) {
      hints.reflection().registerType(annotation, MemberCategory.INVOKE_DECLARED_METHODS);
    }
    for (String name : ZOOKEEPER_CLASSES) {
      hints
          .reflection()
          .registerTypeIfPresent(classLoader, name, MemberCategory.INVOKE_DECLARED_CONSTRUCTORS);
    }
  }
}
