package io.tessera.swift.http;

import io.tessera.store.Store;
import io.tessera.store.gc.AccountStats;
import jakarta.ws.rs.core.Response;

/**
 * Physical space on an account HEAD (README, "Accounting"): what the collector's last mark counted for
 * the account. Absent until a collection (or {@code bin/tessera gc}) has run.
 * <ul>
 *   <li>{@code X-Account-Physical-Bytes-Used}: the distinct blocks its objects name, each counted once</li>
 *   <li>{@code X-Account-Dedup-Bytes-Saved}: logical bytes minus physical bytes</li>
 *   <li>{@code X-Account-Unique-Blocks}: how many distinct blocks</li>
 *   <li>{@code X-Account-Space-Computed-At}: when, in Swift's timestamp form</li>
 * </ul>
 * {@code X-Account-Bytes-Used} stays the logical size (Swift's meaning), kept live by the store.
 */
public final class AccountSpaceHeaders {
    private AccountSpaceHeaders() {
    }

    public static Response.ResponseBuilder add(Response.ResponseBuilder reply, Store store, String account) {
        AccountStats.read(store, account).ifPresent(s -> reply
                .header("X-Account-Physical-Bytes-Used", s.physicalBytes())
                .header("X-Account-Dedup-Bytes-Saved", s.dedupSavedBytes())
                .header("X-Account-Unique-Blocks", s.uniqueBlocks())
                .header("X-Account-Space-Computed-At", new io.tessera.store.Timestamp(s.computedAt() * 1000).toSwift()));
        return reply;
    }
}
