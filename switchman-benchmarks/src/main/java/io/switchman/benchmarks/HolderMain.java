/*
 * Copyright 2026 the switchman authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package io.switchman.benchmarks;

import io.switchman.core.Acquisition;
import io.switchman.core.GrantRequest;
import io.switchman.core.SwitchmanEngine;
import org.apache.curator.framework.CuratorFramework;

/**
 * The holder process of the failover benchmark: takes a lock, prints {@code HELD <S ms> <fencing
 * token>} and holds it until killed.
 */
final class HolderMain {

  private HolderMain() {}

  static void main(String[] args) throws Exception {
    if (args.length != 4) {
      System.err.println("usage: holder CONNECT PREFIX LOCKNAME SESSION_MS");
      System.exit(2);
    }
    CuratorFramework client = Clients.curator(args[0], Integer.parseInt(args[3]));
    SwitchmanEngine engine = Clients.engine(client, args[1]);
    Acquisition a = engine.acquire(GrantRequest.builder(args[2]).build());
    if (a.grant() == null) {
      System.out.println("NOT-HELD " + a.outcome() + " " + a.detail());
      System.out.flush();
      System.exit(1);
    }
    System.out.println(
        "HELD " + engine.negotiatedSessionTimeoutMs() + " " + a.grant().fencingToken());
    System.out.flush();
    while (true) {
      Thread.sleep(60_000);
    }
  }
}
