package io.tessera.swift.auth;

/** Who a request acts as, once its token is verified. */
public record Principal(User user) {
    public static final String PROPERTY = "tessera.principal";

    public String account() {
        return user.account();
    }

    /** Owners (admins of the account, or a reseller admin, of every account) may do everything on it. */
    public boolean owns(String account) {
        return user.isResellerAdmin() || (user.isAdmin() && user.account().equals(account));
    }
}
