package io.tessera.swift.auth;

import java.util.Set;

/**
 * A user who may authenticate: Swift tempauth style {@code <project>:<user>} name, the hash of their
 * key (see {@link KeyHasher}), the account they act on, and roles ({@code admin} = owner of the account,
 * {@code reseller_admin} = owner of every account).
 */
public record User(String name, String keyHash, String account, Set<String> roles) {
    public User {
        if (name == null || !name.contains(":")) {
            throw new IllegalArgumentException("a user name is <project>:<user>, got " + name);
        }
        KeyHasher.checkFormat(keyHash);
        roles = Set.copyOf(roles);
        if (account == null || account.isBlank()) {
            account = "AUTH_" + name.substring(0, name.indexOf(':'));
        }
    }

    public boolean isAdmin() {
        return roles.contains("admin");
    }

    public boolean isResellerAdmin() {
        return roles.contains("reseller_admin");
    }

    /** The part of the name before the colon. */
    public String project() {
        return name.substring(0, name.indexOf(':'));
    }
}
