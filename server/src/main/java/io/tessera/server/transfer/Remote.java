package io.tessera.server.transfer;

/**
 * The remote half of a command line, {@code container[/path]}: the container and the object name or
 * prefix after its first slash (empty when none is given).
 */
record Remote(String container, String path) {
    static Remote parse(String s) throws TransferException {
        if (s == null || s.isEmpty() || s.startsWith("/")) {
            throw new TransferException(TransferException.USAGE, "the remote side is container/path, not '" + s + "'");
        }
        int slash = s.indexOf('/');
        String container = slash < 0 ? s : s.substring(0, slash);
        String path = slash < 0 ? "" : s.substring(slash + 1);
        if (container.length() > 256) {
            throw new TransferException(TransferException.USAGE, "a container name has at most 256 characters");
        }
        if (path.length() > 1024) {
            throw new TransferException(TransferException.USAGE, "an object name has at most 1024 characters");
        }
        return new Remote(container, path);
    }

    /** The object for a local file named {@code fileName}: the path, or the file name in it when it names a folder. */
    String objectFor(String fileName) {
        return path.isEmpty() || path.endsWith("/") ? path + fileName : path;
    }

    @Override
    public String toString() {
        return path.isEmpty() ? container : container + "/" + path;
    }
}
