package io.tessera.swift.tempurl;

import io.tessera.swift.context.InfoSource;
import io.tessera.store.AccountInfo;
import io.tessera.store.ContainerInfo;
import io.tessera.swift.auth.TempUrlScope;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The keys that sign temporary URLs and form posts: up to two on the account
 * ({@code X-Account-Meta-Temp-URL-Key}, {@code -Key-2}) and two on the container
 * ({@code X-Container-Meta-Temp-URL-Key}, {@code -Key-2}); two of each so keys can be rotated.
 */
public final class TempUrlKeys {
    /** A key and what a signature made with it reaches. */
    public record Key(String secret, TempUrlScope scope) {
    }

    private TempUrlKeys() {
    }

    /** Account keys first, then container keys (none for a container that does not exist). */
    public static List<Key> of(InfoSource info, String account, String container) {
        List<Key> keys = new ArrayList<>();
        info.account(account).map(AccountInfo::metadata)
                .ifPresent(m -> add(keys, m, "x-account-meta-", TempUrlScope.account(account)));
        if (container != null) {
            info.container(account, container).map(ContainerInfo::metadata)
                    .ifPresent(m -> add(keys, m, "x-container-meta-", TempUrlScope.container(account, container)));
        }
        return keys;
    }

    private static void add(List<Key> keys, Map<String, String> metadata, String prefix, TempUrlScope scope) {
        for (String name : List.of("temp-url-key", "temp-url-key-2")) {
            String secret = metadata.get(prefix + name);
            if (secret != null && !secret.isEmpty()) {
                keys.add(new Key(secret, scope));
            }
        }
    }
}
