package io.tessera.swift.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Set;
import org.junit.jupiter.api.Test;

class ContainerAclTest {
    @Test
    void cleaningAsSwiftsCleanAcl() {
        assertThat(ContainerAcl.clean("X-Container-Read", "bob , sue,,")).isEqualTo("bob,sue");
        assertThat(ContainerAcl.clean("X-Container-Read", ".referrer : *, .rlistings")).isEqualTo(".r:*,.rlistings");
        assertThat(ContainerAcl.clean("X-Container-Read", ".ref:*.example.com,.r:-bad.com")).isEqualTo(".r:.example.com,.r:-bad.com");
        assertThatThrownBy(() -> ContainerAcl.clean("X-Container-Write", ".r:*")).hasMessageContaining("write ACL");
        assertThatThrownBy(() -> ContainerAcl.clean("X-Container-Read", ".r:-")).hasMessageContaining("No host");
        assertThatThrownBy(() -> ContainerAcl.clean("X-Container-Read", ".q:x")).hasMessageContaining("Unknown designator");
    }

    @Test
    void referrersInOrderLastMatchWins() {
        ContainerAcl acl = ContainerAcl.parse(".r:.example.com,.r:-thief.example.com");
        assertThat(acl.allowsReferrer("http://www.example.com/page")).isTrue();
        assertThat(acl.allowsReferrer("http://thief.example.com/page")).isFalse();
        assertThat(acl.allowsReferrer(null)).isFalse();
        assertThat(ContainerAcl.parse(".r:*").allowsReferrer(null)).isTrue();
        assertThat(ContainerAcl.parse(".r:*").allowsListings()).isFalse();
        assertThat(ContainerAcl.parse(".r:*,.rlistings").allowsListings()).isTrue();
    }

    @Test
    void groupsAndWildcards() {
        Set<String> tester3 = Set.of("test", "test:tester3");
        assertThat(ContainerAcl.parse("test:tester3").grants(tester3, "test:tester3")).isTrue();
        assertThat(ContainerAcl.parse("test").grants(tester3, "test:tester3")).isTrue();
        assertThat(ContainerAcl.parse("AUTH_test").grants(tester3, "test:tester3")).as("the account means its admins").isFalse();
        assertThat(ContainerAcl.parse("*:tester3").grants(tester3, "test:tester3")).isTrue();
        assertThat(ContainerAcl.parse("test:*").grants(tester3, "test:tester3")).isTrue();
        assertThat(ContainerAcl.parse("other:*").grants(tester3, "test:tester3")).isFalse();
    }
}
