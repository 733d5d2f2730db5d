package io.tessera.swift.publiclinks;

import io.tessera.store.MetadataStore;
import io.tessera.store.ObjectVersion;
import io.tessera.store.PublicLink;
import io.tessera.swift.auth.Authorizer;
import io.tessera.swift.errors.SwiftError;
import io.tessera.swift.objects.ObjectHeaders;
import io.tessera.swift.writes.PathFeatures;
import io.tessera.swift.writes.Publisher;
import java.net.URI;
import java.security.SecureRandom;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiConsumer;

/**
 * Pithos public links ({@code X-Object-Public}): an object made public gets a token, and
 * {@code /public/<token>} serves it to anyone, without a token (see {@link PublicResource}).
 *
 * <p>Where the state lives: the token is an internal key ({@link #KEY}) of the object's row, one of the keys
 * that belong to the path ({@link io.tessera.swift.writes.PathFeatures}): an overwrite keeps it, a delete
 * drops it, a copy does not take it. A token index in the store ({@link MetadataStore#getPublicLink}) finds
 * the path from the token in one read. The row is the truth, the index only a pointer: a link is served only
 * if the row at the path the index names holds that very token. So an index entry left behind (a crash
 * between the claim and the row's write, a delete whose clean-up failed, a racing unpublish) names a path
 * whose row holds another token or none, and serves nothing: a stale entry is harmless, and a token is never
 * claimed twice (128 random bits, and the claim is a compare-and-set), so it can never come to name another
 * object either.
 */
public final class PublicLinks {
    /** The row's internal key holding its token (never sent as a header: MetadataReplies skips "tessera-"). */
    public static final String KEY = "tessera-public";
    public static final String HEADER = "X-Object-Public";
    /** Tries of fresh tokens before giving up (each collision adds a byte, as Pithos's get_unique_url). */
    private static final int CLAIM_TRIES = 8;

    private static final PublicTokens SHARED_TOKENS = new PublicTokens(new SecureRandom());

    private final MetadataStore meta;
    private final PublicTokens tokens;

    public PublicLinks(MetadataStore meta, PublicTokens tokens) {
        this.meta = meta;
        this.tokens = tokens;
    }

    public PublicLinks(MetadataStore meta) {
        this(meta, SHARED_TOKENS);
    }

    /**
     * A request's {@code X-Object-Public}, as Pithos reads it ({@code util.py get_public}): spaces removed,
     * lower-cased; {@code true} publishes, {@code false} or empty unpublishes, anything else is 400.
     *
     * @return null when the request has no such header
     */
    public static Boolean requested(String header) {
        if (header == null) {
            return null;
        }
        String v = header.replace(" ", "").toLowerCase(java.util.Locale.ROOT);
        if (v.equals("true")) {
            return true;
        }
        if (v.isEmpty() || v.equals("false")) {
            return false;
        }
        throw SwiftError.BAD_REQUEST.exception("Bad X-Object-Public header: use true or false");
    }

    /** The token of a public object's row, or null. */
    public static String tokenOf(ObjectVersion v) {
        return v.metadata().get(KEY);
    }

    /**
     * Makes {@code current} (the row just written at its path) public or not, and returns the row now at the
     * path: {@code current} itself when nothing changes (publishing twice keeps the token), else a new row of
     * the same content and metadata, published through {@code below}.
     */
    public ObjectVersion set(ObjectVersion current, boolean publish, Publisher below) {
        if (publish == (tokenOf(current) != null)) {
            return current;
        }
        return publishPost(current, new ObjectVersion(current.account(), current.container(), current.name(),
                PathFeatures.followUp(current), current.map(), current.etag(), current.contentType(), current.metadata()),
                publish, below);
    }

    /**
     * Publishes a POST's row: {@code updated} (made from {@code current}, the path's row, whose internal keys
     * it holds) as it is when the request has no {@code X-Object-Public} ({@code publish} null), else with the
     * token that header asks for. A new token is claimed in the index before the row names it; an old one is
     * forgotten once the row no longer names it (a crash between the two leaves only a harmless index entry,
     * see the class comment).
     */
    public ObjectVersion publishPost(ObjectVersion current, ObjectVersion updated, Boolean publish, Publisher below) {
        if (publish == null) {
            return below.publish(updated, true);
        }
        String old = tokenOf(current);
        Map<String, String> metadata = new LinkedHashMap<>(updated.metadata());
        if (!publish) {
            metadata.remove(KEY);
        } else if (old != null) {
            metadata.put(KEY, old); // publishing twice keeps the token
            reindex(old, current);
        } else {
            metadata.put(KEY, claim(new PublicLink(current.account(), current.container(), current.name())));
        }
        ObjectVersion row = below.publishPathState(new ObjectVersion(updated.account(), updated.container(),
                updated.name(), updated.timestamp(), updated.map(), updated.etag(), updated.contentType(), metadata), true);
        if (old != null && !publish) {
            meta.removePublicLink(old);
        }
        return row;
    }

