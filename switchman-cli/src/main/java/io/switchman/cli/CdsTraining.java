/*
 * Copyright 2026 the switchman authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package io.switchman.cli;

import picocli.CommandLine;

/**
 * {@code switchman --cds-training} (hidden): loads the classes of a typical run without needing a
 * ZooKeeper server, so that the launcher can dump a class-data sharing archive of them ({@code
 * -XX:ArchiveClassesAtExit}) at install time or on first use.
 */
final class CdsTraining {

  private CdsTraining() {}

  static int run(CommandLine cl) {
    return ExitCodes.OK;
  }
}
