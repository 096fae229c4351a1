/*
 * Copyright 2026 the switchman authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package io.switchman.cli;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiConsumer;
import org.jspecify.annotations.Nullable;

/**
 * The command line of {@code switchman}: switchman 1.16's options plus the new ones, read as
 * switchman 1.16's Getopt::Long reads them (see {@link GetoptArgs}). The table {@link #OPTIONS} is
 * the one description of the options: the parser and the help are made from it. (A hand-written
 * table rather than an annotation-driven parser: initializing one cost about 180 ms of every run,
 * 40 % of a guarded {@code true}.)
 */
final class SwitchmanCli {

  static final String VERSION = "switchman 0.1.0 (Java, compatible with switchman 1.16)";

  /** What an option takes. */
  enum Kind {
    /** Nothing: {@code --status}. */
    FLAG,
    /** Nothing, and it has negations {@code --noNAME} and {@code --no-NAME}: {@code --lock}. */
    NEGATABLE,
    /** A value: {@code --lockname NAME}. */
    VALUE,
    /**
     * An optional value (Getopt::Long's {@code :s}): {@code --abort=NAME}, or the next argument
     * unless it starts with {@code -}; else empty: {@code --pause job --abort}.
     */
    OPTIONAL_VALUE
  }

  /**
   * One option.
   *
   * @param names its names without dashes, the long name last
   * @param kind what it takes
   * @param paramLabel the value's name in the help, for {@link Kind#VALUE}
   * @param description the help text
   * @param hidden whether the help leaves it out (and abbreviations do not reach it)
   * @param set stores the value ({@code "true"}/{@code "false"} for flags)
   */
  record Option(
      List<String> names,
      Kind kind,
      String paramLabel,
      String description,
      boolean hidden,
      BiConsumer<SwitchmanCli, String> set) {

    String longName() {
      return "--" + names.get(names.size() - 1);
    }

    /** Whether it takes a value, always or optionally. */
    boolean takesValue() {
      return kind == Kind.VALUE || kind == Kind.OPTIONAL_VALUE;
    }

    /** {@code =LABEL}, {@code [=LABEL]} or nothing, for the help. */
    String valueHint() {
      return switch (kind) {
        case VALUE -> "=" + paramLabel;
        case OPTIONAL_VALUE -> "[=" + paramLabel + "]";
        default -> "";
      };
    }
  }

