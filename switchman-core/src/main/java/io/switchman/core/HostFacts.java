/*
 * Copyright 2026 the switchman authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package io.switchman.core;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
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
   * {@code gethostbyname(3)}: the official name and the aliases of a host name, or null when it is
   * not known. The seam that lets tests stand in for {@code /etc/hosts} and DNS.
   */
  @FunctionalInterface
  public interface Resolver {

    /**
     * The official name of {@code name} followed by its aliases, or null when unknown.
     *
     * @param name a host name, short or qualified
     */
    @Nullable List<String> gethostbyname(String name);
  }

  /**
   * This host's fully qualified name as switchman 1.16 computes it: {@code Net::Domain::hostfqdn()}
   * (switchman 1.16 replaced {@code Sys::Hostname::FQDN::fqdn()} by it, "fixed fqdn determination
   * on ipv6-only hosts"), from the host's own name ({@code gethostname(2)}), {@code
   * /etc/resolv.conf}, the kernel's domain name and {@code /etc/hosts} then DNS. Not a reverse
   * lookup: on a host whose {@code /etc/hosts} reads {@code 127.0.0.1 localhost} and then {@code
   * 127.0.0.1 vm} it is {@code vm}, not {@code localhost}, so that both tools name the host alike
   * in groups, in {@code FQDN_...} resources and in node data. On the usual shapes it is what
   * {@code hostname -f} prints; see {@link #fqdn} for where it is not.
   */
  public static String localFqdn() {
    String env = System.getenv("LOCALDOMAIN");
    if (env == null || env.isEmpty()) {
      env = System.getenv("DOMAIN");
    }
    return fqdn(
        localHostName(),
        lines(Path.of("/etc/resolv.conf")),
        firstLine(Path.of("/proc/sys/kernel/domainname")),
        env,
        hostsThenDns(lines(Path.of("/etc/hosts")), HostFacts::systemLookup));
  }

  /**
   * {@code Net::Domain::hostfqdn()} over the given inputs:
   *
   * <ol>
   *   <li>the domain is the argument of the last {@code domain} or {@code search} line of {@code
   *       resolv.conf} (its first word); else the domain of the first name with a dot among the
   *       official names and aliases of {@code HOST.DOMAINNAME} (the kernel's domain name), {@code
   *       HOST} and {@code localhost}; else {@code LOCALDOMAIN} or {@code DOMAIN};
   *   <li>a host name without a dot and a domain with one give {@code HOST.DOMAIN} (no lookup);
   *   <li>else the longest {@code HOSTPARTS.DOMAINPARTS} that resolves, dropping host labels from
   *       the right and domain labels from the left: {@code vm} on the loopback shape above.
   * </ol>
   *
   * <p>So a {@code search corp.example} line names the host {@code web1.corp.example} even when
   * {@code /etc/hosts} lists it as {@code web1.other.example}, which {@code hostname -f} prints;
   * switchman 1.16 does the former. When nothing resolves (switchman 1.16 then has no name at all),
   * the host's own name is returned.
   *
   * @param hostName this host's own name, from {@code gethostname(2)}
   * @param resolvConf the lines of {@code /etc/resolv.conf}
   * @param domainName the kernel's domain name ({@code getdomainname(2)}), or null
   * @param envDomain {@code LOCALDOMAIN}, else {@code DOMAIN}, or null
   * @param resolver {@code gethostbyname(3)}
   */
  public static String fqdn(
      String hostName,
      List<String> resolvConf,
      @Nullable String domainName,
      @Nullable String envDomain,
      Resolver resolver) {
    String host = clean(hostName);
    String domain = hostDomain(host, resolvConf, domainName, envDomain, resolver);
    if (!host.isEmpty() && domain != null && host.indexOf('.') < 0 && domain.indexOf('.') >= 0) {
      return host + "." + domain;
    }
    if (host.matches("\\d+(\\.\\d+){3}")) {
      return host;
    }
    List<String> hostParts = labels(host.isEmpty() ? "localhost" : host);
    List<String> d = new ArrayList<>(domain == null ? List.of() : labels(domain));
    while (true) {
      List<String> h = new ArrayList<>(hostParts);
      while (!h.isEmpty()) {
        List<String> all = new ArrayList<>(h);
        all.addAll(d);
        String candidate = String.join(".", all);
        if (known(resolver, candidate)) {
          return candidate;
        }
        h.remove(h.size() - 1);
      }
      if (d.isEmpty()) {
        break;
      }
      String dropped = d.remove(0);
      if (dropped.isEmpty() || dropped.equals("0")) {
        break; // Perl's "last unless shift @d"
      }
    }
    return host.isEmpty() ? "localhost" : host;
  }

  private static @Nullable String hostDomain(
      String host,
      List<String> resolvConf,
      @Nullable String domainName,
      @Nullable String envDomain,
      Resolver resolver) {
    String fromResolvConf = null;
    for (String line : resolvConf) {
      Matcher m = RESOLV_DOMAIN.matcher(line);
      if (m.lookingAt()) {
        fromResolvConf = m.group(1);
      }
    }
    if (fromResolvConf != null) {
      return fromResolvConf; // as Net::Domain: returned as written
    }
    List<String> candidates = new ArrayList<>();
    if (host.indexOf('.') < 0 && domainName != null) {
      String dom = domainName.replaceFirst("^\\.+", "");
      if (!dom.isEmpty()) {
        candidates.add(host + "." + dom);
      }
    }
    candidates.add(host);
    candidates.add("localhost");
    for (String c : candidates) {
      if (c.isEmpty()) {
        continue;
      }
      List<String> info = lookup(resolver, c);
      for (String site : info) {
        if (site.lastIndexOf('.') > 0) {
          return site.substring(site.indexOf('.') + 1);
        }
      }
    }
    if (envDomain == null || envDomain.isEmpty()) {
      return null;
    }
    String cleaned = clean(envDomain);
    return cleaned.isEmpty() ? null : cleaned;
  }

  private static final Pattern RESOLV_DOMAIN = Pattern.compile("\\s*(?:domain|search)\\s+(\\S+)");

  /** Net::Domain's clean-up: no NUL/CR/LF, no leading or trailing dots, no empty labels. */
  private static String clean(String name) {
    return name.replaceAll("[\\x00\\r\\n]+", "")
        .replaceAll("^\\.+|\\.+$", "")
        .replaceAll("\\.\\.+", ".");
  }

  /** Perl's {@code split(/\./, ...)}: trailing empty fields dropped. */
  private static List<String> labels(String name) {
    return List.of(name.split("\\."));
  }

  private static boolean known(Resolver resolver, String name) {
    return !lookup(resolver, name).isEmpty();
  }

  private static List<String> lookup(Resolver resolver, String name) {
    List<String> info = resolver.gethostbyname(name);
    return info == null ? List.of() : info;
  }

  /**
   * {@code gethostbyname(3)} with {@code hosts: files dns}: the first IPv4 line of {@code
   * hostsFile} that lists the name (case-insensitive) gives its names (the first is the official
   * one); else {@code dns}.
   *
   * @param hostsFile the lines of {@code /etc/hosts}
   * @param dns the resolver asked when the hosts file does not list the name
   */
  public static Resolver hostsThenDns(List<String> hostsFile, Resolver dns) {
    return name -> {
      List<String> inFile = hostsFileEntry(name, hostsFile);
      return inFile != null ? inFile : dns.gethostbyname(name);
    };
  }

  /** The names of the first IPv4 line listing {@code name}, as glibc's files backend. */
  static @Nullable List<String> hostsFileEntry(String name, List<String> lines) {
    for (String line : lines) {
      int hash = line.indexOf('#');
      String[] fields = (hash >= 0 ? line.substring(0, hash) : line).trim().split("\\s+");
      // gethostbyname asks for IPv4 addresses: lines such as "::1 localhost" do not answer
      if (fields.length < 2 || fields[0].indexOf(':') >= 0) {
        continue;
      }
      for (int i = 1; i < fields.length; i++) {
        if (fields[i].equalsIgnoreCase(name)) {
          return List.of(fields).subList(1, fields.length);
        }
      }
    }
    return null;
  }

  /**
   * DNS through the JDK's resolver: the name when it resolves, as the official name the address
   * resolves back to when that is the name with a domain (Java has no forward canonical-name
   * lookup). Names that cannot be DNS names ({@code vm.(none)}, from an unset kernel domain name)
   * are not asked.
   */
  static @Nullable List<String> systemLookup(String name) {
    if (!name.matches("[A-Za-z0-9._-]+")) {
      return null;
    }
    try {
      InetAddress address = InetAddress.getByName(name);
      if (!(address instanceof Inet4Address)) {
        return null;
      }
      String reverse = address.getCanonicalHostName();
      String lower = reverse.toLowerCase(Locale.ROOT);
      String n = name.toLowerCase(Locale.ROOT);
      if (!lower.equals(n) && lower.startsWith(n + ".")) {
        return List.of(reverse, name);
      }
      return List.of(name);
    } catch (UnknownHostException | SecurityException e) {
      return null;
    }
  }

  /** This host's own name, {@code gethostname(2)}: the kernel's, else the JDK's, else HOSTNAME. */
  static String localHostName() {
    String kernel = firstLine(Path.of("/proc/sys/kernel/hostname"));
    if (kernel != null && !kernel.isEmpty()) {
      return kernel;
    }
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      String env = System.getenv("HOSTNAME");
      return env != null && !env.isBlank() ? env : "localhost";
    }
  }

  private static @Nullable String firstLine(Path path) {
    List<String> l = lines(path);
    return l.isEmpty() ? null : l.get(0).trim();
  }

  private static List<String> lines(Path path) {
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
