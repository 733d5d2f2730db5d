package io.tessera.swift.context;

import io.tessera.store.ContainerInfo;
import java.util.Optional;

/**
 * Container rows as the store has them now, for what a write acts on (does the container exist, where
 * do its versions go): never a row another frontend may have changed seconds ago. A request's
 * {@link RequestContext#containerFromStore} reads its own container at most once.
 */
@FunctionalInterface
public interface ContainerRows {
    Optional<ContainerInfo> container(String account, String container);
}
