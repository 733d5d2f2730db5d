package io.tessera.swift.objects;

import io.tessera.swift.errors.SwiftError;
import io.tessera.swift.http.HeaderText;
import io.tessera.swift.http.SwiftPath;

/**
 * A container and object named by a header such as {@code X-Copy-From} or {@code Destination}:
 * {@code [/]container/object}, URL-encoded, decoded before it is split (an encoded slash separates, as
 * in Swift and as in the request path).
 */
public record ObjectLocation(String account, String container, String object) {

    public static ObjectLocation parse(String header, String account, String headerName) {
        String[] parts = SwiftPath.splitDecoded(HeaderText.fromWire(header.trim()), headerName);
        if (parts == null || parts[1].isEmpty()) {
            throw SwiftError.PRECONDITION_FAILED.exception(headerName
                    + " header must be of the form <container name>/<object name>");
        }
        return new ObjectLocation(account, parts[0], parts[1]);
    }
}