    /**
     * Publishing a public object again puts its token back in the index if the index lost it: an overwrite
     * that read the row just before a racing unpublish removed the entry carries the token on in the row it
     * writes, so the owner sees a URL that serves nothing; a publish repairs it (one read when nothing is lost).
     */
    private void reindex(String token, ObjectVersion current) {
        PublicLink path = new PublicLink(current.account(), current.container(), current.name());
        if (meta.getPublicLink(token).isEmpty()) {
            meta.putPublicLinkIfAbsent(token, path);
        }
    }

    private String claim(PublicLink target) {
        for (int i = 0; i < CLAIM_TRIES; i++) {
            String token = tokens.next(PublicTokens.BYTES + i);
            if (meta.putPublicLinkIfAbsent(token, target)) {
                return token;
            }
        }
        // 128 random bits colliding eight times over: the random source is broken, not the request.
        throw new IllegalStateException("no unique public link token after " + CLAIM_TRIES + " tries");
    }

    /** After a delete: the deleted row's token names nothing any more (the lookup checks the row anyway). */
    public ObjectVersion deleted(ObjectVersion gone) {
        String token = tokenOf(gone);
        if (token != null) {
            try {
                meta.removePublicLink(token);
            } catch (RuntimeException e) {
                // The object is deleted, which is what the client asked; the entry left names a row that no
                // longer holds its token, so it serves nothing.
            }
        }
        return gone;
    }

    /**
     * The object {@code token} publishes, or empty: at most two store reads (the index, the row), and only
     * the row at the indexed path that still holds this token, live, counts.
     */
    public Optional<ObjectVersion> lookup(String token) {
        if (!PublicTokens.wellFormed(token)) {
            return Optional.empty();
        }
        return meta.getPublicLink(token)
                .flatMap(link -> meta.getObject(link.account(), link.container(), link.object()))
                .filter(v -> holds(v, token));
    }

    /** Pithos: a public object is readable through the API by any authenticated user (one row read, on a refusal only). */
    public static Authorizer.ObjectGrant readGrant(MetadataStore meta) {
        ReadGrant last = lastGrant; // every request asks, always of the server's one store: made once
        if (last != null && last.meta == meta) {
            return last.grant;
        }
        last = new ReadGrant(meta, newReadGrant(meta));
        lastGrant = last;
        return last.grant;
    }

    private record ReadGrant(MetadataStore meta, Authorizer.ObjectGrant grant) {
    }

    private static volatile ReadGrant lastGrant;

    private static Authorizer.ObjectGrant newReadGrant(MetadataStore meta) {
        // The row's token counts only while the index still points it at this path: an unpublish that
        // raced an overwrite (which carried the token on in its row) has removed the entry, and fails closed.
        return (account, container, object) -> meta.getObject(account, container, object)
                .filter(v -> tokenOf(v) != null && !ObjectHeaders.isExpired(v.metadata()))
                .flatMap(v -> meta.getPublicLink(tokenOf(v)))
                .filter(link -> link.account().equals(account) && link.container().equals(container)
                        && link.object().equals(object))
                .isPresent();
    }

    /** Whether {@code v} is live and public under {@code token}. */
    public static boolean holds(ObjectVersion v, String token) {
        return token.equals(tokenOf(v)) && !ObjectHeaders.isExpired(v.metadata());
    }

    /**
     * The base public URLs start with: {@code server.public_url} when set, else the request's own scheme and
     * host (as X-Storage-Url).
     */
    public static String base(String configured, URI requestBase) {
        String base = configured != null && !configured.isBlank() ? configured : requestBase.toString();
        return base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
    }

    /** The absolute URL of a token. */
    public static String url(String base, String token) {
        return base + "/public/" + token;
    }

    /** {@code X-Object-Public: <url>} for the owner's HEAD or GET of a public object. */
    public static void ownerHeader(BiConsumer<String, Object> reply, ObjectVersion v, String base) {
        String token = tokenOf(v);
        if (token != null && base != null) {
            reply.accept(HEADER, url(base, token));
        }
    }

    /** The extended listing's {@code x_object_public} of a public object (owners only: {@code base} null else). */
    public static Map<String, Object> listingFields(ObjectVersion v, String base) {
        String token = tokenOf(v);
        return token == null || base == null ? Map.of() : Map.of("x_object_public", url(base, token));
    }
}
