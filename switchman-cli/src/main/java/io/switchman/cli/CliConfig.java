/*
 * Copyright 2026 the switchman authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package io.switchman.cli;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.switchman.core.SwitchmanException;
import io.switchman.core.internal.ConnectStrings;
import io.switchman.core.internal.Durations;
import io.switchman.core.internal.Names;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * switchman's JSON config file ({@code /etc/switchman.conf}): the keys of switchman 1.16 plus
 * {@code session_timeout}, {@code auth} and {@code fqdn}. Unknown keys are reported as warnings,
 * never fatal.
 *
 * @param zkhosts the ZooKeeper connect string
 * @param prefix the root znode
 * @param logLevel the log level
 * @param logFile the file log lines are appended to, or null
 * @param resourcesWaitTimeout how long to wait for leases; zero for no limit
 * @param terminationTimeout time between SIGTERM and SIGKILL when the command must stop
 * @param terminationTimeoutSet whether the config file sets {@code termination_timeout}
 * @param dataReadLen switchman's read limit for the prefix znode (accepted, see the docs)
 * @param sessionTimeoutMs the session timeout asked of ZooKeeper
 * @param auth digest credentials {@code user:password}, or null
 * @param fqdn this host's name for groups and node data, or null for the canonical host name
 * @param warnings what was wrong but not fatal (unknown keys)
 */
