package io.tessera.store;

/**
 * One entry of a {@link MetadataStore} path index partition: its key within the partition (ordered by
 * {@link Names#UTF8_ORDER}) and a short value.
 */
public record IndexEntry(String entry, String value) {
}
