package io.tessera.swift.auth;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A container ACL ({@code X-Container-Read} or {@code X-Container-Write}) as Swift's tempauth reads
 * it: a comma-separated list of referrer rules ({@code .r:*}, {@code .r:example.com},
 * {@code .r:-bad.example.com}, {@code .r:.example.com} for subdomains), {@code .rlistings}, and grants
 * to users: {@code project:user}, {@code project:*}, {@code *:user}, {@code *:*}, or a project or
 * account name (every user of it).
 */
public final class ContainerAcl {
    private static final ContainerAcl EMPTY = new ContainerAcl(List.of(), false, List.of());

    private final List<String> referrerRules;
    private final boolean listings;
    private final List<String> grants;

    private ContainerAcl(List<String> referrerRules, boolean listings, List<String> grants) {
        this.referrerRules = referrerRules;
        this.listings = listings;
        this.grants = grants;
    }

    public static ContainerAcl parse(String header) {
        if (header == null || header.isBlank()) {
            return EMPTY;
        }
        List<String> referrers = new ArrayList<>();
        List<String> grants = new ArrayList<>();
        boolean listings = false;
        for (String raw : header.split(",")) {
            String entry = raw.trim();
            if (entry.isEmpty()) {
                continue;
            }
            if (entry.equals(".rlistings")) {
                listings = true;
            } else if (entry.startsWith(".r:") || entry.startsWith(".ref:") || entry.startsWith(".referer:")
                    || entry.startsWith(".referrer:")) {
                referrers.add(entry.substring(entry.indexOf(':') + 1).toLowerCase(Locale.ROOT));
            } else if (!entry.startsWith(".")) {
                grants.add(entry);
            }
        }
        return new ContainerAcl(List.copyOf(referrers), listings, List.copyOf(grants));
    }

    /** Whether the rules let a request with this Referer header in (tempauth's referrer_allowed). */
    public boolean allowsReferrer(String referer) {
        String host = hostOf(referer);
        boolean allowed = false;
        for (String rule : referrerRules) {
            boolean deny = rule.startsWith("-");
            String pattern = deny ? rule.substring(1) : rule;
            if (pattern.startsWith("*") && pattern.length() > 1) {
                pattern = pattern.substring(1); // Swift's clean_acl stores ".r:*.example.com" as ".r:.example.com"
            }
            boolean matches = pattern.equals("*")
                    || (host != null && (pattern.startsWith(".") ? host.endsWith(pattern) : host.equals(pattern)));
            if (matches) {
                allowed = !deny;
            }
        }
        return allowed;
    }

    /** {@code .rlistings}: referrers allowed by the rules may also list the container. */
    public boolean allowsListings() {
        return listings;
    }

    public boolean grants(User user) {
        String name = user.name();
        String project = name.substring(0, name.indexOf(':'));
        String userPart = name.substring(name.indexOf(':') + 1);
        for (String g : grants) {
            if (g.equals(name) || g.equals(project + ":*") || g.equals("*:" + userPart) || g.equals("*:*")
                    || g.equals(project) || g.equals(user.account())) {
                return true;
            }
        }
        return false;
    }

    private static String hostOf(String referer) {
        if (referer == null || referer.isBlank()) {
            return null;
        }
        try {
            String host = URI.create(referer.trim()).getHost();
            return host == null ? null : host.toLowerCase(Locale.ROOT);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
