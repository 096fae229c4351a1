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

/**
 * Reads a command line as switchman 1.16 does (Perl's Getopt::Long in its default configuration)
 * into the options given and the command. The rules, as Getopt::Long documents them:
 *
 * <ul>
 *   <li>an option starts with {@code --}, {@code -} or {@code +}: {@code -config X}, {@code
 *       --config X} and {@code --config=X} are one option; single letters are names like any other
 *       ({@code -c}), and there is no bundling ({@code -cX} is an option named {@code cx});
 *   <li>names are case-insensitive and may be abbreviated to a unique prefix ({@code --conf},
 *       {@code --lockn}); a prefix of names of one option is unique ({@code --no} is {@code
 *       --no-lock});
 *   <li>a negatable option also takes {@code --noNAME} and {@code --no-NAME} ({@code --nolock});
 *   <li>an option that takes a value takes the next argument, whatever it is; one whose value is
 *       optional ({@code --abort}) takes it only if it does not start with {@code -};
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

  /** One option given, with its value ({@code "true"} or {@code "false"} for a flag). */
  record Value(SwitchmanCli.Option option, String value) {}

  /** The options in the order given, and the command. */
  record Parsed(List<Value> options, List<String> command) {

    /** {@code --name[=value]} for each option, then {@code --}, then the command. */
    List<String> canonical() {
      List<String> out = new ArrayList<>();
      for (Value v : options) {
        SwitchmanCli.Option o = v.option();
        if (o.takesValue()) {
          out.add(o.longName() + "=" + v.value());
        } else {
          out.add(v.value().equals("false") ? "--no-" + o.longName().substring(2) : o.longName());
        }
      }
      out.add("--");
      out.addAll(command);
      return out;
    }
  }

  /** One option name: the option it selects, and whether it is a negation. */
  private record Name(SwitchmanCli.Option option, boolean negated) {

    String canonical() {
      return negated ? "--no-" + option.longName().substring(2) : option.longName();
    }
  }

  private final Map<String, Name> names = new LinkedHashMap<>();
  private final boolean posix;

  GetoptArgs(List<SwitchmanCli.Option> options, boolean posix) {
    this.posix = posix;
    for (SwitchmanCli.Option o : options) {
      for (String n : o.names()) {
        String bare = n.toLowerCase(Locale.ROOT);
        names.put(bare, new Name(o, false));
        if (o.kind() == SwitchmanCli.Kind.NEGATABLE) {
          names.put("no" + bare, new Name(o, true));
          names.put("no-" + bare, new Name(o, true));
        }
      }
    }
  }

  Parsed parse(String[] args) throws UsageException {
    List<Value> options = new ArrayList<>();
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
      if (!name.option().takesValue()) {
        if (value != null) {
          throw new UsageException(
              "Option '" + a + "' does not take a value (" + name.canonical() + ")");
        }
        options.add(new Value(name.option(), name.negated() ? "false" : "true"));
        continue;
      }
      if (name.option().kind() == SwitchmanCli.Kind.OPTIONAL_VALUE) {
        // Getopt::Long's ":s": the next argument unless it looks like an option, else empty
        if (value == null
            && i < args.length
            && (starterLength(args[i]) == 0 || args[i].equals("-"))) {
          value = args[i++];
        }
        options.add(new Value(name.option(), value == null ? "" : value));
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
      options.add(new Value(name.option(), value));
    }
    while (i < args.length) {
      command.add(args[i++]);
    }
    return new Parsed(List.copyOf(options), List.copyOf(command));
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
