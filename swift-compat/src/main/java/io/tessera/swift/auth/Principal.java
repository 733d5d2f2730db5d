package io.tessera.swift.auth;

import java.util.LinkedHashSet;
import java.util.Objects;
import java.util.Set;

/**
 * Who a request acts as: a user whose token was verified, or the bearer of a valid temporary URL
 * (no user; only {@link #tempUrl} says what it may reach).
 */
public record Principal(User user, TempUrlScope tempUrl) {
    public static final String PROPERTY = "tessera.principal";

    public Principal(User user) {
        this(Objects.requireNonNull(user, "user"), null);
    }

    public static Principal tempUrl(TempUrlScope scope) {
        return new Principal(null, Objects.requireNonNull(scope, "scope"));
    }

    public boolean isTempUrl() {
        return tempUrl != null;
    }

    public String account() {
        return user != null ? user.account() : tempUrl.account();
    }

    /** Owners (admins of the account, and reseller admins of every account) may do everything on it. */
    public boolean owns(String account) {
        return user != null && (user.isResellerAdmin() || (user.isAdmin() && user.account().equals(account)));
    }

    /**
     * The names ACLs grant access to, as tempauth gives them: the project, the full
     * {@code project:user} name, and for admins the account itself. Empty for a temporary URL.
     */
    public Set<String> groups() {
        if (user == null) {
            return Set.of();
        }
        Set<String> groups = new LinkedHashSet<>();
        groups.add(user.project());
        groups.add(user.name());
        if (user.isAdmin()) {
            groups.add(user.account());
        }
        return groups;
    }
}
