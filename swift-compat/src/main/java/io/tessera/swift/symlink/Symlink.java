package io.tessera.swift.symlink;

import io.tessera.store.ObjectVersion;
import io.tessera.swift.http.MetadataReplies;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import io.tessera.swift.http.UrlQuote;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * What makes an object a symlink: its target, kept with the object's metadata under internal keys
 * (Swift keeps them as object sysmeta), so they survive POSTs and are never shown as user metadata.
 *
 * @param account the target's account as the client named it, or null: then the link resolves in
 *                the account it lives in (so a copy of it to another account points there)
 * @param target  {@code <container>/<object>}, URL-quoted as Swift stores it
 * @param etag    for a static link, the target's ETag when the link was made; null for a dynamic link
 * @param bytes   for a static link, the target's length then; null otherwise
 * @param internal a link Tessera wrote itself (object versioning's link to the current version in a
 *                 hidden container): followed without checking the requester's access to its target
 *                 (they were checked on the link) and not counted against symloop_max, as Swift does
 *                 with its allow-reserved-names and symloop-extend sysmeta
 */
public record Symlink(String account, String target, String etag, Long bytes, boolean internal) {
    static final String TARGET = MetadataReplies.INTERNAL_PREFIX + "symlink-target";
    static final String ACCOUNT = MetadataReplies.INTERNAL_PREFIX + "symlink-target-account";
    static final String ETAG = MetadataReplies.INTERNAL_PREFIX + "symlink-target-etag";
    static final String BYTES = MetadataReplies.INTERNAL_PREFIX + "symlink-target-bytes";
    static final String INTERNAL = MetadataReplies.INTERNAL_PREFIX + "symlink-internal";

    public Symlink(String account, String target, String etag, Long bytes) {
        this(account, target, etag, bytes, false);
    }

    public static Optional<Symlink> of(ObjectVersion v) {
        return of(v.metadata());
    }

    public static Optional<Symlink> of(Map<String, String> metadata) {
        String target = metadata.get(TARGET);
        if (target == null) {
            return Optional.empty();
        }
        String bytes = metadata.get(BYTES);
        return Optional.of(new Symlink(metadata.get(ACCOUNT), target, metadata.get(ETAG),
                bytes == null ? null : Long.valueOf(bytes), metadata.containsKey(INTERNAL)));
    }

    /** {@code metadata} without the entries of a link (a copy of a link stores the link it asks for). */
    public static Map<String, String> withoutLink(Map<String, String> metadata) {
        Map<String, String> m = new LinkedHashMap<>(metadata);
        m.keySet().removeAll(java.util.List.of(TARGET, ACCOUNT, ETAG, BYTES, INTERNAL, Symlinks.SLO_ETAG));
        return m;
    }

    public static boolean isLink(ObjectVersion v) {
        return v.metadata().containsKey(TARGET);
    }

    public boolean isStatic() {
        return etag != null;
    }

    /** The metadata entries that store this link. */
    public Map<String, String> toMetadata() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put(TARGET, target);
        if (account != null) {
            m.put(ACCOUNT, account);
        }
        if (etag != null) {
            m.put(ETAG, etag);
            m.put(BYTES, String.valueOf(bytes));
        }
        if (internal) {
            m.put(INTERNAL, "true");
        }
        return m;
    }

    /** The same link pointing into another account (a copy with {@code X-Symlink-Target-Account}). */
    public Symlink withAccount(String otherAccount) {
        return new Symlink(otherAccount, target, etag, bytes, internal);
    }

    /** The target's account, for a link that lives in {@code home}. */
    public String accountFrom(String home) {
        return account != null ? account : home;
    }

    /** {@code /v1/<account>/<container>/<object>}, as Swift shows it in Content-Location and listings. */
    public String path(String home) {
        return "/v1/" + UrlQuote.quote(accountFrom(home)) + "/" + target;
    }

    public String targetContainer() {
        return unquote(target.substring(0, target.indexOf('/')));
    }

    public String targetObject() {
        return unquote(target.substring(target.indexOf('/') + 1));
    }

    /** Targets are stored as {@link UrlQuote} made them ('+' is always quoted), so this is exact. */
    private static String unquote(String quoted) {
        return URLDecoder.decode(quoted, StandardCharsets.UTF_8);
    }
}
