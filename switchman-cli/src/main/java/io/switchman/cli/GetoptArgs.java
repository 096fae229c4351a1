/*
 * Copyright 2026 the switchman authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package io.switchman.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Reads a command line as switchman 1.16 does (Perl's Getopt::Long in its default configuration)
 * and rewrites it into the canonical form picocli then binds: every option as {@code --name} or
 * {@code --name=value}, then {@code --}, then the command. The rules, as Getopt::Long documents
 * them:
 *
 * <ul>
 *   <li>an option starts with {@code --}, {@code -} or {@code +}: {@code -config X}, {@code
 *       --config X} and {@code --config=X} are one option; single letters are names like any other
 *       ({@code -c}), and there is no bundling ({@code -cX} is an option named {@code cx});
 *   <li>names are case-insensitive and may be abbreviated to a unique prefix ({@code --conf},
 *       {@code --lockn}); a prefix of names of one option is unique ({@code --no} is {@code
 *       --no-lock});
 *   <li>a negatable option also takes {@code --noNAME} and {@code --no-NAME} ({@code --nolock});
 *   <li>an option that takes a value takes the next argument, whatever it is;
 *   <li>options and the command's words may be mixed ({@code switchman echo hi --lockname zz} runs
 *       {@code echo hi} under lock {@code zz}); {@code --} ends the options, and everything after
 *       it is the command. A lone {@code -} is a word of the command.
 * </ul>
 *
 * <p>With {@code POSIXLY_CORRECT} in the environment, Getopt::Long (and so this class) stops at the
 * first word of the command, takes no abbreviations and no {@code +} options.
 */
final class GetoptArgs {

  /** A command line Getopt::Long refuses; the message names the argument. */
  static final class UsageException extends Exception {
    private static final long serialVersionUID = 1L;

    UsageException(String message) {
      super(message);
    }
  }

  /** One option name: the option it selects, and whether it is a negation. */
  private record Name(OptionSpec option, boolean negated) {

    String canonical() {
      String longest = option.longestName();
      return negated ? "--no-" + longest.substring(2) : longest;
    }
  }

  private final Map<String, Name> names = new LinkedHashMap<>();
  private final boolean posix;

  GetoptArgs(CommandSpec spec, boolean posix) {
    this.posix = posix;
    for (OptionSpec o : spec.options()) {
      for (String n : o.names()) {
        String bare = n.replaceFirst("^--?", "").toLowerCase(Locale.ROOT);
        names.put(bare, new Name(o, false));
        if (o.negatable()) {
          names.put("no" + bare, new Name(o, true));
          names.put("no-" + bare, new Name(o, true));
        }
      }
    }
  }

  static GetoptArgs of(CommandSpec spec) {
    return new GetoptArgs(spec, System.getenv("POSIXLY_CORRECT") != null);
  }

  /** The canonical command line for picocli. */
  List<String> canonical(String[] args) throws UsageException {
    List<String> options = new ArrayList<>();
    List<String> command = new ArrayList<>();
    int i = 0;
    while (i < args.length) {
      String a = args[i++];
      if (a.equals("--")) {
        break;
      }
      int start = starterLength(a);
      if (start == 0) {
        command.add(a);
        if (posix) {
          break;
        }
        continue;
      }
      String body = a.substring(start);
      String value = null;
      int eq = body.indexOf('=', 1);
      if (eq > 0) {
        value = body.substring(eq + 1);
        body = body.substring(0, eq);
      }
      Name name = resolve(a, body.toLowerCase(Locale.ROOT));
      if (name.option().arity().max() == 0) {
        if (value != null) {
          throw new UsageException(
              "Option '" + a + "' does not take a value (" + name.canonical() + ")");
        }
        options.add(name.canonical());
        continue;
      }
      if (value == null && i < args.length) {
        value = args[i++];
      }
      if (value == null || value.isEmpty()) {
        throw new UsageException(
            "Option '"
                + a
                + "' requires a value ("
                + name.canonical()
                + " "
                + name.option().paramLabel()
                + ")");
      }
      options.add(name.canonical() + "=" + value);
    }
    while (i < args.length) {
      command.add(args[i++]);
    }
    List<String> out = new ArrayList<>(options);
    out.add("--");
    out.addAll(command);
    return out;
  }

  /** How many characters start the option ({@code --}, {@code -}, {@code +}), 0 for a word. */
  private int starterLength(String a) {
    if (a.length() < 2) {
      return 0;
    }
    if (a.startsWith("--")) {
      return 2;
    }
    return a.charAt(0) == '-' || (a.charAt(0) == '+' && !posix) ? 1 : 0;
  }

  private Name resolve(String arg, String name) throws UsageException {
    Name exact = names.get(name);
    if (exact != null) {
      return exact;
    }
    if (!posix && !name.isEmpty()) {
      Set<String> targets = new TreeSet<>();
      Name hit = null;
      for (Map.Entry<String, Name> e : names.entrySet()) {
        if (e.getKey().startsWith(name) && !e.getValue().option().hidden()) {
          targets.add(e.getValue().canonical());
          hit = e.getValue();
        }
      }
      if (targets.size() == 1 && hit != null) {
        return hit;
      }
      if (targets.size() > 1) {
        throw new UsageException(
            "Ambiguous option '" + arg + "': it abbreviates " + String.join(", ", targets));
      }
    }
    throw new UsageException("Unknown option: '" + arg + "'");
  }
}
