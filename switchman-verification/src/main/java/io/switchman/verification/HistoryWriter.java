/*
 * Copyright 2026 the switchman authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package io.switchman.verification;

import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Appends events to one history file, one line each, written through to the kernel at once so that
 * a {@code kill -9} loses nothing already stamped. Thread-safe.
 */
public final class HistoryWriter implements AutoCloseable {

  private final String source;
  private final OutputStream out;

  /** Appends to {@code file} (created with its directories) as {@code source}. */
  public HistoryWriter(Path file, String source) throws IOException {
    this.source = source;
    Path parent = file.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    this.out = new FileOutputStream(file.toFile(), true);
  }

  /** The source name written on every line. */
  public String source() {
    return source;
  }

  /** Stamps and appends an event; {@code kv} alternates keys and values. Returns it. */
  public HistoryEvent append(String type, Object... kv) {
    synchronized (this) {
      HistoryEvent e = HistoryEvent.of(HistoryClock.nowMicros(), source, type, kv);
      write(e);
      return e;
    }
  }

  /** Appends an event as given. */
  public synchronized void write(HistoryEvent e) {
    try {
      out.write((e.format() + "\n").getBytes(StandardCharsets.UTF_8));
      out.flush();
    } catch (IOException ex) {
      throw new UncheckedIOException("Cannot append to the history of " + source, ex);
    }
  }

  @Override
  public synchronized void close() throws IOException {
    out.close();
  }
}
