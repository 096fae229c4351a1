/*
 * Copyright 2026 the switchman authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package io.switchman.cli;

import io.switchman.core.HostFacts;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.jspecify.annotations.Nullable;

/**
 * This host's facts for the macros, read cheaply: the FQDN as switchman 1.16 computes it (or the
 * config's {@code fqdn}), the processors from the JVM, the memory from {@code /proc/meminfo} capped
 * by the cgroup limit. Avoids the management beans, which cost start-up time.
 */
final class LocalHost {

  private LocalHost() {}

  static HostFacts facts(@Nullable String fqdn) {
    String name = fqdn != null ? fqdn : canonicalName();
    long mb = memoryMb();
    if (mb <= 0) {
      return HostFacts.local(name);
    }
    return new HostFacts(name, Runtime.getRuntime().availableProcessors(), mb);
  }

  /** The FQDN as switchman 1.16 computes it; see {@link HostFacts#localFqdn()}. */
  private static String canonicalName() {
    return HostFacts.localFqdn();
  }

  /** Total memory in MiB, or 0 when it cannot be read here. */
  static long memoryMb() {
    long total = 0;
    try {
      for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
        if (line.startsWith("MemTotal:")) {
          total = Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024;
          break;
        }
      }
    } catch (IOException | NumberFormatException e) {
      return 0;
    }
    for (String limitFile :
        new String[] {"/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory/memory.limit_in_bytes"}) {
      try {
        String v = Files.readString(Path.of(limitFile)).trim();
        if (!v.isEmpty() && v.chars().allMatch(Character::isDigit)) {
          long mb = Long.parseLong(v) / (1024 * 1024);
          if (mb > 0 && mb < total) {
            total = mb;
          }
        }
      } catch (IOException | NumberFormatException e) {
        // no such cgroup file here
      }
    }
    return total;
  }
}
