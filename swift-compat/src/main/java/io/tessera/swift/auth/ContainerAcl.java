package io.tessera.swift.auth;

import io.tessera.swift.errors.SwiftError;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * A container ACL ({@code X-Container-Read} or {@code X-Container-Write}) as Swift's tempauth reads
 * it: a comma-separated list of referrer rules ({@code .r:*}, {@code .r:example.com},
 * {@code .r:.example.com} for a domain, {@code .r:-bad.example.com} to deny, applied in order),
 * {@code .rlistings} (referrers may also list), and names granted access. A name matches one of the
 * requester's {@link Principal#groups() groups} ({@code project}, {@code project:user}, the account
 * for its admins); beyond tempauth, {@code *:user}, {@code project:*} and {@code *:*} match any
 * project or user.
 */
public final class ContainerAcl {
    private static final ContainerAcl EMPTY = new ContainerAcl(List.of(), List.of());
    private static final Set<String> REFERRER_DESIGNATORS = Set.of(".r", ".ref", ".referer", ".referrer");

    private final List<String> referrers;
    private final List<String> groups;

    private ContainerAcl(List<String> referrers, List<String> groups) {
        this.referrers = referrers;
        this.groups = groups;
    }

    /** Reads a stored ACL (already {@link #clean cleaned}; stray spaces are tolerated). */
    public static ContainerAcl parse(String header) {
        if (header == null || header.isBlank()) {
            return EMPTY;
        }
        List<String> referrers = new ArrayList<>();
        List<String> groups = new ArrayList<>();
        for (String raw : header.split(",")) {
            String entry = raw.trim();
            if (entry.isEmpty()) {
                continue;
            }
            if (entry.startsWith(".r:")) {
                referrers.add(entry.substring(3).trim().toLowerCase(Locale.ROOT));
            } else {
                groups.add(unquote(entry));
            }
        }
        return new ContainerAcl(List.copyOf(referrers), List.copyOf(groups));
    }

    /**
     * Swift's clean_acl: the value to store for ACL header {@code name}, with spaces and empty entries
     * dropped and referrer designations shortened to {@code .r:}; 400 for a referrer without a host,
     * a referrer in a write ACL, or an unknown {@code .designator:}.
     */
    public static String clean(String name, String value) {
        boolean write = name.toLowerCase(Locale.ROOT).contains("write");
        List<String> out = new ArrayList<>();
        for (String raw : value.split(",")) {
            String entry = raw.trim();
            if (entry.isEmpty()) {
                continue;
            }
            int colon = entry.indexOf(':');
            if (colon < 0) {
                out.add(entry);
                continue;
            }
            String first = entry.substring(0, colon).trim();
            String second = entry.substring(colon + 1).trim();
            if (first.isEmpty() || !first.startsWith(".")) {
                out.add(entry);
            } else if (REFERRER_DESIGNATORS.contains(first)) {
                if (write) {
                    throw SwiftError.BAD_REQUEST.exception("Referrers not allowed in write ACL: '" + entry + "'");
                }
                boolean negate = second.startsWith("-");
                if (negate) {
                    second = second.substring(1).trim();
                }
                if (!second.equals("*") && second.startsWith("*")) {
                    second = second.substring(1).trim(); // *.example.com is .example.com
                }
                if (second.isEmpty() || second.equals(".")) {
                    throw SwiftError.BAD_REQUEST.exception(
                            "No host/domain value after referrer designation in ACL: '" + entry + "'");
                }
                out.add(".r:" + (negate ? "-" : "") + second);
            } else {
                throw SwiftError.BAD_REQUEST.exception("Unknown designator '" + first + "' in ACL: '" + entry + "'");
            }
        }
        return String.join(",", out);
    }

    /**
     * Whether the rules let a request with this Referer header in (tempauth's referrer_allowed): the
     * last rule that matches the referrer's host decides; {@code *} matches every host.
     */
    public boolean allowsReferrer(String referer) {
        if (referrers.isEmpty()) {
            return false;
        }
        String host = hostOf(referer);
        boolean allowed = false;
        for (String rule : referrers) {
            if (rule.startsWith("-")) {
                String pattern = rule.substring(1);
                if (matchesHost(pattern, host)) {
                    allowed = false;
                }
            } else if (rule.equals("*") || matchesHost(rule, host)) {
                allowed = true;
            }
        }
        return allowed;
    }

    /** {@code .rlistings}: referrers allowed by the rules may also list the container. */
    public boolean allowsListings() {
        return groups.contains(".rlistings");
    }

    /** Whether the ACL names one of {@code userGroups}, or (with a wildcard) the user {@code userName}. */
    public boolean grants(Set<String> userGroups, String userName) {
        for (String g : groups) {
            if (userGroups.contains(g) || (userName != null && wildcardMatches(g, userName))) {
                return true;
            }
        }
        return false;
    }

    private static boolean wildcardMatches(String grant, String userName) {
        int c = grant.indexOf(':');
        int u = userName.indexOf(':');
        if (c < 0 || u < 0 || !grant.contains("*")) {
            return false;
        }
        String project = grant.substring(0, c);
        String user = grant.substring(c + 1);
        return (project.equals("*") || project.equals(userName.substring(0, u)))
                && (user.equals("*") || user.equals(userName.substring(u + 1)));
    }

    private static boolean matchesHost(String pattern, String host) {
        return pattern.equals(host) || (pattern.startsWith(".") && host.endsWith(pattern));
    }

    private static String hostOf(String referer) {
        if (referer != null && !referer.isBlank()) {
            try {
                String host = URI.create(referer.trim()).getHost();
                if (host != null) {
                    return host.toLowerCase(Locale.ROOT);
                }
            } catch (IllegalArgumentException e) {
                // not a URL: no host, as urlparse gives
            }
        }
        return "unknown";
    }

    private static String unquote(String s) {
        if (s.indexOf('%') < 0) {
            return s;
        }
        try {
            return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return s;
        }
    }
}
