/*
 * Copyright 2026 the switchman authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package io.switchman.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * This host's name as switchman 1.16 computes it ({@code Sys::Hostname::FQDN::fqdn()}, like {@code
 * hostname -f}), over the /etc/hosts shapes that occur, with DNS stood in by a map.
 */
class HostFactsTest {

  private final List<String> asked = new ArrayList<>();

  private HostFacts.Resolver dns(Map<String, String> names) {
    return host -> {
      asked.add(host);
      return names.get(host);
    };
  }

  private final HostFacts.Resolver noDns = dns(Map.of());

  @Test
  void nameOnALoopbackLineAfterLocalhostIsThatName() {
    // the shape of issue 14: a reverse lookup of 127.0.0.1 gives localhost, fqdn() gives vm
    List<String> hosts = List.of("127.0.0.1 localhost", "127.0.0.1 runsc", "127.0.0.1 vm");
    assertThat(HostFacts.fqdn("vm", hosts, noDns)).isEqualTo("vm");
    assertThat(asked).isEmpty();
  }

  @Test
  void nameWithADomainIsTheFirstNameOfItsLine() {
    // Debian's installer writes "127.0.1.1 FQDN SHORT"
    List<String> hosts =
        List.of(
            "127.0.0.1\tlocalhost",
            "127.0.1.1\tweb1.example.com\tweb1",
            "",
            "# The following lines are desirable for IPv6 capable hosts",
            "::1     localhost ip6-localhost ip6-loopback");
    assertThat(HostFacts.fqdn("web1", hosts, noDns)).isEqualTo("web1.example.com");
    assertThat(HostFacts.fqdn("web1.example.com", hosts, noDns)).isEqualTo("web1.example.com");
  }

  @Test
  void nameIsMatchedCaseInsensitivelyAndTheLineKeepsItsSpelling() {
    List<String> hosts = List.of("10.0.0.5 Web1.Example.COM web1 # the app server");
    assertThat(HostFacts.fqdn("WEB1", hosts, noDns)).isEqualTo("Web1.Example.COM");
  }

  @Test
  void firstMatchingLineWins() {
    List<String> hosts = List.of("10.0.0.5 a.example a", "10.0.0.6 b.example a");
    assertThat(HostFacts.fqdn("a", hosts, noDns)).isEqualTo("a.example");
  }

  @Test
  void ipv6LinesAndCommentsDoNotAnswerAnIpv4Lookup() {
    List<String> hosts =
        List.of(
            "::1 db1-v6.example db1",
            "# 10.0.0.1 commented.example db1",
            "10.0.0.7 db1.example db1");
    assertThat(HostFacts.fqdn("db1", hosts, noDns)).isEqualTo("db1.example");
  }

  @Test
  void nameOnlyInDnsIsItsCanonicalNameThere() {
    List<String> hosts = List.of("127.0.0.1 localhost", "::1 localhost ip6-localhost");
    HostFacts.Resolver resolver = dns(Map.of("app7", "app7.dc1.example.com"));
    assertThat(HostFacts.fqdn("app7", hosts, resolver)).isEqualTo("app7.dc1.example.com");
    assertThat(asked).containsExactly("app7");
  }

  @Test
  void nameKnownNowhereIsTheNameItself() {
    assertThat(HostFacts.fqdn("lonely", List.of(), noDns)).isEqualTo("lonely");
    assertThat(HostFacts.fqdn("lonely", List.of("garbage"), dns(Map.of("lonely", " "))))
        .isEqualTo("lonely");
  }

  @Test
  void localhostItselfStaysLocalhost() {
    List<String> hosts = List.of("127.0.0.1 localhost", "127.0.0.1 vm");
    assertThat(HostFacts.fqdn("localhost", hosts, noDns)).isEqualTo("localhost");
  }

  @Test
  void localFqdnIsNeverBlank() {
    assertThat(HostFacts.localFqdn()).isNotBlank();
    assertThat(HostFacts.local().fqdn()).isEqualTo(HostFacts.localFqdn());
  }
}
