package io.tessera.swift.listing;

import static org.assertj.core.api.Assertions.assertThat;

import io.tessera.hashmap.BlockHash;
import io.tessera.store.MapId;
import io.tessera.store.Names;
import io.tessera.store.ObjectVersion;
import io.tessera.store.PutCondition;
import io.tessera.store.Store;
import io.tessera.store.StoreContractTest;
import io.tessera.store.Timestamp;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The pager on a real backend, walked page by page as a client does (each page's last entry is the next
 * marker), over names at the edges of UTF-8: every page and the whole walk equal Swift's listing computed
 * the slow, obvious way ({@link ListingPagerTest#reference}). Run per backend by the subclasses.
 */
@Timeout(300)
abstract class ListingPagerStoreTest {
    private Store store;

    abstract Store openStore() throws Exception;

    /** Names stored, and random requests walked over them. */
    abstract int names();

    abstract int requests();

    @AfterEach
    void close() throws Exception {
        if (store != null) {
            store.close();
        }
    }

    @Test
    void walksOfRandomRequestsEqualTheBruteForceListing() throws Exception {
        store = openStore();
        store.metadata().createContainer("alice", "walk", Timestamp.now(), Map.of());
        Random r = new Random(5);
        TreeSet<String> names = new TreeSet<>(Names.UTF8_ORDER);
        MapId map = new MapId(BlockHash.of(new byte[BlockHash.LENGTH]), 0);
        long micros = 1_000;
        while (names.size() < names()) {
            String name = StoreContractTest.nastyName(r, 5);
            if (names.add(name)) {
                store.metadata().putObject(new ObjectVersion("alice", "walk", name, new Timestamp(micros++), map,
                        "etag", "application/octet-stream", Map.of()), PutCondition.NONE);
            }
        }
        List<String> sorted = new ArrayList<>(names);
        ListingPager<ObjectVersion> pager = new ListingPager<>(
                q -> store.metadata().listObjects("alice", "walk", q), ObjectVersion::name);
        for (int i = 0; i < requests(); i++) {
            ListingRequest req = randomRequest(r);
            List<String> whole = ListingPagerTest.reference(sorted, withLimit(req, Integer.MAX_VALUE, req.marker()));
            List<String> walked = new ArrayList<>();
            String marker = req.marker();
            for (int pages = 0; pages <= whole.size() / req.limit() + 1; pages++) {
                ListingRequest pageReq = withLimit(req, req.limit(), marker);
                List<String> page = pager.page(pageReq).stream()
                        .map(e -> e.item() != null ? e.item().name() : "SUBDIR:" + e.subdir()).toList();
                assertThat(page).as("request %d: %s", i, pageReq).isEqualTo(ListingPagerTest.reference(sorted, pageReq));
                walked.addAll(page);
                if (page.size() < req.limit()) {
                    break;
                }
                String last = page.get(page.size() - 1);
                marker = last.startsWith("SUBDIR:") ? last.substring("SUBDIR:".length()) : last;
            }
            assertThat(walked).as("walk %d: %s", i, req).isEqualTo(whole);
        }
    }

    private static ListingRequest withLimit(ListingRequest req, int limit, String marker) {
        return new ListingRequest(req.prefix(), req.delimiter(), marker, req.endMarker(), limit, req.reverse(),
                req.pathMode());
    }

    private static ListingRequest randomRequest(Random r) {
        boolean pathMode = r.nextInt(8) == 0;
        String prefix = r.nextInt(3) == 0 ? StoreContractTest.nastyName(r, 2) : null;
        String delimiter = r.nextInt(4) > 0 ? StoreContractTest.nastyName(r, r.nextInt(5) == 0 ? 2 : 1) : null;
        if (pathMode) {
            prefix = prefix == null ? null : prefix.replaceAll("/+$", "") + "/";
            prefix = "/".equals(prefix) ? null : prefix;
            delimiter = "/";
        }
        return new ListingRequest(prefix, delimiter,
                r.nextInt(4) == 0 ? StoreContractTest.nastyName(r, 3) : null,
                r.nextInt(5) == 0 ? StoreContractTest.nastyName(r, 3) : null,
                1 + r.nextInt(8), r.nextBoolean(), pathMode);
    }
}
