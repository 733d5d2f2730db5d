package io.tessera.store;

import java.util.Objects;

/**
 * What a public link's token names in the store's token index ({@link MetadataStore#getPublicLink}): the
 * path of an object. The index is only a pointer: the object's own row says whether it is still public
 * under this token, and every reader checks that row before it serves anything.
 */
public record PublicLink(String account, String container, String object) {
    public PublicLink {
        Objects.requireNonNull(account, "account");
        Objects.requireNonNull(container, "container");
        Objects.requireNonNull(object, "object");
    }
}
