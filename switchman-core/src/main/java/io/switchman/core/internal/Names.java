/*
 * Copyright 2026 the switchman authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package io.switchman.core.internal;

import io.switchman.core.SwitchmanException;

/**
 * Validation of lock and resource names: each becomes one znode name, so it must be a single path
 * element that ZooKeeper accepts. Limits as switchman 1.16 (no {@code /}, at most 512 characters),
 * plus what ZooKeeper itself rejects.
 *
 * <p>Internal: for switchman's own modules only, not API; see {@link io.switchman.core.internal}.
 */
public final class Names {

  /** The longest lock or resource name accepted, as switchman. */
  public static final int MAX_LENGTH = 512;

  /** The most path elements a prefix may have. */
  public static final int MAX_PREFIX_DEPTH = 16;

  /** The longest prefix accepted, in characters. */
  public static final int MAX_PREFIX_LENGTH = 1024;

  /** The longest host name accepted ({@code fqdn}, {@code switchman.host}). */
  public static final int MAX_HOST_LENGTH = 255;

  private Names() {}

  /**
   * Checks the prefix, the root znode of switchman's data: an absolute znode path ({@code
   * /switchman}, {@code /apps/switchman}) without a trailing {@code /}; not the root {@code /}
   * itself; not ZooKeeper's own {@code /zookeeper} tree or anything under it; at most {@value
   * #MAX_PREFIX_DEPTH} elements and {@value #MAX_PREFIX_LENGTH} characters, each element a valid
   * znode name (as a lock name: no {@code .} or {@code ..}, no control characters).
   *
   * @throws SwitchmanException of kind {@code INVALID_ARGUMENT} naming the value and the rule
   */
  public static String checkPrefix(String prefix) {
    String shown = printable(prefix.length() > 80 ? prefix.substring(0, 60) + "..." : prefix);
    if (prefix.isEmpty()
        || prefix.charAt(0) != '/'
        || (prefix.length() > 1 && prefix.endsWith("/"))
        || prefix.contains("//")) {
      throw invalidArgument(
          "Invalid prefix '"
              + shown
              + "': expected an absolute znode path such as /switchman, without a trailing '/'");
    }
    if (prefix.equals("/")) {
      throw invalidArgument(
          "Invalid prefix '/': switchman's nodes need a znode of their own, such as /switchman");
    }
    if (prefix.equals("/zookeeper") || prefix.startsWith("/zookeeper/")) {
      throw invalidArgument(
          "Invalid prefix '"
              + shown
              + "': /zookeeper and the znodes under it are ZooKeeper's own; use another path such"
              + " as /switchman");
    }
    String[] parts = prefix.substring(1).split("/");
    if (parts.length > MAX_PREFIX_DEPTH) {
      throw invalidArgument(
          "Invalid prefix '"
              + shown
              + "': "
              + parts.length
              + " levels, at most "
              + MAX_PREFIX_DEPTH
              + " are allowed");
    }
    if (prefix.length() > MAX_PREFIX_LENGTH) {
      throw invalidArgument(
          "Invalid prefix '"
              + shown
              + "': "
              + prefix.length()
              + " characters, at most "
              + MAX_PREFIX_LENGTH
              + " are allowed");
    }
    for (String part : parts) {
      try {
        check("znode name", part);
      } catch (SwitchmanException e) {
        throw invalidArgument("Invalid prefix '" + shown + "': " + e.getMessage());
      }
    }
    return prefix;
  }

  /**
   * Checks a host name given by configuration (the CLI's {@code fqdn}, Spring's {@code
   * switchman.host}): not blank, at most {@value #MAX_HOST_LENGTH} characters, no control
   * characters (NUL, newline, ...) and no whitespace, as it is written into node data {@code
   * "<fqdn> <pid>"} and compared with the groups.
   *
   * @param what the setting, for the message (e.g. {@code fqdn})
   * @throws SwitchmanException of kind {@code INVALID_ARGUMENT} naming the value and the rule
   */
  public static String checkHostName(String what, String name) {
    if (name.isBlank()) {
      throw invalidArgument("Invalid " + what + " '" + printable(name) + "': must not be empty");
    }
    if (name.length() > MAX_HOST_LENGTH) {
      throw invalidArgument(
          "Invalid "
              + what
              + " '"
              + printable(name.substring(0, 40))
              + "...': "
              + name.length()
              + " characters, at most "
              + MAX_HOST_LENGTH
              + " are allowed");
    }
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (c <= ' ' || (c >= '\u007f' && c <= '\u009f') || Character.isWhitespace(c)) {
        throw invalidArgument(
            String.format(
                "Invalid %s '%s': character U+%04X at position %d is not allowed in a host name"
                    + " (no control characters or whitespace)",
                what, printable(name), (int) c, i));
      }
    }
    return name;
  }

  /**
   * Checks a lock name.
   *
   * @throws SwitchmanException of kind {@code INVALID_ARGUMENT} naming the value and the rule
   */
  public static String checkLockName(String name) {
    return check("lock name", name);
  }

  /**
   * Checks a resource name (after macro expansion).
   *
   * @throws SwitchmanException of kind {@code INVALID_ARGUMENT} naming the value and the rule
   */
  public static String checkResourceName(String name) {
    return check("resource name", name);
  }

  /**
   * Checks a group name.
   *
   * @throws SwitchmanException of kind {@code INVALID_ARGUMENT} naming the value and the rule
   */
  public static String checkGroupName(String name) {
    if (name.isEmpty()) {
      throw invalidArgument("Invalid group name '': must not be empty");
    }
    return name;
  }

  private static String check(String what, String name) {
    if (name.isEmpty()) {
      throw invalidArgument("Invalid " + what + " '': must not be empty");
    }
    if (name.length() > MAX_LENGTH) {
      throw invalidArgument(
          "Invalid "
              + what
              + " '"
              + name.substring(0, 40)
              + "...': "
              + name.length()
              + " characters, at most "
              + MAX_LENGTH
              + " are allowed");
    }
    if (name.equals(".") || name.equals("..")) {
      throw invalidArgument("Invalid " + what + " '" + name + "': '.' and '..' are not allowed");
    }
    if (name.indexOf('/') >= 0) {
      throw invalidArgument(
          "Invalid " + what + " '" + name + "': '/' is not allowed (it must be one znode name)");
    }
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (!allowedByZooKeeper(c)) {
        throw invalidArgument(
            String.format(
                "Invalid %s '%s': character U+%04X at position %d is not allowed in a znode name"
                    + " (no control characters, surrogates or private-use characters)",
                what, printable(name), (int) c, i));
      }
    }
    return name;
  }

  /** The characters ZooKeeper's PathUtils rejects, plus all C0/C1 control characters. */
  private static boolean allowedByZooKeeper(char c) {
    return !(c <= '\u001f'
        || (c >= '\u007f' && c <= '\u009f')
        || (c >= '\ud800' && c <= '\uf8ff')
        || (c >= '\ufff0' && c <= '\uffff'));
  }

  /** The value with control characters escaped, safe to print on one line. */
  public static String printable(String value) {
    StringBuilder sb = new StringBuilder(value.length());
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c < 0x20 || (c >= 0x7f && c <= 0x9f)) {
        sb.append(String.format("\\u%04x", (int) c));
      } else {
        sb.append(c);
      }
    }
    return sb.toString();
  }

  private static SwitchmanException invalidArgument(String message) {
    return new SwitchmanException(SwitchmanException.Kind.INVALID_ARGUMENT, message);
  }
}
