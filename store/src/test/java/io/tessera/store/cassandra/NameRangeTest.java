package io.tessera.store.cassandra;

import static org.assertj.core.api.Assertions.assertThat;

import io.tessera.store.ListQuery;
import io.tessera.store.Names;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The slice bounds a listing becomes; no Cassandra needed. */
class NameRangeTest {

    @Test
    void everyNameInsideTheRangeMatchesTheQueryAndNoneOutside() {
        List<String> names = List.of("", "a", "a\0", "ab", "abc", "abd", "ab\uFFFF", "ab\uD83D\uDE00", "ac", "b",
                "\uFF5E", "\uD83D\uDE00x");
        List<ListQuery> queries = List.of(
                new ListQuery("ab", null, null, false, 10),
                new ListQuery("ab", "abc", null, false, 10),
                new ListQuery("ab", null, "abd", false, 10),
                new ListQuery(null, "a", "ac", false, 10),
                new ListQuery("a", "zzz", null, false, 10),
                new ListQuery(null, "\uFF5E", null, false, 10),
                new ListQuery("\uFF5E", null, null, false, 10));
        for (ListQuery q : queries) {
            NameRange r = NameRange.of(q);
            for (String n : names) {
                boolean inside = Names.UTF8_ORDER.compare(n, r.lower()) >= 0
                        && (r.upper() == null || Names.UTF8_ORDER.compare(n, r.upper()) < 0);
                assertThat(inside).as("%s in %s for %s", n, r, q).isEqualTo(q.matches(n));
            }
        }
        assertThat(NameRange.of(new ListQuery("a", "zzz", null, false, 10)).isEmpty()).isTrue();
    }
}
