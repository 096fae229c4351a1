/*
 * Copyright 2026 the switchman authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package io.switchman.cli;

import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** The command line of {@code switchman}: switchman 1.16's options plus the new ones. */
@Command(
    name = "switchman",
    sortOptions = false,
    usageHelpWidth = 100,
    customSynopsis = {
      "switchman [OPTIONS] [--] CMD [ARGS...]",
      "switchman [-c PATH] --status [--json]",
      "switchman [-c PATH] --write-cluster-data FILE|-"
    },
    description = {
      "Runs CMD under a distributed lock (and leases of shared resources) on ZooKeeper, as"
          + " switchman 1.16: when the lock is held elsewhere, the job is skipped. The command runs"
          + " in its own process group and is stopped (SIGTERM, then SIGKILL) before anyone else can"
          + " be granted the lock when the lock or a lease may be lost.",
      ""
    },
    footerHeading = "%nExit codes:%n",
    footer = {
      "  0      the command exited 0, or the job was skipped with the default --busy-exit-code",
      "  B      (--busy-exit-code B) the job was skipped: lock held, host not in the group, same",
      "         lock name already queued for a resource, or --wait ran out",
      "  N      the command's own exit code",
      "  128+N  the command was killed by signal N",
      "  64     usage error: bad option, lock name, lease expression or duration",
      "  69     ZooKeeper unreachable; nothing was run",
      "  75     the command was stopped because the lock or a lease was lost",
      "  78     config file error: missing file, invalid JSON, missing or invalid key",
      "  255    other errors: unknown resource or group, totals mismatch, invalid cluster data,",
      "         lease wait timeout",
      "",
      "Environment of the command: SWITCHMAN_LOCKNAME, SWITCHMAN_FENCING_TOKEN.",
      "Config file keys (JSON): zkhosts and prefix (required), loglevel, logfile,",
      "  resources_wait_timeout, termination_timeout, data_read_len, session_timeout, auth, fqdn.",
      "Documentation: docs/cli.md."
    })
final class SwitchmanCli {

  static final String VERSION = "switchman 0.1.0 (Java, compatible with switchman 1.16)";

  @Option(
      names = {"-c", "--config"},
      paramLabel = "PATH",
      defaultValue = "/etc/switchman.conf",
      description = "JSON config file (default: ${DEFAULT-VALUE})")
  String config = "/etc/switchman.conf";

  @Option(
      names = {"-g", "--group"},
      paramLabel = "NAME",
      description = "run only if this host belongs to group NAME of the cluster data; else skip")
  @Nullable String group;

  @Option(
      names = "--lease",
      paramLabel = "RES=COUNT:TOTAL",
      description =
          "take COUNT units of resource RES whose capacity is TOTAL (repeatable); macros FQDN,"
              + " CPU, MEMMB; COUNT and TOTAL are integer expressions")
  List<String> leases = new ArrayList<>();

  @Option(
      names = "--lockname",
      paramLabel = "NAME",
      description = "lock name (default: basename of CMD); no '/', at most 512 characters")
  @Nullable String lockname;

  @Option(
      names = "--lock",
      negatable = true,
      defaultValue = "true",
      fallbackValue = "true",
      description = "take the exclusive lock (default); --no-lock takes only the leases")
  boolean lock = true;

  @Option(
      names = "--wait",
      paramLabel = "DURATION",
      description = "wait up to DURATION (10s, 5m, 1h) for a held lock instead of skipping")
  @Nullable String waitFor;

  @Option(
      names = "--busy-exit-code",
      paramLabel = "N",
      defaultValue = "0",
      description = "exit code of a skipped job (default: ${DEFAULT-VALUE}, as switchman)")
  int busyExitCode;

  @Option(
      names = "--status",
      description = "print every lock with holder and fencing token, queues and leases, and exit")
  boolean status;

  @Option(names = "--json", description = "with --status: print JSON")
  boolean json;

  @Option(
      names = "--write-cluster-data",
      paramLabel = "FILE|-",
      description =
          "validate the JSON cluster data (groups, resources, capacities) in FILE (- for standard"
              + " input) and write it into the prefix znode, creating it")
  @Nullable String writeClusterData;

  @Option(
      names = {"-h", "--help"},
      usageHelp = true,
      description = "print this help and exit")
  boolean help;

  @Option(
      names = {"-v", "--version"},
      versionHelp = true,
      description = "print the version and exit")
  boolean version;

  @Option(names = "--cds-training", hidden = true)
  boolean cdsTraining;

  @Parameters(paramLabel = "CMD", description = "the command and its arguments")
  List<String> command = new ArrayList<>();

  /**
   * Parses {@code args} as switchman 1.16 does (see {@link GetoptArgs}) into the options bound to
   * {@code cl}.
   */
  static void parse(CommandLine cl, String[] args) throws GetoptArgs.UsageException {
    cl.parseArgs(GetoptArgs.of(cl.getCommandSpec()).canonical(args).toArray(String[]::new));
  }

  static CommandLine commandLine(SwitchmanCli options) {
    CommandLine cl = new CommandLine(options);
    cl.setStopAtPositional(true);
    cl.setUnmatchedOptionsArePositionalParams(false);
    cl.setOverwrittenOptionsAllowed(true);
    cl.setTrimQuotes(false);
    return cl;
  }
}