  static final List<Option> OPTIONS =
      List.of(
          value(
              List.of("c", "config"),
              "PATH",
              "JSON config file (default: /etc/switchman.conf)",
              (o, v) -> o.config = v),
          value(
              List.of("g", "group"),
              "NAME",
              "run only if this host belongs to group NAME of the cluster data; else skip",
              (o, v) -> o.group = v),
          value(
              List.of("lease"),
              "RES=COUNT:TOTAL",
              "take COUNT units of resource RES whose capacity is TOTAL (repeatable); macros FQDN,"
                  + " CPU, MEMMB; COUNT and TOTAL are integer expressions",
              (o, v) -> o.leases.add(v)),
          value(
              List.of("lockname"),
              "NAME",
              "lock name (default: basename of CMD); no '/', at most 512 characters",
              (o, v) -> o.lockname = v),
          new Option(
              List.of("lock"),
              Kind.NEGATABLE,
              "",
              "take the exclusive lock (default); --no-lock (or --nolock) takes only the leases,"
                  + " or nothing but the group's check",
              false,
              (o, v) -> o.lock = Boolean.parseBoolean(v)),
          value(
              List.of("wait"),
              "DURATION",
              "lock wait: wait up to DURATION (10s, 5m, 1h) for a held lock instead of skipping;"
                  + " with --pause: the pause wait, pause once the running job ends (in arrival"
                  + " order with the jobs waiting for the lock), refused (65) if it still runs"
                  + " after DURATION",
              (o, v) -> o.lockWait = v),
          value(
              List.of("busy-exit-code"),
              "N",
              "exit code of a skipped job (default: 0, as switchman)",
              (o, v) -> o.busyExitCode = v),
          flag(
              List.of("status"),
              "print every lock with holder and fencing token, queues and leases, and exit",
              (o, v) -> o.status = true),
          flag(List.of("json"), "with --status: print JSON", (o, v) -> o.json = true),
          value(
              List.of("write-cluster-data"),
              "FILE|-",
              "validate the JSON cluster data (groups, resources, capacities) in FILE (- for"
                  + " standard input) and write it into the prefix znode, creating it",
              (o, v) -> o.writeClusterData = v),
          value(
              List.of("pause"),
              "NAME",
              "pause lock NAME fleet-wide: every host (also switchman 1.16) skips its job until"
                  + " --resume; refused (65) while a job holds it, unless --abort (stop that job) or"
                  + " --wait DURATION (pause once it ends)",
              (o, v) -> o.pause = v),
          value(
              List.of("resume"),
              "NAME",
              "resume paused lock NAME: delete its pause, never a running job's lock (65); 66 if"
                  + " it is not paused",
              (o, v) -> o.resume = v),
          new Option(
              List.of("abort"),
              Kind.OPTIONAL_VALUE,
              "NAME",
              "abort the job running under lock NAME (its holder stops, the next run may take the"
                  + " lock); 66 if no job holds it, 67 if it is paused. With --pause (no NAME):"
                  + " replace the running job's lock by the pause at once",
              false,
              (o, v) -> o.abort = v),
          value(
              List.of("reason"),
              "TEXT",
              "with --pause or --abort: why, one line (shown by --status and logged)",
              (o, v) -> o.reason = v),
          flag(List.of("h", "help"), "print this help and exit", (o, v) -> o.help = true),
          flag(List.of("v", "version"), "print the version and exit", (o, v) -> o.version = true),
          new Option(
              List.of("cds-training"), Kind.FLAG, "", "", true, (o, v) -> o.cdsTraining = true));

  private static Option value(
      List<String> names, String label, String description, BiConsumer<SwitchmanCli, String> set) {
    return new Option(names, Kind.VALUE, label, description, false, set);
  }

  private static Option flag(
      List<String> names, String description, BiConsumer<SwitchmanCli, String> set) {
    return new Option(names, Kind.FLAG, "", description, false, set);
  }

  String config = "/etc/switchman.conf";
  @Nullable String group;
  List<String> leases = new ArrayList<>();
  @Nullable String lockname;
  boolean lock = true;
  @Nullable String lockWait;
  String busyExitCode = "0";
  boolean status;
  boolean json;
  @Nullable String writeClusterData;
  @Nullable String pause;
  @Nullable String resume;

  /** {@code --abort}: null when not given, empty without a name (with --pause). */
  @Nullable String abort;

  @Nullable String reason;
  boolean help;
  boolean version;
  boolean cdsTraining;
  List<String> command = new ArrayList<>();

  /** Parses {@code args} as switchman 1.16 does (see {@link GetoptArgs}). */
  static SwitchmanCli parse(String[] args) throws GetoptArgs.UsageException {
    return parse(args, System.getenv("POSIXLY_CORRECT") != null);
  }

  static SwitchmanCli parse(String[] args, boolean posixlyCorrect)
      throws GetoptArgs.UsageException {
    SwitchmanCli o = new SwitchmanCli();
    GetoptArgs.Parsed p = new GetoptArgs(OPTIONS, posixlyCorrect).parse(args);
    p.options().forEach(v -> v.option().set().accept(o, v.value()));
    o.command.addAll(p.command());
    return o;
  }

  /** The busy exit code. */
  int busyExitCode() throws GetoptArgs.UsageException {
    String v = busyExitCode.trim();
    // ASCII digits only: Integer.parseInt would take other scripts' digits too
    if (v.matches("[0-9]{1,9}")) {
      int code = Integer.parseInt(v);
      if (code <= 255) {
        return code;
      }
    }
    throw new GetoptArgs.UsageException(
        "Invalid --busy-exit-code "
            + io.switchman.core.internal.Names.printable(busyExitCode)
            + ": expected 0 to 255");
  }

