package io.tessera.swift.objects;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ObjectHeadersTest {

    @Test
    void detectedTypesFollowTheExtensionAsPythonMimetypesDoes() {
        assertThat(ObjectHeaders.contentType("text/ignored", true, "dir/photo.JPG")).isEqualTo("image/jpeg");
        assertThat(ObjectHeaders.contentType(null, false, "notes.txt")).isEqualTo("text/plain");
        assertThat(ObjectHeaders.contentType(null, false, "backup.tar.gz")).isEqualTo("application/x-tar");
        assertThat(ObjectHeaders.contentType(null, false, "no-extension")).isEqualTo("application/octet-stream");
        assertThat(ObjectHeaders.contentType(null, false, "dir.d/file")).isEqualTo("application/octet-stream");
        assertThat(ObjectHeaders.contentType("text/kept", false, "photo.jpg")).isEqualTo("text/kept");
    }
}
