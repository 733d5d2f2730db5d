package io.tessera.swift.symlink;

import io.tessera.swift.errors.SwiftError;
import io.tessera.swift.http.HeaderText;
import io.tessera.swift.http.SwiftPath;
import io.tessera.swift.http.UrlQuote;
import jakarta.ws.rs.core.MultivaluedMap;

/**
 * The {@code X-Symlink-*} headers a write carries, as sent, checked as Swift's symlink middleware
 * checks them: {@code X-Symlink-Target: <container>/<object>} (URL-quoted, normalized), an optional
 * {@code X-Symlink-Target-Account}, and for a static link {@code X-Symlink-Target-Etag}. Swift's
 * symlink middleware sits low in the proxy pipeline and reads them from every PUT that reaches it
 * (a COPY's or {@code X-Copy-From}'s too); the write pipeline's symlink stage does the same.
 *
 * @param target  {@code X-Symlink-Target}
 * @param account {@code X-Symlink-Target-Account}, or null
 * @param etag    {@code X-Symlink-Target-Etag}, or null
 */
public record SymlinkRequest(String target, String account, String etag) {
    public static final String TARGET_HEADER = "X-Symlink-Target";
    public static final String ACCOUNT_HEADER = "X-Symlink-Target-Account";
    public static final String ETAG_HEADER = "X-Symlink-Target-Etag";
    private static final String FORM = "X-Symlink-Target header must be of the form <container name>/<object name>";

    public static boolean asksForLink(MultivaluedMap<String, String> headers) {
        return headers.getFirst(TARGET_HEADER) != null;
    }

    /** The link a request's headers ask for, or null when they name no target. */
    public static SymlinkRequest of(MultivaluedMap<String, String> headers) {
        return asksForLink(headers) ? new SymlinkRequest(headers.getFirst(TARGET_HEADER),
                headers.getFirst(ACCOUNT_HEADER), headers.getFirst(ETAG_HEADER)) : null;
    }

    /**
     * What a copy of the link {@code source} itself ({@code ?symlink=get}) asks for, as Swift's copy
     * middleware builds its PUT: the headers the source's read shows, each replaced by the client's
     * own {@code headers} (a copy with only {@code X-Symlink-Target-Account} points the link there).
     */
    public static SymlinkRequest copyOf(Symlink source, MultivaluedMap<String, String> headers) {
        String target = headers.getFirst(TARGET_HEADER);
        String account = headers.getFirst(ACCOUNT_HEADER);
        String etag = headers.getFirst(ETAG_HEADER);
        return new SymlinkRequest(target != null ? target : source.target(),
                account != null ? account : source.account() == null ? null : UrlQuote.quote(source.account()),
                etag != null ? etag : source.etag());
    }

    /**
     * The link a write to {@code account/container/name} asks for; its etag, if any, still has to be
     * checked against the target ({@link SymlinkResolver#checkStaticTarget}).
     */
    public Symlink parse(String account, String container, String name) {
        String raw = HeaderText.fromWire(target.trim());
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
        String targetAccount = this.account != null ? accountName(this.account) : null;
        String effective = targetAccount != null ? targetAccount : account;
        if (effective.equals(account) && targetContainer.equals(container) && targetObject.equals(name)) {
            throw SwiftError.BAD_REQUEST.exception("Symlink cannot target itself");
        }
        String normalized = normalizedEtag(etag);
        if (normalized != null && (normalized.contains(";") || normalized.contains("\"") || normalized.contains("\\"))) {
            throw SwiftError.BAD_REQUEST.exception("Bad X-Symlink-Target-Etag format");
        }
        return new Symlink(targetAccount, UrlQuote.quote(targetContainer + "/" + targetObject), normalized, null);
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
