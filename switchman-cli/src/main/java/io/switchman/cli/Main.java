/*
 * Copyright 2026 the switchman authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package io.switchman.cli;

import io.switchman.core.ClusterData;
import io.switchman.core.SwitchmanEngine;
import io.switchman.core.SwitchmanException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * {@code switchman [OPTIONS] [--] CMD [ARGS]}: parses the command line and the config file,
 * connects to ZooKeeper and hands over to {@link JobRunner}, or prints the status, or writes the
 * cluster data.
 */
public final class Main {

  private Main() {}

  public static void main(String[] args) {
    if (args.length > 0 && !args[0].startsWith("-h") && !args[0].startsWith("--h")) {
      ZkConnection.warmUp();
    }
    int code;
    try {
      code = run(args);
    } catch (RuntimeException | Error e) {
      CliLog.error("Internal error: " + e);
      e.printStackTrace();
      code = ExitCodes.ERROR;
    }
    CliLog.timing("exiting");
    CliLog.close();
    System.out.flush();
    System.exit(code);
  }

  /** Runs the tool and returns its exit code. */
  static int run(String[] args) {
    SwitchmanCli o;
    int busyExitCode;
    try {
      o = SwitchmanCli.parse(args);
      busyExitCode = o.busyExitCode();
    } catch (GetoptArgs.UsageException e) {
      return usage(e.getMessage());
    }
    if (o.help) {
      SwitchmanCli.usage(System.out);
      return ExitCodes.OK;
    }
    if (o.version) {
      System.out.println(SwitchmanCli.VERSION);
      return ExitCodes.OK;
    }
    if (o.cdsTraining) {
      return CdsTraining.run();
    }
    List<String> actions = new ArrayList<>();
    if (o.status) {
      actions.add("--status");
    }
    if (o.writeClusterData != null) {
      actions.add("--write-cluster-data");
    }
    if (o.pause != null) {
      actions.add("--pause");
    }
    if (o.resume != null) {
      actions.add("--resume");
    }
    if (o.abort != null && o.pause == null) {
      actions.add("--abort");
    }
    if (actions.size() > 1) {
      return usage(String.join(" and ", actions) + " cannot be used together");
    }
    boolean job = actions.isEmpty();
    if (!job && !o.command.isEmpty()) {
      return usage(
          actions.get(0) + " takes no command, found '" + String.join(" ", o.command) + "'");
    }
    OperatorAction action = null;
    if (o.pause != null || o.resume != null || o.abort != null) {
      try {
        action = OperatorAction.of(o);
      } catch (GetoptArgs.UsageException | SwitchmanException e) {
        return usage(e.getMessage());
      }
    } else if (o.reason != null) {
      return usage("--reason only applies to --pause and --abort");
    }
    if (o.json && !o.status) {
      return usage("--json only applies to --status");
    }
    JobSpec spec = null;
    if (job) {
      if (o.command.isEmpty()) {
        return usage("No command given: switchman [OPTIONS] [--] CMD [ARGS]");
      }
      try {
        spec = JobSpec.of(o);
      } catch (SwitchmanException e) {
        return usage(e.getMessage());
      }
    }
    CliConfig cfg;
    try {
      cfg = CliConfig.load(Path.of(o.config));
    } catch (CliConfig.ConfigException e) {
      CliLog.error(e.getMessage());
      return ExitCodes.CONFIG;
    }
    CliLog.setLevel(cfg.logLevel());
    if (cfg.logFile() != null) {
      try {
        CliLog.openFile(cfg.logFile());
      } catch (IOException | RuntimeException e) {
        CliLog.error(
            "Cannot append to logfile " + cfg.logFile() + " (config " + o.config + "): " + e);
        return ExitCodes.CONFIG;
      }
    }
    cfg.warnings().forEach(CliLog::setupWarning);
    CliLog.timing("config read");
    if (action != null) {
      return action.run(cfg);
    }
    if (job) {
      return JobRunner.run(cfg, spec, busyExitCode);
    }
    byte[] clusterData = null;
    if (o.writeClusterData != null) {
      try {
        clusterData =
            o.writeClusterData.equals("-")
                ? System.in.readAllBytes()
                : Files.readAllBytes(Path.of(o.writeClusterData));
      } catch (IOException e) {
        return usage("Cannot read cluster data from " + o.writeClusterData + ": " + e);
      }
    }
    return admin(cfg, o, clusterData);
  }

  static int usage(String message) {
    CliLog.error(message + " (see switchman --help)");
    return ExitCodes.USAGE;
  }

  /** --status or --write-cluster-data. */
  private static int admin(CliConfig cfg, SwitchmanCli o, byte @Nullable [] clusterData) {
    ZkConnection c;
    try {
      c = ZkConnection.open(cfg);
    } catch (ZkConnection.Failure f) {
      return f.exitCode();
    }
    try (c) {
      SwitchmanEngine engine = c.engine(Duration.ofSeconds(1));
      if (clusterData != null) {
        ClusterData data;
        try {
          data =
              ClusterData.parse("file " + o.writeClusterData, clusterData).validate(engine.host());
        } catch (SwitchmanException e) {
          return usage(e.getMessage());
        }
        engine.writeClusterData(data);
        CliLog.info(
            "Wrote cluster data to znode "
                + cfg.prefix()
                + ": "
                + new String(data.toJson(), StandardCharsets.UTF_8));
        System.out.println("Cluster data written to znode " + cfg.prefix());
      } else {
        StatusPrinter.print(engine.status(), o.json, System.out);
      }
      return ExitCodes.OK;
    } catch (SwitchmanException e) {
      CliLog.error(e.getMessage());
      return exitCodeOf(e);
    } catch (ZkConnection.Failure f) {
      return f.exitCode();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      CliLog.error("Interrupted");
      return ExitCodes.ERROR;
    }
  }

  static int exitCodeOf(SwitchmanException e) {
    return switch (e.kind()) {
      case INVALID_ARGUMENT -> ExitCodes.USAGE;
      case UNAVAILABLE -> ExitCodes.UNAVAILABLE;
      case LOCK_HELD -> ExitCodes.LOCK_HELD;
      case LOCK_FREE -> ExitCodes.LOCK_FREE;
      case LOCK_PAUSED -> ExitCodes.LOCK_PAUSED;
      default -> ExitCodes.ERROR;
    };
  }
}
