package io.tessera.swift.listing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.tessera.store.ListQuery;
import io.tessera.store.Names;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The pager against a brute-force reference over random names: every combination of prefix,
 * delimiter, path, markers, reverse and limit must give exactly the reference page, and pages must
 * be full unless the listing ended.
 */
class ListingPagerTest {
    private static final String[] ALPHABET = {"a", "b", "/", "é", "\uD834\uDD1E", "\uFF21", "0"};

    @Test
    void matchesABruteForceReferenceOnRandomListings() {
        Random random = new Random(42);
        for (int round = 0; round < 3000; round++) {
            TreeSet<String> names = new TreeSet<>(Names.UTF8_ORDER);
            int count = random.nextInt(60);
            for (int i = 0; i < count; i++) {
                names.add(randomName(random, 1 + random.nextInt(5)));
            }
            List<String> sorted = new ArrayList<>(names);
            boolean pathMode = random.nextInt(6) == 0;
            String prefix = random.nextInt(3) == 0 ? randomName(random, 1 + random.nextInt(2)) : null;
            String delimiter = random.nextInt(2) == 0 ? (random.nextInt(4) == 0 ? "é/" : "/") : null;
            String marker = random.nextInt(3) == 0 ? randomName(random, 1 + random.nextInt(3)) : null;
            String endMarker = random.nextInt(4) == 0 ? randomName(random, 1 + random.nextInt(3)) : null;
            boolean reverse = random.nextBoolean();
            int limit = 1 + random.nextInt(12);
            if (pathMode) {
                prefix = prefix == null ? null : prefix.replaceAll("/+$", "") + "/";
                if ("/".equals(prefix)) {
                    prefix = null;
                }
                delimiter = "/";
            }
            ListingRequest req = new ListingRequest(prefix, delimiter, marker, endMarker, limit, reverse, pathMode);
            AtomicInteger scans = new AtomicInteger();
            ListingPager<String> pager = new ListingPager<>(q -> {
                scans.incrementAndGet();
                return scan(sorted, q);
            }, s -> s);
            List<String> got = pager.page(req).stream().map(e -> e.item() != null ? e.item() : "SUBDIR:" + e.subdir()).toList();
            List<String> expected = reference(sorted, req);
            assertThat(got).as("round %d: %s over %s", round, req, sorted).isEqualTo(expected);
        }
    }

    @Test
    void aDelimiterPageIsOneStoreQuery() {
        List<String> sorted = new ArrayList<>();
        for (int d = 0; d < 200; d++) {
            for (int o = 0; o < 200; o++) {
                sorted.add(String.format("d%04d/o-%06d", d, o));
            }
        }
        AtomicInteger scans = new AtomicInteger();
        ListingPager<String> pager = new ListingPager<>(q -> {
            scans.incrementAndGet();
            return scan(sorted, q);
        }, s -> s);
        List<ListingPager.Entry<String>> page = pager.page(new ListingRequest(null, "/", null, null, 150, false, false));
        assertThat(page).hasSize(150).allSatisfy(e -> assertThat(e.subdir()).isNotNull());
        assertThat(page.get(149).subdir()).isEqualTo("d0149/");
        assertThat(scans.get()).as("store queries for one page").isEqualTo(1);
        scans.set(0);
        assertThat(pager.page(new ListingRequest(null, "/", "d0149/", null, 100, false, false)))
                .extracting(ListingPager.Entry::subdir).startsWith("d0150/").hasSize(50);
        assertThat(scans.get()).as("store queries for the last page").isEqualTo(1);
    }

    @Test
    void skipsAWholeSubdirectoryWithOneQuery() {
        List<String> sorted = new ArrayList<>();
        for (int i = 0; i < 5000; i++) {
            sorted.add(String.format("dir/%05d", i));
        }
        sorted.add("zzz");
        AtomicInteger rowsRead = new AtomicInteger();
        ListingPager<String> pager = new ListingPager<>(q -> {
            List<String> page = scan(sorted, q);
            rowsRead.addAndGet(page.size());
            return page;
        }, s -> s);
        ListingRequest req = new ListingRequest(null, "/", null, null, 10, false, false);
        assertThat(pager.page(req)).extracting(e -> e.item() != null ? e.item() : e.subdir())
                .containsExactly("dir/", "zzz");
        assertThat(rowsRead.get()).as("rows read from the store").isLessThan(30);
    }

