/*
 * Copyright 2026 the switchman authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package io.switchman.spring.boot.autoconfigure;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Properties;
import java.util.stream.Stream;
import org.apache.zookeeper.server.embedded.ExitHandler;
import org.apache.zookeeper.server.embedded.ZooKeeperServerEmbedded;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.util.ClassUtils;

/**
 * An in-process standalone ZooKeeper server ({@link ZooKeeperServerEmbedded} of the zookeeper jar),
 * started before the client when {@code switchman.embedded.enabled=true}: for local development,
 * demos and single-node installs. It has no replicas: when this process stops, the locks and leases
 * of every host using it are gone, and its data survives only in a configured data directory.
 */
public final class SwitchmanEmbeddedZooKeeper implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(SwitchmanEmbeddedZooKeeper.class);
  private static final long STARTUP_TIMEOUT_MS = 30_000;

  private final ZooKeeperServerEmbedded server;
  private final Path dataDir;
  private final boolean temporary;
  private final int port;

  private SwitchmanEmbeddedZooKeeper(
      ZooKeeperServerEmbedded server, Path dataDir, boolean temporary, int port) {
    this.server = server;
    this.dataDir = dataDir;
    this.temporary = temporary;
    this.port = port;
  }

  /**
   * Starts a server.
   *
   * @param port the client port, 0 for a free one
   * @param dataDir where to keep its data, or null for a temporary directory deleted on close
   */
  public static SwitchmanEmbeddedZooKeeper start(int port, @Nullable String dataDir) {
    if (port < 0 || port > 65535) {
      throw new SwitchmanConfigurationException(
          "Invalid switchman.embedded.port " + port + ": expected 0 (any free port) to 65535",
          "Fix the switchman.* property named above.");
    }
    requireClass("com.codahale.metrics.Reservoir", "io.dropwizard.metrics:metrics-core");
    requireClass("org.xerial.snappy.SnappyInputStream", "org.xerial.snappy:snappy-java");
    if (port != 0) {
      checkFree(port);
    }
    try {
      boolean temporary = dataDir == null || dataDir.isBlank();
      Path dir =
          temporary
              ? Files.createTempDirectory("switchman-zookeeper")
              : Files.createDirectories(Path.of(dataDir).toAbsolutePath());
      int clientPort = port == 0 ? freePort() : port;
      Properties config = new Properties();
      config.setProperty("clientPort", Integer.toString(clientPort));
      config.setProperty("dataDir", dir.resolve("data").toString());
      config.setProperty("tickTime", "2000");
      config.setProperty("admin.enableServer", "false");
      ZooKeeperServerEmbedded server =
          ZooKeeperServerEmbedded.builder()
              .baseDir(dir)
              .configuration(config)
              .exitHandler(ExitHandler.LOG_ONLY)
              .build();
      server.start(STARTUP_TIMEOUT_MS);
      log.info(
          "Started embedded ZooKeeper on port {} with data in {}{}",
          clientPort,
          dir,
          temporary ? " (deleted on shutdown)" : "");
      return new SwitchmanEmbeddedZooKeeper(server, dir, temporary, clientPort);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot prepare the embedded ZooKeeper's data directory", e);
    } catch (Exception e) {
      throw new IllegalStateException(
          "Cannot start the embedded ZooKeeper on port "
              + port
              + " (switchman.embedded.port; 0 picks a free one): "
              + e.getMessage(),
          e);
    }
  }

  private static void requireClass(String className, String artifact) {
    if (!ClassUtils.isPresent(className, SwitchmanEmbeddedZooKeeper.class.getClassLoader())) {
      throw new IllegalStateException(
          "The embedded ZooKeeper needs "
              + artifact
              + " on the class path (the switchman starter brings it; was it excluded?)");
    }
  }

  private static void checkFree(int port) {
    try (ServerSocket s = new ServerSocket(port)) {
      s.setReuseAddress(true);
    } catch (IOException e) {
      throw new SwitchmanConfigurationException(
          "Cannot start the embedded ZooKeeper: port "
              + port
              + " is in use (is a ZooKeeper already running there?). Set switchman.embedded.port to"
              + " a free port (0 picks one), or connect to the running server with"
              + " switchman.embedded.enabled=false and switchman.connect-string",
          "Free the port, or set switchman.embedded.port.",
          e);
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  /** The client port. */
  public int port() {
    return port;
  }

  /** The connection string of the server, {@code 127.0.0.1:<port>}. */
  public String connectString() {
    return "127.0.0.1:" + port;
  }

  /** Where the server keeps its data. */
  public Path dataDir() {
    return dataDir;
  }

  /** Stops the server, and deletes a temporary data directory. */
  @Override
  public void close() {
    server.close();
    if (temporary) {
      try (Stream<Path> files = Files.walk(dataDir)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      } catch (IOException e) {
        log.debug("Could not delete {}", dataDir, e);
      }
    }
  }
}
