package io.tessera.swift.pithos.versions;

import static org.assertj.core.api.Assertions.assertThat;

import com.codahale.metrics.MetricRegistry;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tessera.hashmap.BlockHash;
import io.tessera.hashmap.BlockSize;
import io.tessera.store.Durability;
import io.tessera.store.MapId;
import io.tessera.store.ObjectVersion;
import io.tessera.store.PutCondition;
import io.tessera.store.Store;
import io.tessera.store.Timestamp;
import io.tessera.store.embedded.EmbeddedStore;
import io.tessera.swift.listing.ListingPager;
import io.tessera.swift.listing.ListingRequest;
import io.tessera.swift.versioning.VersionNames;
import jakarta.ws.rs.core.MultivaluedHashMap;
import jakarta.ws.rs.core.StreamingOutput;
import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Histories longer than a store page (1000 rows): the version list, {@code until} listings and purges
 * walk them a page at a time and still find the right rows.
 */
class HistoryPagingTest {
    private static final String ACCOUNT = "alice";
    private static final String C = "c";
    private static final String HIDDEN = VersionNames.hiddenContainer(C);
    private static final int VERSIONS = 2500;
    private static final long BASE = 1_700_000_000_000_000L;
    private static final Map<String, String> CONTAINER = Map.of("tessera-versions-container", HIDDEN,
            "tessera-versions-enabled", "True");

    @TempDir
    Path dir;
    Store store;

    @BeforeEach
    void open() {
        store = EmbeddedStore.open(dir.resolve("data"), new BlockSize(64 * 1024), Durability.RELAXED, new MetricRegistry());
        store.metadata().createContainer(ACCOUNT, C, Timestamp.now(), CONTAINER);
        store.metadata().createContainer(ACCOUNT, HIDDEN, Timestamp.now(), Map.of());
        MapId map = new MapId(BlockHash.of(new byte[BlockHash.LENGTH]), 0);
        for (int i = 0; i < VERSIONS; i++) {
            hidden("a", i, map);
        }
        hidden("b", 5, map);
        hidden("a/x", 7, map);
    }

    private void hidden(String name, int i, MapId map) {
        Timestamp t = at(i);
        store.metadata().putObject(new ObjectVersion(ACCOUNT, HIDDEN, VersionNames.versionObject(name, t), t, map,
                "etag", "text/plain", Map.of()), PutCondition.NONE);
    }

    private static Timestamp at(int i) {
        return new Timestamp(BASE + i * 10L);
    }

    @AfterEach
    void close() {
        store.close();
    }

    private List<String> versionIds(String name) throws Exception {
        VersionList list = new VersionList(store.metadata(), ACCOUNT, C, name, CONTAINER);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ((StreamingOutput) list.reply(new MultivaluedHashMap<>(), null).getEntity()).write(out);
        JsonNode versions = new ObjectMapper().readTree(out.toByteArray()).get("versions");
        List<String> ids = new java.util.ArrayList<>();
        versions.forEach(v -> ids.add(v.get(0).asText()));
        return ids;
    }

    @Test
    void theVersionListIsOldestFirstAcrossPages() throws Exception {
        List<String> ids = versionIds("a");
        assertThat(ids).hasSize(VERSIONS);
        assertThat(ids.get(0)).isEqualTo(PithosVersions.id(at(0)));
        assertThat(ids.get(VERSIONS - 1)).isEqualTo(PithosVersions.id(at(VERSIONS - 1)));
        assertThat(ids).isSorted();
        assertThat(versionIds("b")).containsExactly(PithosVersions.id(at(5)));
    }

    @Test
    void untilFindsAVersionBehindMoreThanAPageOfNewerOnes() {
        UntilListing until = new UntilListing(store.metadata());
        ListingRequest req = new ListingRequest(null, null, null, null, 10, false, false);
        List<ListingPager.Entry<ObjectVersion>> rows = until.objects(ACCOUNT, C, CONTAINER, req, at(1200));
        assertThat(rows).extracting(e -> e.item().name()).containsExactly("a", "a/x", "b");
        assertThat(PithosVersions.id(rows.get(0).item())).isEqualTo(PithosVersions.id(at(1200)));
        rows = until.objects(ACCOUNT, C, CONTAINER, req, at(6));
        assertThat(rows).extracting(e -> e.item().name()).containsExactly("a", "b");
        rows = until.objects(ACCOUNT, C, CONTAINER, new ListingRequest(null, null, "a", null, 10, false, false), at(2000));
        assertThat(rows).extracting(e -> e.item().name()).containsExactly("a/x", "b");
        rows = until.objects(ACCOUNT, C, CONTAINER, new ListingRequest(null, "/", null, null, 10, false, false), at(2000));
        assertThat(rows).extracting(e -> e.item() != null ? e.item().name() : e.subdir()).containsExactly("a", "a/", "b");
        rows = until.objects(ACCOUNT, C, CONTAINER, new ListingRequest(null, null, null, null, 1, false, false), at(2000));
        assertThat(rows).hasSize(1);
    }

    @Test
    void aPurgeRemovesMoreThanAPageOfVersionsAndNothingNewer() throws Exception {
        HistoryPurge purge = new HistoryPurge(store.metadata(), ACCOUNT, C, CONTAINER);
        purge.purgeObject("a", at(1200));
        List<String> ids = versionIds("a");
        assertThat(ids).hasSize(VERSIONS - 1201);
        assertThat(ids.get(0)).isEqualTo(PithosVersions.id(at(1201)));
        assertThat(versionIds("a/x")).hasSize(1);
        purge.purgeContainer(at(VERSIONS));
        assertThat(versionIds("a")).isEmpty();
        assertThat(versionIds("a/x")).isEmpty();
        assertThat(versionIds("b")).isEmpty();
    }
}
