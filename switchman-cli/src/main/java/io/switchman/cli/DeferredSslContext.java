/*
 * Copyright 2026 the switchman authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package io.switchman.cli;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.security.KeyManagementException;
import java.security.NoSuchAlgorithmException;
import java.security.Provider;
import java.security.SecureRandom;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLContextSpi;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocketFactory;
import javax.net.ssl.SSLSessionContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;
import org.jspecify.annotations.Nullable;

/**
 * The JVM's default {@link SSLContext}, made only when something uses it for TLS (issue 16).
 *
 * <p>The ZooKeeper client's {@code X509Util}, in its static initializer (which every {@code
 * ZKClientConfig} runs), asks the default context for its supported protocols and the default
 * {@code SSLServerSocketFactory} for its supported cipher suites, only to choose the defaults of
 * {@code zookeeper.ssl.protocol} and {@code zookeeper.ssl.ciphersuites}, which only TLS connections
 * use. The JDK's default context initializes all of JSSE for those answers: every security
 * provider, the cipher suites and the trust store (the JDK's {@code cacerts}, about 140
 * certificates parsed): about 90 ms of CPU per run, a third of a {@code switchman --lockname x --
 * true}. The CLI makes no TLS connection: its config has no TLS key, and the ZooKeeper client talks
 * TLS only when {@code zookeeper.client.secure=true} is given (with {@code SWITCHMAN_JAVA_OPTS}),
 * and even then it builds a context of its own.
 *
 * <p>{@link #install}, unless {@code zookeeper.client.secure} is {@code true}, makes the default a
 * context that answers those two questions without JSSE (the protocols of the JDK's JSSE; no cipher
 * suites: the ZooKeeper client's default cipher list, unused without TLS, is then empty), and that
 * makes the JDK's default context ({@code SSLContext.getInstance("Default")}) on the first real use
 * (a socket, an engine, a session, the default parameters) and delegates it: whatever uses the
 * default context for TLS gets the JDK's.
 */
final class DeferredSslContext extends SSLContextSpi {

  /**
   * The protocols of the JDK's JSSE (SunJSSE, Java 11 and newer), as its default context lists
   * them.
   */
  private static final String[] PROTOCOLS = {
    "TLSv1.3", "TLSv1.2", "TLSv1.1", "TLSv1", "SSLv3", "SSLv2Hello"
  };

  private static volatile boolean installed;

  private @Nullable SSLContext real;

  private DeferredSslContext() {}

  /**
   * Makes the deferred context the JVM's default, unless TLS to ZooKeeper is on; call before the
   * ZooKeeper client's classes are used. Idempotent.
   */
  static synchronized void install() {
    if (installed || Boolean.parseBoolean(System.getProperty("zookeeper.client.secure"))) {
      return;
    }
    installed = true;
    try {
      SSLContext.setDefault(context());
    } catch (RuntimeException e) {
      // a security manager refused: the JDK's default stays, only slower
    }
  }

  /** A new deferred context (install makes one the default). */
  static SSLContext context() {
    return new SSLContext(
        new DeferredSslContext(),
        new Provider("switchman", "1", "the JVM's default SSLContext, made on first use") {
          private static final long serialVersionUID = 1L;
        },
        "Default") {};
  }

  private synchronized SSLContext real() {
    SSLContext r = real;
    if (r == null) {
      try {
        r = SSLContext.getInstance("Default");
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException("The JVM has no default SSLContext: " + e.getMessage(), e);
      }
      real = r;
    }
    return r;
  }

  @Override
  protected void engineInit(
      KeyManager @Nullable [] km, TrustManager @Nullable [] tm, @Nullable SecureRandom random)
      throws KeyManagementException {
    // The default context cannot be initialized: as the JDK's, it says so.
    throw new KeyManagementException("Default SSLContext is initialized automatically");
  }

  @Override
  protected SSLSocketFactory engineGetSocketFactory() {
    return real().getSocketFactory();
  }

  @Override
  protected SSLServerSocketFactory engineGetServerSocketFactory() {
    return new ServerSockets();
  }

  @Override
  protected SSLEngine engineCreateSSLEngine() {
    return real().createSSLEngine();
  }

  @Override
  protected SSLEngine engineCreateSSLEngine(String host, int port) {
    return real().createSSLEngine(host, port);
  }

  @Override
  protected SSLSessionContext engineGetServerSessionContext() {
    return real().getServerSessionContext();
  }

  @Override
  protected SSLSessionContext engineGetClientSessionContext() {
    return real().getClientSessionContext();
  }

  @Override
  protected SSLParameters engineGetDefaultSSLParameters() {
    return real().getDefaultSSLParameters();
  }

  @Override
  protected SSLParameters engineGetSupportedSSLParameters() {
    return new SSLParameters(new String[0], PROTOCOLS.clone());
  }

  /** The server sockets of the JDK's default context, made on the first socket. */
  private final class ServerSockets extends SSLServerSocketFactory {

    @Override
    public String[] getDefaultCipherSuites() {
      return new String[0];
    }

    @Override
    public String[] getSupportedCipherSuites() {
      return new String[0];
    }

    @Override
    public ServerSocket createServerSocket() throws IOException {
      return real().getServerSocketFactory().createServerSocket();
    }

    @Override
    public ServerSocket createServerSocket(int port) throws IOException {
      return real().getServerSocketFactory().createServerSocket(port);
    }

    @Override
    public ServerSocket createServerSocket(int port, int backlog) throws IOException {
      return real().getServerSocketFactory().createServerSocket(port, backlog);
    }

    @Override
    public ServerSocket createServerSocket(int port, int backlog, InetAddress address)
        throws IOException {
      return real().getServerSocketFactory().createServerSocket(port, backlog, address);
    }
  }
}
