/*
 * Copyright 2026 the switchman authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package io.switchman.core;

import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * This host's identity and size, as the macros {@code FQDN}, {@code CPU} and {@code MEMMB} expand
 * them. Substitution is plain text replacement in one pass, as switchman does, so {@code FQDN_cpu}
 * becomes {@code host1.example.com_cpu}.
 *
 * @param fqdn this host's fully qualified name, used for groups and node data
 * @param cpus processors available to this process (container-aware)
 * @param memoryMb total memory in MiB (container-aware)
 */
public record HostFacts(String fqdn, int cpus, long memoryMb) {

  private static final Pattern MACRO = Pattern.compile("FQDN|CPU|MEMMB");

  public HostFacts {
    Objects.requireNonNull(fqdn, "fqdn");
    if (fqdn.isBlank()) {
      throw SwitchmanException.invalid("Invalid host name '': must not be empty");
    }
    if (cpus < 1 || memoryMb < 1) {
      throw SwitchmanException.invalid(
          "Invalid host facts: cpus=" + cpus + ", memoryMb=" + memoryMb + " must be positive");
    }
  }

  /** The facts of this machine; the host name is {@code host} if given, else the FQDN. */
  public static HostFacts local(@Nullable String host) {
    String name = host == null || host.isBlank() ? localFqdn() : host;
    return new HostFacts(name, Runtime.getRuntime().availableProcessors(), totalMemoryMb());
  }

  /** The facts of this machine, named by its FQDN. */
  public static HostFacts local() {
    return local(null);
  }

  /** Replaces every {@code FQDN}, {@code CPU} and {@code MEMMB} in {@code text}. */
  public String expand(String text) {
    Matcher m = MACRO.matcher(text);
    StringBuilder sb = new StringBuilder();
    while (m.find()) {
      String value =
          switch (m.group()) {
            case "FQDN" -> fqdn;
            case "CPU" -> Integer.toString(cpus);
            default -> Long.toString(memoryMb);
          };
      m.appendReplacement(sb, Matcher.quoteReplacement(value));
    }
    m.appendTail(sb);
    return sb.toString();
  }

  static String localFqdn() {
    try {
      return InetAddress.getLocalHost().getCanonicalHostName();
    } catch (UnknownHostException e) {
      String env = System.getenv("HOSTNAME");
      return env != null && !env.isBlank() ? env : "localhost";
    }
  }

  private static long totalMemoryMb() {
    if (ManagementFactory.getOperatingSystemMXBean()
        instanceof com.sun.management.OperatingSystemMXBean os) {
      return Math.max(1, os.getTotalMemorySize() / (1024 * 1024));
    }
    return Math.max(1, Runtime.getRuntime().maxMemory() / (1024 * 1024));
  }
}
