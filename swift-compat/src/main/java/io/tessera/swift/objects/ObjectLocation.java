package io.tessera.swift.objects;

import io.tessera.swift.errors.SwiftException;
import io.tessera.swift.http.HeaderText;
import io.tessera.swift.http.SwiftPath;

/** A container and object named by a header such as {@code X-Copy-From} or {@code Destination}: {@code [/]container/object}, URL-encoded. */
public record ObjectLocation(String account, String container, String object) {

    public static ObjectLocation parse(String header, String account, String headerName) {
        String v = HeaderText.fromWire(header.trim());
        if (v.startsWith("/")) {
            v = v.substring(1);
        }
        int slash = v.indexOf('/');
        if (slash <= 0 || slash == v.length() - 1) {
            throw SwiftException.preconditionFailed(headerName + " header must be of the form <container name>/<object name>");
        }
        return new ObjectLocation(account, SwiftPath.decode(v.substring(0, slash)), SwiftPath.decode(v.substring(slash + 1)));
    }
}
