/*
 * Copyright 2026 the switchman authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package io.switchman.verification;

import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * A store guarded by fencing, as a real database would be: a write carries the fencing token of the
 * grant its job holds, and is rejected when the store already accepted a higher token for the same
 * key (the lock name). Equal tokens are accepted: they are the same grant writing again.
 *
 * <p>The store is a directory shared by every process of a run: {@code state.properties} holds the
 * highest accepted token per key, {@code store.log} every write with its verdict (a history the
 * checker reads), and {@code store.lock} serializes writers across processes with an OS file lock
 * (released by the kernel when a writer is killed). The state is replaced atomically, so a {@code
 * kill -9} in the middle of a write never corrupts it. Thread-safe.
 */
public final class FencedStore {

  private static final ExecutorService WRITER =
      Executors.newSingleThreadExecutor(
          r -> {
            Thread t = new Thread(r, "fenced-store-writer");
            t.setDaemon(true);
            return t;
          });

  private final Path dir;
  private final Path state;
  private final Path lockFile;
  private final Path log;

  /** A store in {@code dir} (created if missing). */
  public FencedStore(Path dir) throws IOException {
    this.dir = Files.createDirectories(dir);
    this.state = dir.resolve("state.properties");
    this.lockFile = dir.resolve("store.lock");
    this.log = dir.resolve("store.log");
  }

  /** The log of every write, one {@link HistoryEvent} per line. */
  public Path log() {
    return log;
  }

  /**
   * Writes on behalf of {@code run} holding fencing token {@code token} for {@code key}.
   *
   * @return whether the store accepted the write
   */
  public boolean write(String key, long token, String run) throws IOException {
    // File channels abort when their thread is interrupted (as a job is, when told to stop), so
    // the write runs on the store's own thread and always completes, verdict and log line alike.
    // A JVM may hold one OS lock on a file at a time: that thread also serializes this process.
    Future<Boolean> f = WRITER.submit(() -> writeLocked(key, token, run));
    boolean interrupted = false;
    try {
      while (true) {
        try {
          return f.get();
        } catch (InterruptedException e) {
          interrupted = true;
        } catch (ExecutionException e) {
          if (e.getCause() instanceof IOException io) {
            throw io;
          }
          throw new IllegalStateException(e.getCause());
        }
      }
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private boolean writeLocked(String key, long token, String run) throws IOException {
    try (FileChannel ch =
            FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock ignored = ch.lock()) {
      Properties p = load();
      String was = p.getProperty(key);
      long highest = was == null ? Long.MIN_VALUE : Long.parseLong(was);
      boolean accepted = token >= highest;
      if (accepted && token != highest) {
        p.setProperty(key, Long.toString(token));
        Path tmp = dir.resolve("state.properties.tmp");
        try (OutputStream out = Files.newOutputStream(tmp)) {
          p.store(out, null);
        }
        Files.move(tmp, state, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      }
      HistoryEvent e =
          HistoryEvent.of(
              HistoryClock.nowMicros(),
              "store",
              "write",
              "key",
              key,
              "token",
              token,
              "run",
              run,
              "accepted",
              accepted);
      try (OutputStream out = new FileOutputStream(log.toFile(), true)) {
        out.write((e.format() + "\n").getBytes(StandardCharsets.UTF_8));
      }
      return accepted;
    }
  }

  /** The highest token accepted for {@code key}, or {@link Long#MIN_VALUE} if none. */
  public long highest(String key) throws IOException {
    String v = load().getProperty(key);
    return v == null ? Long.MIN_VALUE : Long.parseLong(v);
  }

  private Properties load() throws IOException {
    Properties p = new Properties();
    if (Files.exists(state)) {
      try (var in = Files.newInputStream(state)) {
        p.load(in);
      }
    }
    return p;
  }
}
