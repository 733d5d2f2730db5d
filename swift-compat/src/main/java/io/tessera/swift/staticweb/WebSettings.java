package io.tessera.swift.staticweb;

import io.tessera.store.ContainerInfo;
import java.util.Map;
import java.util.Optional;

/**
 * A container's static web settings, from its metadata: {@code X-Container-Meta-Web-Index},
 * {@code -Web-Error}, {@code -Web-Listings} (+ {@code -Web-Listings-CSS}, {@code -Web-Listings-Label})
 * and {@code -Web-Directory-Type}. Empty strings mean "not set", as in Swift.
 */
record WebSettings(String index, String error, String listings, String listingsCss, String listingsLabel,
                   String directoryType) {
    private static final String PREFIX = "x-container-meta-web-";

    static WebSettings of(Optional<ContainerInfo> container) {
        Map<String, String> m = container.map(ContainerInfo::metadata).orElse(Map.of());
        return new WebSettings(get(m, "index"), get(m, "error"), get(m, "listings"), get(m, "listings-css"),
                get(m, "listings-label"), get(m, "directory-type"));
    }

    private static String get(Map<String, String> m, String name) {
        String v = m.get(PREFIX + name);
        return v == null ? "" : v.trim();
    }

    boolean hasIndex() {
        return !index.isEmpty();
    }

    boolean hasError() {
        return !error.isEmpty();
    }

    /** Whether {@code Web-Listings} is set at all (even to false: then listings answer "disabled"). */
    boolean mentionsListings() {
        return !listings.isEmpty();
    }

    boolean listingsEnabled() {
        return java.util.List.of("true", "1", "yes", "on", "t", "y").contains(listings.toLowerCase(java.util.Locale.ROOT));
    }

    /** The content type of directory markers: objects of this type and at most one byte read as absent. */
    String directoryContentType() {
        return directoryType.isEmpty() ? "application/directory" : directoryType;
    }
}
