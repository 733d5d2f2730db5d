package io.tessera.swift.context;

import io.tessera.store.AccountInfo;
import io.tessera.store.ContainerInfo;
import java.util.Optional;

/**
 * Where middlewares read the account and container rows they consult (ACLs, quotas, temp URL keys,
 * CORS, static web, etag quoting): a request's {@link RequestContext}, which reads each row of its own
 * path at most once, over the shared {@link InfoCache}.
 */
public interface InfoSource {
    Optional<AccountInfo> account(String account);

    Optional<ContainerInfo> container(String account, String container);
}
