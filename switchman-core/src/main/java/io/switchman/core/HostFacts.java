/*
 * Copyright 2026 the switchman authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package io.switchman.core;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
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

  /**
   * Resolves a host name to its canonical name in DNS, as {@code gethostbyname(3)} reports it in
   * {@code h_name}; the seam that lets tests stand in for DNS.
   */
  @FunctionalInterface
  public interface Resolver {

    /** The system resolver; see {@link HostFacts#systemCanonicalName}. */
    Resolver SYSTEM = HostFacts::systemCanonicalName;

    /**
     * The canonical name of {@code host}, or null when the resolver does not know it.
     *
     * @param host a host name, short or qualified
     */
    @Nullable String canonicalName(String host);
  }

  /**
   * This host's fully qualified name as switchman 1.16 computes it ({@code
   * Sys::Hostname::FQDN::fqdn()}, which is what {@code hostname -f} prints): the canonical name of
   * the host's own name ({@code gethostname(2)}) in {@code /etc/hosts}, else in DNS, else the own
   * name itself. Unlike {@code InetAddress.getLocalHost().getCanonicalHostName()} (a reverse
   * lookup), this gives {@code vm}, not {@code localhost}, on a host whose {@code /etc/hosts} reads
   * {@code 127.0.0.1 localhost} and then {@code 127.0.0.1 vm}, so that both tools name the host
   * alike in groups, in {@code FQDN_...} resources and in node data.
   */
  public static String localFqdn() {
    return fqdn(localHostName(), hostsFile(Path.of("/etc/hosts")), Resolver.SYSTEM);
  }

  /**
   * The canonical name of {@code hostName} as {@code gethostbyname(3)} finds it with {@code hosts:
   * files dns}: the first IPv4 line of {@code hostsFile} that lists the name (case-insensitive, as
   * its canonical name or as an alias) gives its first name; else {@code dns}; else the name
   * itself.
   *
   * @param hostName this host's own name, from {@code gethostname(2)}
   * @param hostsFile the lines of {@code /etc/hosts}
   * @param dns the resolver asked when the hosts file does not list the name
   */
  public static String fqdn(String hostName, List<String> hostsFile, Resolver dns) {
    String inFile = canonicalInHostsFile(hostName, hostsFile);
    if (inFile != null) {
      return inFile;
    }
    String inDns = dns.canonicalName(hostName);
    return inDns == null || inDns.isBlank() ? hostName : inDns;
  }

  /** The first name of the first IPv4 line listing {@code name}, as glibc's files backend. */
  static @Nullable String canonicalInHostsFile(String name, List<String> lines) {
    for (String line : lines) {
      int hash = line.indexOf('#');
      String[] fields = (hash >= 0 ? line.substring(0, hash) : line).trim().split("\\s+");
      // gethostbyname asks for IPv4 addresses: lines such as "::1 localhost" do not answer
      if (fields.length < 2 || fields[0].indexOf(':') >= 0) {
        continue;
      }
      for (int i = 1; i < fields.length; i++) {
        if (fields[i].equalsIgnoreCase(name)) {
          return fields[1];
        }
      }
    }
    return null;
  }

  /**
   * The system resolver's canonical name of {@code host}: the name the address resolves back to,
   * when that is the name itself or the name with a domain (as a search domain completes it); else
   * the name as given. Java has no forward canonical-name lookup; this reverse check keeps a
   * loopback address's {@code localhost} from replacing the host's name.
   */
  static @Nullable String systemCanonicalName(String host) {
    try {
      InetAddress address = InetAddress.getByName(host);
      String reverse = address.getCanonicalHostName();
      String lower = reverse.toLowerCase(Locale.ROOT);
      String h = host.toLowerCase(Locale.ROOT);
      if (lower.equals(h) || lower.startsWith(h + ".")) {
        return reverse;
      }
      return host;
    } catch (UnknownHostException | SecurityException e) {
      return null;
    }
  }

  /** This host's own name, {@code gethostname(2)}: the kernel's, else the JDK's, else HOSTNAME. */
  static String localHostName() {
    try {
      String kernel = Files.readString(Path.of("/proc/sys/kernel/hostname")).trim();
      if (!kernel.isEmpty()) {
        return kernel;
      }
    } catch (IOException | SecurityException e) {
      // not Linux
    }
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      String env = System.getenv("HOSTNAME");
      return env != null && !env.isBlank() ? env : "localhost";
    }
  }

  private static List<String> hostsFile(Path path) {
    try {
      return Files.readAllLines(path, StandardCharsets.ISO_8859_1);
    } catch (IOException | SecurityException e) {
      return List.of();
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
