package io.tessera.volumes;

/** A refusal with the HTTP status the REST API answers (the NBD server maps it to its own errors). */
public final class VolumeException extends RuntimeException {
    private final int status;

    public VolumeException(int status, String message) {
        super(message);
        this.status = status;
    }

    public int status() {
        return status;
    }

    public static VolumeException notFound(String what) {
        return new VolumeException(404, what + " does not exist");
    }

    public static VolumeException badRequest(String why) {
        return new VolumeException(400, why);
    }

    public static VolumeException conflict(String why) {
        return new VolumeException(409, why);
    }
}
