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
 * This host's name as switchman 1.16 computes it ({@code Net::Domain::hostfqdn()}), over the
 * /etc/hosts and /etc/resolv.conf shapes that occur, with DNS stood in by a map. Nothing here reads
 * the machine's own files.
 */
class HostFactsTest {

  private static final List<String> NO_SEARCH = List.of("nameserver 10.0.0.53");
  private static final String UNSET = "(none)"; // Linux's getdomainname(2) when none is set

  private final List<String> askedDns = new ArrayList<>();

  private HostFacts.Resolver dns(Map<String, List<String>> names) {
    return name -> {
      askedDns.add(name);
      return names.get(name);
    };
  }

  private String fqdn(String host, List<String> resolvConf, List<String> hosts) {
    return fqdn(host, resolvConf, hosts, Map.of());
  }

  private String fqdn(
      String host, List<String> resolvConf, List<String> hosts, Map<String, List<String>> dns) {
    return HostFacts.fqdn(host, resolvConf, UNSET, null, HostFacts.hostsThenDns(hosts, dns(dns)));
  }

  @Test
  void nameOnALoopbackLineAfterLocalhostIsThatName() {
    // the shape of issue 14: a reverse lookup of 127.0.0.1 gives localhost; switchman 1.16 says vm
    List<String> hosts = List.of("127.0.0.1 localhost", "127.0.0.1 runsc", "127.0.0.1 vm");
    assertThat(fqdn("vm", NO_SEARCH, hosts)).isEqualTo("vm");
    assertThat(askedDns).containsExactly("vm.(none)");
  }

  @Test
  void nameWithADomainInTheHostsFileIsThatName() {
    // Debian's installer writes "127.0.1.1 FQDN SHORT"
    List<String> hosts =
        List.of(
            "127.0.0.1\tlocalhost",
            "127.0.1.1\tweb1.example.com\tweb1",
            "",
            "# The following lines are desirable for IPv6 capable hosts",
            "::1     localhost ip6-localhost ip6-loopback");
    assertThat(fqdn("web1", NO_SEARCH, hosts)).isEqualTo("web1.example.com");
    assertThat(fqdn("web1.example.com", NO_SEARCH, hosts)).isEqualTo("web1.example.com");
  }

  @Test
  void searchDomainOfResolvConfCompletesAShortNameWithoutALookup() {
    List<String> resolv = List.of("# generated", "search example.com", "nameserver 10.0.0.53");
    List<String> hosts = List.of("127.0.1.1 web1.example.com web1");
    assertThat(fqdn("web1", resolv, hosts)).isEqualTo("web1.example.com");
    assertThat(askedDns).isEmpty();
  }

  @Test
  void resolvConfWinsOverTheHostsFileAsInSwitchman116() {
    // hostname -f would print web1.other.example; Net::Domain takes the last domain/search line
    List<String> resolv = List.of("domain old.example", "search corp.example lab.example");
    List<String> hosts = List.of("10.0.0.5 web1.other.example web1");
    assertThat(fqdn("web1", resolv, hosts)).isEqualTo("web1.corp.example");
  }

  @Test
  void nameOnlyInDnsIsItsCanonicalNameThere() {
    List<String> hosts = List.of("127.0.0.1 localhost", "::1 localhost ip6-localhost");
    Map<String, List<String>> dns = Map.of("app7", List.of("app7.dc1.example.com", "app7"));
    assertThat(fqdn("app7", NO_SEARCH, hosts, dns)).isEqualTo("app7.dc1.example.com");
    assertThat(askedDns).contains("app7");
  }

  @Test
  void hostsFileMatchIsCaseInsensitiveFirstIpv4LineWinsAndCommentsAreSkipped() {
    List<String> hosts =
        List.of(
            "::1 db1-v6.example db1",
            "# 10.0.0.1 commented.example db1",
            "10.0.0.7 db1.Example.COM DB1 # the database",
            "10.0.0.8 db1.second.example db1");
    assertThat(HostFacts.hostsFileEntry("db1", hosts)).containsExactly("db1.Example.COM", "DB1");
    assertThat(fqdn("db1", NO_SEARCH, hosts)).isEqualTo("db1.Example.COM");
  }

  @Test
  void kernelDomainNameIsTried() {
    List<String> hosts = List.of("10.0.0.9 box.lab.example");
    String name =
        HostFacts.fqdn(
            "box", NO_SEARCH, "lab.example", null, HostFacts.hostsThenDns(hosts, dns(Map.of())));
    assertThat(name).isEqualTo("box.lab.example");
  }

  @Test
  void environmentDomainIsTheLastResort() {
    String name =
        HostFacts.fqdn(
            "box",
            NO_SEARCH,
            UNSET,
            "lab.example",
            HostFacts.hostsThenDns(List.of(), dns(Map.of())));
    assertThat(name).isEqualTo("box.lab.example");
  }

  @Test
  void nameKnownNowhereIsTheNameItselfAndAnAddressStaysAnAddress() {
    assertThat(fqdn("lonely", NO_SEARCH, List.of())).isEqualTo("lonely");
    assertThat(fqdn("10.1.2.3", NO_SEARCH, List.of())).isEqualTo("10.1.2.3");
  }

  @Test
  void localhostItselfStaysLocalhost() {
    List<String> hosts = List.of("127.0.0.1 localhost", "127.0.0.1 vm");
    assertThat(fqdn("localhost", NO_SEARCH, hosts)).isEqualTo("localhost");
  }

  @Test
  void localFqdnIsNeverBlank() {
    assertThat(HostFacts.localFqdn()).isNotBlank();
    assertThat(HostFacts.local().fqdn()).isEqualTo(HostFacts.localFqdn());
  }
}
