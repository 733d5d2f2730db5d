package io.tessera.swift.auth;

/**
 * What a valid temporary URL lets its bearer reach: the whole account when it was signed with an
 * account key ({@code X-Account-Meta-Temp-URL-Key}), or one container when signed with that
 * container's key. Anything outside is 401, as Swift's tempurl middleware answers.
 */
public record TempUrlScope(String account, String container) {
    public static TempUrlScope account(String account) {
        return new TempUrlScope(account, null);
    }

    public static TempUrlScope container(String account, String container) {
        return new TempUrlScope(account, container);
    }

    public boolean allows(String otherAccount, String otherContainer) {
        return account.equals(otherAccount) && (container == null || container.equals(otherContainer));
    }
}
