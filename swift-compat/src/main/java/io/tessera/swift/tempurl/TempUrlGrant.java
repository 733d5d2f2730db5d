package io.tessera.swift.tempurl;

import io.tessera.swift.auth.TempUrlScope;

/**
 * A request let in by a valid temporary URL: what it reaches, when the URL expires, and how a
 * download should be presented ({@code filename}, {@code inline}). Kept in the request's context.
 */
public record TempUrlGrant(TempUrlScope scope, long expires, String filename, boolean inline) {
}
