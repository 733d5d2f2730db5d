package io.tessera.swift.tempurl;

import io.tessera.swift.context.RequestContext;
import io.tessera.swift.http.HttpDates;
import io.tessera.swift.http.UrlQuote;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.container.ContainerResponseFilter;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.Provider;
import java.util.ArrayList;
import java.util.Locale;

/**
 * Replies to temporary-URL requests, as Swift's tempurl middleware shapes them: object metadata is
 * hidden ({@code X-Object-Meta-*} except {@code X-Object-Meta-Public-*}), and a successful GET or HEAD
 * says how to save the download ({@code Content-Disposition}: {@code inline} if asked, else an
 * attachment named by {@code filename=}, the object's own disposition, or the object's name) and
 * carries the URL's expiry as {@code Expires}.
 */
@Provider
public final class TempUrlReplyFilter implements ContainerResponseFilter {
    @Override
    public void filter(ContainerRequestContext request, ContainerResponseContext response) {
        TempUrlGrant grant = RequestContext.ifAny(request).flatMap(RequestContext::tempUrl).orElse(null);
        if (grant == null) {
            return;
        }
        var headers = response.getHeaders();
        String existingDisposition = null;
        for (String name : new ArrayList<>(headers.keySet())) {
            String lower = name.toLowerCase(Locale.ROOT);
            if (lower.startsWith("x-object-meta-") && !lower.startsWith("x-object-meta-public-")) {
                headers.remove(name);
            } else if (lower.equals("content-disposition")) {
                Object v = headers.getFirst(name);
                existingDisposition = v == null ? null : v.toString();
                headers.remove(name);
            }
        }
        String method = request.getMethod();
        boolean download = (method.equals("GET") || method.equals("HEAD"))
                && response.getStatusInfo().getFamily() == Response.Status.Family.SUCCESSFUL;
        if (!download) {
            if (existingDisposition != null) {
                headers.putSingle("Content-Disposition", existingDisposition);
            }
            return;
        }
        String disposition;
        if (grant.inline()) {
            disposition = grant.filename() != null ? format("inline", grant.filename()) : "inline";
        } else if (grant.filename() != null) {
            disposition = format("attachment", grant.filename());
        } else if (existingDisposition != null) {
            disposition = existingDisposition;
        } else {
            disposition = format("attachment", baseName(request.getUriInfo().getPath()));
        }
        headers.putSingle("Content-Disposition", disposition.replace("\n", "%0A"));
        headers.putSingle("Expires", HttpDates.format(grant.expires()));
    }

    /** RFC 6266 with the RFC 5987 form beside the plain one, as Swift writes it. */
    static String format(String type, String filename) {
        return type + "; filename=\"" + UrlQuote.quote(filename, " /") + "\"; filename*=UTF-8''" + UrlQuote.quote(filename);
    }

    /** The last segment of the (decoded) path, trailing slashes ignored. */
    static String baseName(String path) {
        String p = path;
        while (p.endsWith("/")) {
            p = p.substring(0, p.length() - 1);
        }
        return p.substring(p.lastIndexOf('/') + 1);
    }
}