  static void usage(PrintStream out) {
    StringBuilder sb = new StringBuilder();
    sb.append("Usage: switchman [OPTIONS] [--] CMD [ARGS...]\n")
        .append("       switchman [-c PATH] --status [--json]\n")
        .append("       switchman [-c PATH] --write-cluster-data FILE|-\n")
        .append(
            "       switchman [-c PATH] --pause NAME [--reason TEXT] [--abort | --wait DURATION]\n")
        .append("       switchman [-c PATH] --resume NAME\n")
        .append("       switchman [-c PATH] --abort NAME [--reason TEXT]\n\n");
    wrap(
        sb,
        "",
        "Runs CMD under a distributed lock (and leases of shared resources) on ZooKeeper, as"
            + " switchman 1.16: when the lock is held elsewhere, the job is skipped. The command"
            + " runs in its own process group and is stopped (SIGTERM, then SIGKILL) before anyone"
            + " else can be granted the lock when the lock or a lease may be lost. Options are read"
            + " as switchman 1.16 reads them (Getopt::Long): one or two dashes, unique"
            + " abbreviations, any case, also after CMD; '--' ends them.");
    sb.append('\n');
    for (Option o : OPTIONS) {
      if (o.hidden()) {
        continue;
      }
      String shortName = o.names().size() > 1 ? "-" + o.names().get(0) + ", " : "    ";
      String longName =
          o.kind() == Kind.NEGATABLE
              ? "--[no-]" + o.names().get(o.names().size() - 1)
              : o.longName() + o.valueHint();
      String head = "  " + shortName + longName;
      if (head.length() > 26) {
        sb.append(head).append('\n').append(" ".repeat(27));
        wrap(sb, " ".repeat(27), o.description(), 27);
      } else {
        sb.append(head).append(" ".repeat(27 - head.length()));
        wrap(sb, " ".repeat(27), o.description(), 27);
      }
    }
    sb.append(
        """

        Exit codes:
          0      the command exited 0, or the job was skipped with the default --busy-exit-code;
                 --pause, --resume, --abort: done
          B      (--busy-exit-code B) the job was skipped: lock held or paused, host not in the
                 group, same lock name already queued for a resource, or --wait ran out
          N      the command's own exit code
          128+N  the command was killed by signal N
          64     usage error: bad option, lock name, lease expression, duration or reason
          65     --pause, --resume: refused, a running job holds the lock (the message names it)
          66     --resume, --abort: refused, the lock is not paused / no job holds it
          67     --pause, --abort: refused, the lock is paused already (the message says by whom)
          69     ZooKeeper unreachable; nothing was run
          75     the command was stopped because the lock or a lease was lost
          78     config file error: missing file, invalid JSON, missing or invalid key
          126    the command is not executable; 127: it was not found (as sh reports it)
          255    other errors: unknown resource or group, totals mismatch, invalid cluster data,
                 lease wait timeout

        Environment of the command: SWITCHMAN_LOCKNAME, SWITCHMAN_FENCING_TOKEN.
        Config file keys (JSON): zkhosts and prefix (required), loglevel, logfile,
          resources_wait_timeout, termination_timeout, data_read_len, session_timeout, auth, fqdn.
        Documentation: docs/cli.md.
        """);
    out.print(sb);
  }

  private static void wrap(StringBuilder sb, String indent, String text) {
    wrap(sb, indent, text, indent.length());
  }

  /** Appends {@code text} wrapped at 100 columns; the first line starts at column {@code at}. */
  private static void wrap(StringBuilder sb, String indent, String text, int at) {
    int column = at;
    boolean lineStart = true;
    for (String word : text.split(" ")) {
      if (!lineStart && column + 1 + word.length() > 100) {
        sb.append('\n').append(indent);
        column = indent.length();
        lineStart = true;
      }
      if (!lineStart) {
        sb.append(' ');
        column++;
      }
      sb.append(word);
      column += word.length();
      lineStart = false;
    }
    sb.append('\n');
  }
}
