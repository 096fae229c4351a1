/*
 * Copyright 2026 the switchman authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package io.switchman.core.internal;

import org.jspecify.annotations.Nullable;

/**
 * The shape of a ZooKeeper connect string (the CLI's {@code zkhosts}, Spring's {@code
 * switchman.connect-string} without its chroot), checked before any connection attempt: a malformed
 * value is a configuration error naming it at once, not a wait that ends in "unreachable".
 *
 * <p>The rule: comma-separated servers {@code HOST[:PORT]} (no empty entries, blanks around an
 * entry ignored); HOST is a DNS name or IPv4 address (letters, digits, {@code . - _}; a name of
 * digits and dots must be a dotted IPv4 address of four numbers 0-255, so {@code 123} is refused),
 * or an IPv6 address in brackets ({@code [::1]:2181}); PORT is 1 to 65535 in ASCII digits (default
 * 2181); no scheme ({@code http://}); a chroot is the caller's to split off.
 *
 * <p>Internal: for switchman's own modules only, not API; see {@link io.switchman.core.internal}.
 */
public final class ConnectStrings {

  /** The rule, as the error message states it. */
  public static final String RULE =
      "comma-separated HOST:PORT servers such as zk1:2181,zk2:2181 (HOST a name, an IPv4"
          + " address or an [IPv6] address; PORT 1 to 65535)";

  private ConnectStrings() {}

  /** What is wrong with the servers of a connect string (no chroot), or null when well-formed. */
  public static @Nullable String problem(String zkhosts) {
    if (zkhosts.contains("://")) {
      return "no scheme such as http:// is allowed";
    }
    String[] entries = zkhosts.split(",", -1);
    for (int i = 0; i < entries.length; i++) {
      String entry = entries[i].strip();
      if (entry.isEmpty()) {
        return "server " + (i + 1) + " of " + entries.length + " is empty";
      }
      String p = serverProblem(entry);
      if (p != null) {
        return "server '" + Names.printable(entry) + "': " + p;
      }
    }
    return null;
  }

  private static @Nullable String serverProblem(String entry) {
    String host;
    String port = null;
    if (entry.startsWith("[")) {
      int close = entry.indexOf(']');
      if (close < 0) {
        return "an IPv6 address needs its closing ']'";
      }
      host = entry.substring(1, close);
      String rest = entry.substring(close + 1);
      if (!rest.isEmpty()) {
        if (rest.charAt(0) != ':') {
          return "expected ':PORT' after the IPv6 address";
        }
        port = rest.substring(1);
      }
      if (host.isEmpty() || !host.matches("[0-9A-Fa-f:.]+") || host.indexOf(':') < 0) {
        return "'" + Names.printable(host) + "' is not an IPv6 address";
      }
    } else {
      int colon = entry.indexOf(':');
      if (colon >= 0 && entry.indexOf(':', colon + 1) >= 0) {
        return "an IPv6 address must be written in brackets, such as [::1]:2181";
      }
      host = colon < 0 ? entry : entry.substring(0, colon);
      port = colon < 0 ? null : entry.substring(colon + 1);
      String h = hostProblem(host);
      if (h != null) {
        return h;
      }
    }
    if (port != null) {
      if (!port.matches("[0-9]{1,5}")) {
        return "port '" + Names.printable(port) + "' is not a number from 1 to 65535";
      }
      int n = Integer.parseInt(port);
      if (n < 1 || n > 65535) {
        return "port " + n + " is out of range (1 to 65535)";
      }
    }
    return null;
  }

  private static @Nullable String hostProblem(String host) {
    if (host.isEmpty()) {
      return "the host is missing";
    }
    for (int i = 0; i < host.length(); i++) {
      char c = host.charAt(i);
      boolean ok =
          (c >= 'a' && c <= 'z')
              || (c >= 'A' && c <= 'Z')
              || (c >= '0' && c <= '9')
              || c == '.'
              || c == '-'
              || c == '_';
      if (!ok) {
        return String.format(
            "character '%s' at position %d is not allowed in a host name",
            Names.printable(String.valueOf(c)), i + 1);
      }
    }
    if (host.matches("[0-9.]+")) {
      String[] parts = host.split("\\.", -1);
      if (parts.length != 4) {
        return "'" + host + "' is a number, not a host name or an IPv4 address (a.b.c.d)";
      }
      for (String part : parts) {
        if (!part.matches("[0-9]{1,3}") || Integer.parseInt(part) > 255) {
          return "'" + host + "' is not an IPv4 address (four numbers 0 to 255)";
        }
      }
    }
    return null;
  }
}
