/*
 * Copyright 2026 the switchman authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package io.switchman.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The cheap paths of a run's start (issue 16) give what the full ones give: the config read with
 * jackson-core alone, and the deferred default SSLContext.
 */
class StartupPathTest {

  @TempDir Path dir;

  /** Flat configs: the streaming reader builds the tree the object mapper builds, node by node. */
  @Test
  void flatConfigIsReadAsTheObjectMapperReadsIt() throws Exception {
    List<String> flat =
        List.of(
            "{\"zkhosts\": \"zk1:2181\", \"prefix\": \"/switchman\"}",
            "{}",
            "  {\"a\": 1, \"b\": -0, \"c\": 2147483648, \"d\": -9223372036854775808}",
            "{\"a\": 0.5, \"b\": 1e3, \"c\": -1.25E-2, \"d\": 10.0, \"e\": 123456789012345678.9}",
            "{\"a\": true, \"b\": false, \"c\": null, \"d\": \"\", \"e\": \"\\u00e9\\n\\\"x\"}",
            "{\"a\": 1, \"b\": 2, \"a\": \"three\"}",
            "// comment\n{\n # yaml comment\n \"a\": 1, /* block */ \"b\": \"x\",\n}\n// end\n",
            "\uFEFF{\"a\": \"bom\"}",
            "{\"logfile\": \"/var/log/switchman.log\", \"termination_timeout\": \"500ms\","
                + " \"session_timeout\": 20000, \"loglevel\": \"debug\", \"data_read_len\": 65535}");
    for (String json : flat) {
      byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
      JsonNode fast = CliConfig.flatObject(bytes);
      JsonNode full = CliConfig.fullTree(bytes);
      assertThat(fast).as(json).isNotNull().isEqualTo(full);
      assertThat(fast.toString()).as(json).isEqualTo(full.toString());
      Iterator<Map.Entry<String, JsonNode>> f = fast.properties().iterator();
      for (Map.Entry<String, JsonNode> e : full.properties()) {
        Map.Entry<String, JsonNode> g = f.next();
        assertThat(g.getKey()).as(json).isEqualTo(e.getKey());
        assertThat(g.getValue().getClass())
            .as(json + " " + e.getKey())
            .isEqualTo(e.getValue().getClass());
        assertThat(g.getValue().asText())
            .as(json + " " + e.getKey())
            .isEqualTo(e.getValue().asText());
      }
      assertThat(f.hasNext()).isFalse();
    }
  }

  /** Anything else is left to the object mapper, whose errors the config reports. */
  @Test
  void anythingElseIsLeftToTheObjectMapper() throws Exception {
    List<String> other =
        List.of(
            "",
            "  ",
            "[1]",
            "\"x\"",
            "{\"a\": {\"b\": 1}}",
            "{\"a\": [1]}",
            "{\"a\": 99999999999999999999}",
            "{\"a\": 1e400}",
            "{\"a\": 1} x",
            "{\"a\": 1} {}",
            "{\"a\": 1",
            "{\"a\": 01}",
            "{\"a\": NaN}",
            "{a: 1}",
            "{\"a\": 'x'}");
    for (String json : other) {
      assertThat(CliConfig.flatObject(json.getBytes(StandardCharsets.UTF_8))).as(json).isNull();
    }
  }

  /** The messages of invalid configs are still the object mapper's. */
  @Test
  void invalidConfigsAreReportedAsBefore() throws Exception {
    Path p = dir.resolve("bad.conf");
    Files.writeString(p, "{\"zkhosts\": \"zk1:2181\", \"prefix\": \"/s\"} x");
    assertThatThrownBy(() -> CliConfig.load(p))
        .isInstanceOf(CliConfig.ConfigException.class)
        .hasMessageStartingWith("Config file " + p + " is not valid JSON: Unrecognized token 'x'");
    Files.writeString(p, "{\"zkhosts\": {\"a\": 1}, \"prefix\": \"/s\"}");
    assertThatThrownBy(() -> CliConfig.load(p))
        .isInstanceOf(CliConfig.ConfigException.class)
        .hasMessage("Invalid zkhosts '{\"a\":1}' in config file " + p + ": expected a string");
    Files.writeString(p, "{\"zkhosts\": true, \"prefix\": \"/s\"}");
    assertThatThrownBy(() -> CliConfig.load(p))
        .isInstanceOf(CliConfig.ConfigException.class)
        .hasMessage("Invalid zkhosts 'true' in config file " + p + ": expected a string");
    Files.writeString(
        p, "{\"zkhosts\": \"zk1:2181\", \"prefix\": \"/s\", \"session_timeout\": 0.5}");
    assertThatThrownBy(() -> CliConfig.load(p))
        .isInstanceOf(CliConfig.ConfigException.class)
        .hasMessage(
            "Invalid session_timeout '0.5' in config file "
                + p
                + ": expected an integer from 100 to 86400000");
  }

  /**
   * The deferred context answers the ZooKeeper client's two questions without JSSE, and hands
   * everything else to the JDK's default context, made then.
   */
  @Test
  void deferredSslContextDelegatesRealUseToTheJdkDefault() throws Exception {
    SSLContext deferred = DeferredSslContext.context();
    assertThat(deferred.getSupportedSSLParameters().getProtocols())
        .containsExactly(
            SSLContext.getInstance("Default").getSupportedSSLParameters().getProtocols());
    assertThat(deferred.getSupportedSSLParameters().getCipherSuites()).isEmpty();
    assertThat(deferred.getServerSocketFactory().getSupportedCipherSuites()).isEmpty();
    SSLEngine engine = deferred.createSSLEngine("zk1", 2281);
    assertThat(engine.getPeerHost()).isEqualTo("zk1");
    assertThat(engine.getEnabledCipherSuites()).isNotEmpty();
    assertThat(deferred.getDefaultSSLParameters().getCipherSuites())
        .containsExactly(
            SSLContext.getInstance("Default").getDefaultSSLParameters().getCipherSuites());
    assertThat(deferred.getSocketFactory().getDefaultCipherSuites()).isNotEmpty();
    assertThatThrownBy(() -> deferred.init(null, null, null))
        .hasMessage("Default SSLContext is initialized automatically");
  }
}
