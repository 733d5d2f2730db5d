package io.tessera.swift.sharing;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.tessera.store.AccountInfo;
import io.tessera.store.IndexEntry;
import io.tessera.store.MetadataStore;
import io.tessera.store.Timestamp;
import io.tessera.swift.SwiftServices;
import io.tessera.swift.auth.Authorizer;
import io.tessera.swift.auth.Principal;
import io.tessera.swift.context.InfoSource;
import io.tessera.swift.errors.SwiftError;
import io.tessera.swift.http.RawContentType;
import io.tessera.swift.http.XmlText;
import io.tessera.swift.listing.ListingFormat;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HEAD;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;

/**
 * The top level, {@code /v1/} (Pithos {@code top_demux}, {@code account_list}). With a token: the
 * accounts that share something with the requester, from the index's candidates ({@link SharingIndex}),
 * each checked against its rows, sorted, with {@code marker} and {@code limit} honoured (Pithos parses
 * and ignores them). JSON and XML skip the requester's own account; plain text does not and answers 204
 * when empty. With {@code X-Auth-User} and {@code X-Auth-Key} and no token: Pithos' OOS compatibility
 * answer (204 echoing the key as the token). Neither: 400. Other methods: 405 ({@code Allow: GET}).
 */
public final class SharersResource {
    private static final DateTimeFormatter ISO = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSSxxx", Locale.ROOT)
            .withZone(ZoneOffset.UTC);
    private static final JsonFactory JSON = new JsonFactory();
    private final SwiftServices services;
    private final Authorizer auth;
    private final InfoSource info;

    public SharersResource(SwiftServices services, Authorizer auth, InfoSource info) {
        this.services = services;
        this.auth = auth;
        this.info = info;
    }

    /** Whether a request's raw path is the top level. */
    public static boolean isTopLevel(String rawPath) {
        return "/v1/".equals(rawPath);
    }

    @GET
    public Response list(@Context HttpHeaders headers, @Context UriInfo uri) {
        String token = headers.getHeaderString("X-Auth-Token");
        if (token == null) {
            token = headers.getHeaderString("X-Storage-Token");
        }
        if (token == null) {
            String user = headers.getHeaderString("X-Auth-User");
            String key = headers.getHeaderString("X-Auth-Key");
            if (user != null && key != null) {
                return Response.noContent().header("X-Auth-Token", key)
                        .header("X-Storage-Url", uri.getRequestUri().toString().replaceAll("/+$", "") + "/" + user).build();
            }
            throw SwiftError.BAD_REQUEST.exception("Missing authentication token");
        }
        Principal p = auth.authenticate(token, "").orElseThrow();
        var query = uri.getQueryParameters();
        ListingFormat format = ListingFormat.choose(query.getFirst("format"), headers.getHeaderString("Accept"));
        String marker = query.getFirst("marker");
        int limit = limit(query.getFirst("limit"));
        List<String> accounts = new ArrayList<>();
        for (String name : sharersOf(p)) {
            if (format != ListingFormat.PLAIN && name.equals(p.account())) {
                continue;
            }
            if (marker != null && !marker.isEmpty() && name.compareTo(marker) <= 0) {
                continue;
            }
            if (accounts.size() == limit) {
                break;
            }
            accounts.add(name);
        }
        if (format == ListingFormat.PLAIN) {
            if (accounts.isEmpty()) {
                return Response.noContent().build();
            }
            StringBuilder b = new StringBuilder();
            accounts.forEach(a -> b.append(a).append('\n'));
            return RawContentType.set(Response.ok(b.toString().getBytes(StandardCharsets.UTF_8)), format.contentType()).build();
        }
        if (format == ListingFormat.XML) {
            StringBuilder b = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<accounts>");
            for (String a : accounts) {
                b.append("<account><name>").append(XmlText.escape(a)).append("</name><last_modified>")
                        .append(modified(a)).append("</last_modified></account>");
            }
            b.append("</accounts>");
            return RawContentType.set(Response.ok(b.toString().getBytes(StandardCharsets.UTF_8)), format.contentType()).build();
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartArray();
            for (String a : accounts) {
                g.writeStartObject();
                g.writeStringField("name", a);
                g.writeStringField("last_modified", modified(a));
                g.writeEndObject();
            }
            g.writeEndArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return RawContentType.set(Response.ok(out.toByteArray()), format.contentType()).build();
    }

    /** The accounts sharing something with {@code p}, sorted: the index's candidates, each checked. */
    TreeSet<String> sharersOf(Principal p) {
        MetadataStore meta = services.store().metadata();
        SharingIndex index = new SharingIndex(meta);
        SharingAccess access = new SharingAccess(meta, info);
        TreeSet<String> found = new TreeSet<>();
        TreeSet<String> looked = new TreeSet<>();
        List<String> grantees = new ArrayList<>();
        grantees.add("*");
        if (p.user() != null && p.user().isAdmin()) {
            grantees.add(p.user().account());
        }
        for (String grantee : grantees) {
            String after = null;
            while (true) {
                List<IndexEntry> page = index.candidates(grantee, after);
                for (IndexEntry e : page) {
                    String owner = e.entry();
                    if (!looked.add(owner)) {
                        continue;
                    }
                    var groups = access.groupsOf(owner);
                    if (index.anyShared(owner, v -> Sharing.of(v.metadata()).levelOf(p, owner, groups) != Sharing.Level.NONE)) {
                        found.add(owner);
                    }
                }
                if (page.size() < SharingIndex.page()) {
                    break;
                }
                after = page.get(page.size() - 1).entry();
            }
        }
        return found;
    }

    private String modified(String account) {
        Timestamp t = info.account(account).map(AccountInfo::created).orElse(new Timestamp(0));
        return ISO.format(Instant.ofEpochSecond(t.micros() / 1_000_000, (t.micros() % 1_000_000) * 1000));
    }

    private static int limit(String l) {
        if (l == null || l.isEmpty()) {
            return 10_000;
        }
        try {
            return Math.max(0, Math.min(10_000, Integer.parseInt(l.trim())));
        } catch (NumberFormatException e) {
            return 10_000; // Pithos parses and ignores it
        }
    }

    @HEAD
    public Response head() {
        throw notAllowed();
    }

    @PUT
    public Response put() {
        throw notAllowed();
    }

    @POST
    public Response post() {
        throw notAllowed();
    }

    @DELETE
    public Response delete() {
        throw notAllowed();
    }

    private static RuntimeException notAllowed() {
        return SwiftError.METHOD_NOT_ALLOWED.exception().withHeader("Allow", "GET");
    }
}
