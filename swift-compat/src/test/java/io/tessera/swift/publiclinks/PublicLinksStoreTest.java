package io.tessera.swift.publiclinks;

import static org.assertj.core.api.Assertions.assertThat;

import com.codahale.metrics.MetricRegistry;
import io.tessera.hashmap.BlockHash;
import io.tessera.hashmap.BlockSize;
import io.tessera.store.Durability;
import io.tessera.store.MapId;
import io.tessera.store.MetadataStore;
import io.tessera.store.ObjectVersion;
import io.tessera.store.PublicLink;
import io.tessera.store.PutCondition;
import io.tessera.store.Store;
import io.tessera.store.Timestamp;
import io.tessera.store.embedded.EmbeddedStore;
import io.tessera.swift.listing.ListingPager;
import io.tessera.swift.listing.ListingRequest;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The token index is only a pointer (stale entries serve nothing), and the {@code ?public} filter pages right. */
class PublicLinksStoreTest {
    @TempDir
    Path dir;
    Store store;
    MetadataStore meta;
    final MapId map = new MapId(BlockHash.of(new byte[BlockHash.LENGTH]), 0);
    long micros = 1_000;

    @BeforeEach
    void open() {
        store = EmbeddedStore.open(dir.resolve("data"), new BlockSize(64 * 1024), Durability.RELAXED, new MetricRegistry());
        meta = store.metadata();
        meta.createContainer("alice", "c", Timestamp.now(), Map.of());
    }

    @AfterEach
    void close() {
        store.close();
    }

    void put(String name, Map<String, String> metadata) {
        meta.putObject(new ObjectVersion("alice", "c", name, new Timestamp(micros++), map, "etag",
                "application/octet-stream", metadata), PutCondition.NONE);
    }

    /**
     * A PUT with X-Object-Public publishes its row, then the token in a follow-up row: a write by someone
     * else that landed in between keeps its place (the follow-up is two microseconds after the first row,
     * so older than the other write, and ignored), instead of the first row's content coming back over it.
     */
    @Test
    void aFollowUpRowNeverPutsOldContentBackOverALaterWrite() {
        put("o", Map.of());
        ObjectVersion first = meta.getObject("alice", "c", "o").orElseThrow();
        micros += 1_000;
        ObjectVersion other = new ObjectVersion("alice", "c", "o", new Timestamp(micros++), map, "someone-else",
                "text/plain", Map.of());
        meta.putObject(other, PutCondition.NONE);
        new PublicLinks(meta).set(first, true, io.tessera.swift.writes.WritePipeline.belowVersioning(store));
        assertThat(meta.getObject("alice", "c", "o").orElseThrow().etag()).as("the later write stays").isEqualTo("someone-else");

        // With nothing in between, the follow-up replaces the first row: the same content, now public.
        put("p", Map.of());
        ObjectVersion alone = meta.getObject("alice", "c", "p").orElseThrow();
        new PublicLinks(meta).set(alone, true, io.tessera.swift.writes.WritePipeline.belowVersioning(store));
        ObjectVersion now = meta.getObject("alice", "c", "p").orElseThrow();
        assertThat(PublicLinks.tokenOf(now)).isNotNull();
        assertThat(now.timestamp().micros()).isEqualTo(alone.timestamp().micros() + 2);
    }

    @Test
    void aStaleIndexEntryServesNothing() {
        PublicLinks links = new PublicLinks(meta);
        // a claim whose row was never written (a crash between the two writes)
        meta.putPublicLinkIfAbsent("crashed", new PublicLink("alice", "c", "o"));
        put("o", Map.of());
        assertThat(links.lookup("crashed")).isEmpty();
        // the row holds another token (unpublished, then published again)
        put("o", Map.of(PublicLinks.KEY, "current"));
        meta.putPublicLinkIfAbsent("current", new PublicLink("alice", "c", "o"));
        assertThat(links.lookup("crashed")).isEmpty();
        assertThat(links.lookup("current")).get().extracting(ObjectVersion::name).isEqualTo("o");
        // an expired row is gone
        put("o", Map.of(PublicLinks.KEY, "current", "x-delete-at", "1"));
        assertThat(links.lookup("current")).isEmpty();
        // a deleted row is gone, and the index names a path with no row
        put("o", Map.of(PublicLinks.KEY, "current"));
        meta.deleteObject("alice", "c", "o", Timestamp.now());
        assertThat(links.lookup("current")).isEmpty();
        // a row elsewhere holding the token does not count: only the indexed path's row does
        put("elsewhere", Map.of(PublicLinks.KEY, "current"));
        assertThat(links.lookup("current")).isEmpty();
        assertThat(links.lookup("not a token")).isEmpty();
    }

    @Test
    void publishingAgainRepairsALostIndexEntry() {
        PublicLinks links = new PublicLinks(meta);
        io.tessera.swift.writes.Publisher below = io.tessera.swift.writes.WritePipeline.belowVersioning(store);
        put("o", Map.of());
        ObjectVersion v = meta.getObject("alice", "c", "o").orElseThrow();
        ObjectVersion published = links.set(v, true, below);
        String token = PublicLinks.tokenOf(published);
        assertThat(links.lookup(token)).isPresent();
        // a racing unpublish removed the entry while an overwrite carried the token on in the row
        meta.removePublicLink(token);
        assertThat(links.lookup(token)).isEmpty();
        ObjectVersion again = links.publishPost(published, new ObjectVersion("alice", "c", "o", Timestamp.now(), map,
                "etag", "application/octet-stream", published.metadata()), true, below);
        assertThat(PublicLinks.tokenOf(again)).isEqualTo(token);
        assertThat(links.lookup(token)).isPresent();
    }

    @Test
    void thePublicFilterWalksLikeAFilteredListing() {
        Random r = new Random(7);
        List<String> publicNames = new ArrayList<>();
        for (int i = 0; i < 1500; i++) {
            String name = String.format("n%04d", i);
            boolean pub = r.nextInt(40) == 0;
            put(name, pub ? Map.of(PublicLinks.KEY, "t" + i) : Map.of());
            if (pub) {
                publicNames.add(name);
            }
        }
        ListingPager<ObjectVersion> pager = new ListingPager<>(
                PublicListing.objects(q -> meta.listObjects("alice", "c", q)), ObjectVersion::name);
        for (int limit : new int[]{1, 2, 7, 1000}) {
            for (boolean reverse : new boolean[]{false, true}) {
                List<String> expected = new ArrayList<>(publicNames);
                if (reverse) {
                    java.util.Collections.reverse(expected);
                }
                List<String> walked = new ArrayList<>();
                String marker = null;
                while (true) {
                    List<String> page = pager.page(new ListingRequest(null, null, marker, null, limit, reverse, false))
                            .stream().map(e -> e.item().name()).toList();
                    walked.addAll(page);
                    if (page.size() < limit) {
                        break;
                    }
                    marker = page.get(page.size() - 1);
                }
                assertThat(walked).as("limit %d reverse %s", limit, reverse).isEqualTo(expected);
            }
        }
    }
}
