package io.tessera.swift;

import com.codahale.metrics.MetricRegistry;
import io.tessera.swift.context.InfoSource;
import io.tessera.swift.context.SwiftStore;
import io.tessera.store.content.ContentMaps;
import io.tessera.store.content.ContentReader;
import io.tessera.store.content.ContentWriter;
import io.tessera.swift.auth.Authorizer;
import io.tessera.swift.auth.TokenService;
import io.tessera.swift.auth.UserDirectory;
import io.tessera.swift.http.SwiftConstraints;
import io.tessera.swift.pithos.Md5Backfill;
import io.tessera.swift.publiclinks.PublicLinks;

/**
 * What the Swift resources need, built once by the server and shared by every request.
 *
 * @param publicUrl {@code server.public_url}: the base of the URLs the server hands out (public links), or
 *                  null to use the request's
 */
public record SwiftServices(SwiftStore store, ContentWriter writer, ContentReader reader, ContentMaps maps,
                            SwiftConstraints limits, UserDirectory users, TokenService tokens,
                            MetricRegistry metrics, Md5Backfill md5s, String publicUrl) {

    public SwiftServices(SwiftStore store, ContentWriter writer, ContentReader reader, ContentMaps maps,
                         SwiftConstraints limits, UserDirectory users, TokenService tokens,
                         MetricRegistry metrics, Md5Backfill md5s) {
        this(store, writer, reader, maps, limits, users, tokens, metrics, md5s, null);
    }

    /** Decides requests on the account and container rows {@code info} gives (a request's context). */
    public Authorizer authorizer(InfoSource info) {
        // Per request: the public-link grant is the store's one, and the sharing step's state is made
        // only for a request that gets that far (an owner's never does).
        return new Authorizer(tokens, info, PublicLinks.readGrant(store.metadata()), store.metadata());
    }
}
