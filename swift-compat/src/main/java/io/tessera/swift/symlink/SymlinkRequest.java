package io.tessera.swift.symlink;

import io.tessera.swift.errors.SwiftError;
import io.tessera.swift.http.HeaderText;
import io.tessera.swift.http.SwiftPath;
import io.tessera.swift.http.UrlQuote;
import jakarta.ws.rs.core.MultivaluedMap;

/**
 * The {@code X-Symlink-*} headers of a PUT, checked as Swift's symlink middleware checks them:
 * {@code X-Symlink-Target: <container>/<object>} (URL-quoted, normalized), an optional
 * {@code X-Symlink-Target-Account}, and for a static link {@code X-Symlink-Target-Etag}.
 */
public final class SymlinkRequest {
    public static final String TARGET_HEADER = "X-Symlink-Target";
    public static final String ACCOUNT_HEADER = "X-Symlink-Target-Account";
    public static final String ETAG_HEADER = "X-Symlink-Target-Etag";
    private static final String FORM = "X-Symlink-Target header must be of the form <container name>/<object name>";

    private SymlinkRequest() {
    }

    public static boolean asksForLink(MultivaluedMap<String, String> headers) {
        return headers.getFirst(TARGET_HEADER) != null;
    }

    /**
     * The link a PUT to {@code account/container/name} asks for; its etag, if any, still has to be
     * checked against the target ({@link SymlinkResolver#checkStaticTarget}).
     */
    public static Symlink parse(MultivaluedMap<String, String> headers, String account, String container, String name) {
        String raw = HeaderText.fromWire(headers.getFirst(TARGET_HEADER).trim());
        String decoded = SwiftPath.decode(raw);
        if (decoded.startsWith("/")) {
            throw SwiftError.PRECONDITION_FAILED.exception(FORM);
        }
        int slash = decoded.indexOf('/');
        if (slash <= 0 || slash == decoded.length() - 1) {
            throw SwiftError.PRECONDITION_FAILED.exception(FORM);
        }
        String targetContainer = decoded.substring(0, slash);
        String targetObject = decoded.substring(slash + 1);
        String targetAccount = null;
        String acctHeader = headers.getFirst(ACCOUNT_HEADER);
        if (acctHeader != null) {
            targetAccount = accountName(acctHeader);
        }
        String effective = targetAccount != null ? targetAccount : account;
        if (effective.equals(account) && targetContainer.equals(container) && targetObject.equals(name)) {
            throw SwiftError.BAD_REQUEST.exception("Symlink cannot target itself");
        }
        String etag = normalizedEtag(headers.getFirst(ETAG_HEADER));
        if (etag != null && (etag.contains(";") || etag.contains("\"") || etag.contains("\\"))) {
            throw SwiftError.BAD_REQUEST.exception("Bad X-Symlink-Target-Etag format");
        }
        return new Symlink(targetAccount, UrlQuote.quote(targetContainer + "/" + targetObject), etag, null);
    }

    /** An account named in a header: URL-decoded, no slashes (Swift's check_account_format). */
    public static String accountName(String header) {
        String account = SwiftPath.decode(HeaderText.fromWire(header.trim()));
        if (account.isEmpty()) {
            throw SwiftError.PRECONDITION_FAILED.exception("Account name cannot be empty");
        }
        if (account.contains("/")) {
            throw SwiftError.PRECONDITION_FAILED.exception("Account name cannot contain slashes");
        }
        return account;
    }

    static String normalizedEtag(String etag) {
        if (etag == null) {
            return null;
        }
        String e = etag.trim();
        if (e.length() >= 2 && e.startsWith("\"") && e.endsWith("\"")) {
            e = e.substring(1, e.length() - 1);
        }
        return e.isEmpty() ? null : e;
    }
}