record CliConfig(
    String zkhosts,
    String prefix,
    CliLog.Level logLevel,
    @Nullable Path logFile,
    Duration resourcesWaitTimeout,
    Duration terminationTimeout,
    boolean terminationTimeoutSet,
    long dataReadLen,
    int sessionTimeoutMs,
    @Nullable String auth,
    @Nullable String fqdn,
    List<String> warnings) {

  static final Set<String> KEYS =
      Set.of(
          "zkhosts",
          "prefix",
          "loglevel",
          "logfile",
          "resources_wait_timeout",
          "termination_timeout",
          "data_read_len",
          "session_timeout",
          "auth",
          "fqdn");

  /**
   * The largest config file read, in bytes: more is a config error (read at most one byte more).
   */
  static final int MAX_SIZE = 1024 * 1024;

  /** The longest session timeout accepted, in ms (the server clamps it to 20 ticks anyway). */
  static final long MAX_SESSION_TIMEOUT_MS = 24L * 3600 * 1000;

  /**
   * JSON, plus comments ({@code //}, {@code #} and block comments) and trailing commas, so that the
   * packaged {@code /etc/switchman.conf} can document every key and be edited by uncommenting; one
   * object and nothing after it ({@code {...} xyz} is refused). Made on first use: a config of
   * plain values is read by {@link #flatObject} with jackson-core alone.
   */
  private static final class Full {
    static final ObjectMapper READER =
        JsonMapper.builder()
            .enable(JsonReadFeature.ALLOW_JAVA_COMMENTS)
            .enable(JsonReadFeature.ALLOW_YAML_COMMENTS)
            .enable(JsonReadFeature.ALLOW_TRAILING_COMMA)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();
  }

  /** The same syntax as {@link Full#READER}, for the streaming parser. */
  private static final JsonFactory FLAT =
      JsonFactory.builder()
          .enable(JsonReadFeature.ALLOW_JAVA_COMMENTS)
          .enable(JsonReadFeature.ALLOW_YAML_COMMENTS)
          .enable(JsonReadFeature.ALLOW_TRAILING_COMMA)
          .build();

  /** A config file problem; the message names the file, the key and the value. */
  static final class ConfigException extends Exception {
    private static final long serialVersionUID = 1L;

    ConfigException(String message) {
      super(message);
    }
  }

  static CliConfig load(Path path) throws ConfigException {
    byte[] bytes;
    try (InputStream in = Files.newInputStream(path)) {
      bytes = in.readNBytes(MAX_SIZE + 1);
      if (bytes.length > MAX_SIZE) {
        throw new ConfigException(
            "Config file " + path + " is larger than " + MAX_SIZE + " bytes: not a config file?");
      }
    } catch (NoSuchFileException e) {
      throw new ConfigException("Config file " + path + " does not exist (use -c PATH)");
    } catch (IOException e) {
      throw new ConfigException("Cannot read config file " + path + ": " + e);
    }
    JsonNode root = flatObject(bytes);
    try {
      if (root == null) {
        root = fullTree(bytes);
      }
    } catch (JsonProcessingException e) {
      throw new ConfigException(
          "Config file "
              + path
              + " is not valid JSON: "
              + Names.printable(firstLine(e.getOriginalMessage())));
    } catch (IOException e) {
      throw new ConfigException("Cannot read config file " + path + ": " + e);
    }
    if (root == null || !root.isObject()) {
      throw new ConfigException("Config file " + path + " must hold a JSON object");
    }
    return parse(path, root);
  }

  /**
   * The tree {@link Full#READER} would read, when {@code bytes} hold one object whose values are
   * all strings, booleans, nulls, integers of at most 64 bits or floating-point numbers, and
   * nothing after it (the usual config file), read with jackson-core's streaming parser alone: the
   * object mapper costs about 20 ms of CPU to make (issue 16). The same node types, the last of
   * duplicate keys winning at the first one's place. Otherwise (nested values, invalid JSON,
   * anything else) null: the caller reads it with {@link Full#READER}, whose errors it reports.
   */
  static @Nullable ObjectNode flatObject(byte[] bytes) {
    JsonNodeFactory nodes = JsonNodeFactory.instance;
    try (JsonParser p = FLAT.createParser(bytes)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        return null;
      }
      ObjectNode root = nodes.objectNode();
      for (JsonToken t = p.nextToken(); t != JsonToken.END_OBJECT; t = p.nextToken()) {
        if (t != JsonToken.FIELD_NAME) {
          return null;
        }
        String key = p.currentName();
        JsonToken v = p.nextToken();
        JsonNode value;
        if (v == null) {
          return null;
        }
        switch (v) {
          case VALUE_STRING -> value = nodes.textNode(p.getText());
          case VALUE_TRUE -> value = nodes.booleanNode(true);
          case VALUE_FALSE -> value = nodes.booleanNode(false);
          case VALUE_NULL -> value = nodes.nullNode();
          case VALUE_NUMBER_INT -> {
            JsonParser.NumberType nt = p.getNumberType();
            if (nt == JsonParser.NumberType.INT) {
              value = nodes.numberNode(p.getIntValue());
            } else if (nt == JsonParser.NumberType.LONG) {
              value = nodes.numberNode(p.getLongValue());
            } else {
              return null;
            }
          }
          case VALUE_NUMBER_FLOAT -> {
            double d = p.getDoubleValue();
            if (!Double.isFinite(d)) {
              return null;
            }
            value = nodes.numberNode(d);
          }
          default -> {
            return null;
          }
        }
        root.replace(key, value);
      }
      return p.nextToken() == null ? root : null;
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  /** The tree of {@code bytes} as the object mapper reads it (null or missing when empty). */
  static @Nullable JsonNode fullTree(byte[] bytes) throws IOException {
    return Full.READER.readTree(bytes);
  }

  private static CliConfig parse(Path path, JsonNode root) throws ConfigException {
    List<String> warnings = new ArrayList<>();
    for (Map.Entry<String, JsonNode> e : root.properties()) {
      if (!KEYS.contains(e.getKey())) {
        warnings.add(
            "Unknown key '"
                + e.getKey()
                + "' in config file "
                + path
                + " ignored; known keys: "
                + String.join(", ", KEYS.stream().sorted().toList()));
      }
    }
    Reader r = new Reader(path, root);
    String zkhosts = r.requiredString("zkhosts", "a ZooKeeper connect string such as zk1:2181");
    if (zkhosts.contains("://")) {
      throw r.bad(
          "zkhosts", zkhosts, ConnectStrings.RULE + " (no scheme such as http:// is allowed)");
    }
    int chroot = zkhosts.indexOf('/');
    if (chroot >= 0) {
      // switchman 1.16 refuses a chroot too; the same nodes are reached with the path in prefix
      String chrootPath = zkhosts.substring(chroot).replaceAll("/+$", "");
      throw r.bad(
          "zkhosts",
          zkhosts,
          "host:port pairs without a chroot ('"
              + zkhosts.substring(chroot)
              + "' is not supported, as in switchman 1.16): write zkhosts '"
              + zkhosts.substring(0, chroot)
              + "' and put the path into prefix ('"
              + chrootPath
              + "/...')");
    }
    String badHost = ConnectStrings.problem(zkhosts);
    if (badHost != null) {
      throw r.bad("zkhosts", zkhosts, ConnectStrings.RULE + " (" + badHost + ")");
    }
    String prefix = r.requiredString("prefix", "the root znode such as /switchman");
    try {
      Names.checkPrefix(prefix);
    } catch (SwitchmanException e) {
      throw new ConfigException(e.getMessage() + " (prefix in config file " + path + ")");
    }
    String levelName = r.optionalString("loglevel");
    CliLog.Level level = CliLog.Level.INFO;
    if (levelName != null) {
      CliLog.Level parsed = CliLog.parse(levelName);
      if (parsed == null) {
        throw r.bad(
            "loglevel",
            levelName,
            "debug, info, notice, warning, error, critical, alert or emergency, or their"
                + " Log::Dispatch numbers 0 to 7");
      }
      level = parsed;
    }
    String logFile = r.optionalString("logfile");
    Duration wait = r.seconds("resources_wait_timeout", Duration.ZERO);
    Duration termination = r.seconds("termination_timeout", Duration.ofSeconds(10));
    long dataReadLen = r.integer("data_read_len", 65535, 0, Integer.MAX_VALUE);
    int sessionTimeout = (int) r.integer("session_timeout", 10000, 100, MAX_SESSION_TIMEOUT_MS);
    String auth = r.optionalString("auth");
    if (auth != null) {
      if (auth.startsWith("digest:")) {
        auth = auth.substring("digest:".length());
      }
      if (auth.indexOf(':') <= 0) {
        throw new ConfigException(
            "Invalid auth in config file "
                + path
                + ": expected digest credentials 'user:password' (or 'digest:user:password')");
      }
    }
    String fqdn = r.optionalString("fqdn");
    if (fqdn != null && !fqdn.isEmpty()) {
      try {
        Names.checkHostName("fqdn", fqdn);
      } catch (SwitchmanException e) {
        throw new ConfigException(e.getMessage() + " (in config file " + path + ")");
      }
    }
    Path log = null;
    if (logFile != null && !logFile.isBlank()) {
      try {
        log = Path.of(logFile);
      } catch (InvalidPathException e) {
        throw r.bad("logfile", logFile, "a file path (" + e.getReason() + ")");
      }
    }
    return new CliConfig(
        zkhosts,
        prefix,
        level,
        log,
        wait,
        termination,
        root.hasNonNull("termination_timeout"),
        dataReadLen,
        sessionTimeout,
        auth,
        fqdn == null || fqdn.isBlank() ? null : fqdn,
        List.copyOf(warnings));
  }

  /** The longest wait for a connection to ZooKeeper, whatever the session timeout: 30 s. */
  static final int MAX_CONNECT_WAIT_MS = 30_000;

  /**
   * How long to wait for a connection (at start, and when it drops while a request is served): the
   * session timeout, at most {@value #MAX_CONNECT_WAIT_MS} ms, so that a dead ensemble cannot hold
   * a cron slot for as long as a large {@code session_timeout}.
   */
  int connectWaitMs() {
    return Math.min(sessionTimeoutMs, MAX_CONNECT_WAIT_MS);
  }

  private static String firstLine(@Nullable String s) {
    if (s == null) {
      return "";
    }
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }

  /** Typed access to the keys, with error messages naming file, key and value. */
  private record Reader(Path path, JsonNode root) {

    ConfigException bad(String key, String value, String allowed) {
      return new ConfigException(
          "Invalid "
              + key
              + " '"
              + Names.printable(value)
              + "' in config file "
              + path
              + ": expected "
              + allowed);
    }

    String requiredString(String key, String what) throws ConfigException {
      String v = optionalString(key);
      if (v == null || v.isBlank()) {
        throw new ConfigException(
            "Missing required key '" + key + "' in config file " + path + ": give " + what);
      }
      return v;
    }

    @Nullable String optionalString(String key) throws ConfigException {
      JsonNode n = root.get(key);
      if (n == null || n.isNull()) {
        return null;
      }
      if (!n.isValueNode() || n.isBoolean()) {
        throw bad(key, n.toString(), "a string");
      }
      return n.asText();
    }

    /** A number of seconds (decimals allowed), a numeric string, or a duration such as 500ms. */
    Duration seconds(String key, Duration dflt) throws ConfigException {
      JsonNode n = root.get(key);
      if (n == null || n.isNull()) {
        return dflt;
      }
      String text = n.asText().trim();
      String allowed = "a number of seconds (such as 10 or 0.5) or a duration such as 500ms";
      if (!n.isNumber() && !n.isTextual()) {
        throw bad(key, n.toString(), allowed);
      }
      try {
        BigDecimal s = new BigDecimal(text);
        if (s.signum() < 0) {
          throw bad(key, text, allowed + ", not negative");
        }
        if (!text.chars().allMatch(c -> (c >= '0' && c <= '9') || c == '.')) {
          throw new NumberFormatException("not plain ASCII digits");
        }
        if (s.compareTo(BigDecimal.valueOf(Durations.MAX.toSeconds())) > 0) {
          throw bad(key, text, allowed + ", at most " + Durations.MAX_TEXT);
        }
        return Duration.ofMillis(s.movePointRight(3).longValueExact());
      } catch (NumberFormatException | ArithmeticException e) {
        Duration d;
        try {
          d = Durations.parse(key, text);
        } catch (SwitchmanException e2) {
          throw bad(key, text, allowed + ", at most " + Durations.MAX_TEXT);
        }
        return d;
      }
    }

    long integer(String key, long dflt, long min, long max) throws ConfigException {
      JsonNode n = root.get(key);
      if (n == null || n.isNull()) {
        return dflt;
      }
      String text = n.asText().trim();
      String allowed = "an integer from " + min + " to " + max;
      try {
        if (!text.matches("-?[0-9]{1,18}")) {
          throw new NumberFormatException("not ASCII digits");
        }
        long v = Long.parseLong(text);
        if (v < min || v > max || !(n.isIntegralNumber() || n.isTextual())) {
          throw bad(key, text, allowed);
        }
        return v;
      } catch (NumberFormatException e) {
        throw bad(key, text, allowed);
      }
    }
  }
}