    /**
     * Delimiters at the edges of UTF-8's length classes. U+D7FF + 1 is a surrogate, not a character:
     * a skip to "name up to the delimiter + (delimiter + 1)" encoded it as '?', went backwards and
     * scanned the same rows forever; U+10FFFF + 1 is no code point at all and threw (a 500).
     */
    @Test
    void delimitersAtTheEdgesOfUtf8GiveTheReferencePage() {
        String max = new String(Character.toChars(Character.MAX_CODE_POINT));
        for (String delimiter : List.of("\uD7FF", "\uE000", "\uFFFF", "\uD800\uDC00", max, "a" + max)) {
            TreeSet<String> names = new TreeSet<>(Names.UTF8_ORDER);
            for (String n : List.of("a", "b", "z", "\uD7FF", "\uE000", "\uFFFF", "\uD800\uDC00", max)) {
                names.add(n);
                names.add(n + delimiter + "x");
                names.add(n + delimiter + "y" + delimiter + "z");
                names.add(n + delimiter);
                names.add(delimiter + n);
            }
            List<String> sorted = new ArrayList<>(names);
            for (boolean reverse : new boolean[] {false, true}) {
                for (boolean pathMode : new boolean[] {false, true}) {
                    ListingRequest req = new ListingRequest(null, pathMode ? "/" : delimiter, null, null, 1000,
                            reverse, pathMode);
                    List<String> got = assertTimeoutPreemptively(Duration.ofSeconds(5), () -> pager(sorted).page(req))
                            .stream().map(e -> e.item() != null ? e.item() : "SUBDIR:" + e.subdir()).toList();
                    assertThat(got).as("%s", req).isEqualTo(reference(sorted, req));
                }
            }
        }
    }

    private static ListingPager<String> pager(List<String> sorted) {
        return new ListingPager<>(q -> scan(sorted, q), s -> s);
    }

    private static String randomName(Random random, int len) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < len; i++) {
            b.append(ALPHABET[random.nextInt(ALPHABET.length)]);
        }
        return b.toString();
    }

    /**
     * What a backend does (the {@link ListQuery} contract), the slow, obvious way: the names matching the
     * query, in order, one per group, the group's own name standing for it when it is there; at most limit.
     */
    static List<String> scan(List<String> sorted, ListQuery q) {
        List<String> in = new ArrayList<>(sorted.stream().filter(q::matches).toList());
        if (q.reverse()) {
            Collections.reverse(in);
        }
        List<String> out = new ArrayList<>();
        String lastGroup = null;
        for (String n : in) {
            String group = q.groupOf(n);
            if (group != null && group.equals(lastGroup)) {
                if (n.equals(group)) {
                    out.set(out.size() - 1, n);
                }
                continue;
            }
            lastGroup = group;
            out.add(n);
        }
        return out.subList(0, Math.min(q.limit(), out.size()));
    }

    /** Swift's semantics, written the slow, obvious way. */
    static List<String> reference(List<String> sorted, ListingRequest req) {
        String low = req.reverse() ? req.endMarker() : req.marker();
        String high = req.reverse() ? req.marker() : req.endMarker();
        List<String> entries = new ArrayList<>();
        for (String n : sorted) {
            if (req.prefix() != null && !n.startsWith(req.prefix())) {
                continue;
            }
            if (low != null && Names.UTF8_ORDER.compare(n, low) <= 0) {
                continue;
            }
            if (high != null && Names.UTF8_ORDER.compare(n, high) >= 0) {
                continue;
            }
            if (req.pathMode() && n.equals(req.prefix())) {
                continue; // Swift's container backend: "if name == path: continue"
            }
            int from = req.prefix() == null ? 0 : req.prefix().length();
            int d = req.delimiter() == null ? -1 : n.indexOf(req.delimiter(), from);
            String entry;
            if (d < 0) {
                entry = n;
            } else if (req.pathMode()) {
                if (d + 1 != n.length()) {
                    continue;
                }
                entry = n;
            } else {
                entry = "SUBDIR:" + n.substring(0, d + req.delimiter().length());
            }
            if (entry.startsWith("SUBDIR:") && !entries.isEmpty() && entries.get(entries.size() - 1).equals(entry)) {
                continue;
            }
            entries.add(entry);
        }
        if (req.reverse()) {
            Collections.reverse(entries);
        } else if (req.marker() != null) {
            entries.remove("SUBDIR:" + req.marker());
        }
        return entries.subList(0, Math.min(req.limit(), entries.size()));
    }
}
