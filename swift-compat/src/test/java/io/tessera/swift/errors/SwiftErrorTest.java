package io.tessera.swift.errors;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class SwiftErrorTest {
    @Test
    void everyCodeIsUniqueAndLooksItselfUp() {
        assertThat(Arrays.stream(SwiftError.values()).map(SwiftError::code)).doesNotHaveDuplicates();
        for (SwiftError e : SwiftError.values()) {
            assertThat(SwiftError.of(e.code())).as(e.name()).isSameAs(e);
        }
    }

    @Test
    void aCodeSwiftNeverAnswersWithIsTakenAsTheNearest() {
        assertThat(SwiftError.of(418)).isSameAs(SwiftError.BAD_REQUEST);
        assertThat(SwiftError.of(507)).isSameAs(SwiftError.INTERNAL_ERROR);
    }

    @Test
    void statusLinesReadAsSwiftsBulkBodiesHaveThem() {
        assertThat(SwiftError.REQUEST_ENTITY_TOO_LARGE.statusLine()).isEqualTo("413 Request Entity Too Large");
        assertThat(SwiftError.REQUESTED_RANGE_NOT_SATISFIABLE.statusLine())
                .isEqualTo("416 Requested Range Not Satisfiable");
        assertThat(SwiftError.UNPROCESSABLE_ENTITY.statusLine()).isEqualTo("422 Unprocessable Entity");
        assertThat(SwiftError.CLIENT_DISCONNECT.statusLine()).isEqualTo("499 Client Disconnect");
        assertThat(SwiftError.INTERNAL_ERROR.statusLine()).isEqualTo("500 Internal Error");
        assertThat(SwiftError.BAD_GATEWAY.statusLine()).isEqualTo("502 Bad Gateway");
    }

    @Test
    void pagesAreSwobsStockBodies() {
        assertThat(SwiftError.UNAUTHORIZED.page()).isEqualTo("<html><h1>Unauthorized</h1><p>This server could not "
                + "verify that you are authorized to access the document you requested.</p></html>");
        assertThat(SwiftError.NOT_FOUND.page())
                .isEqualTo("<html><h1>Not Found</h1><p>The resource could not be found.</p></html>");
        assertThat(SwiftError.MOVED_PERMANENTLY.page())
                .isEqualTo("<html><h1>Moved Permanently</h1><p>The resource has moved permanently.</p></html>");
        assertThat(SwiftError.NOT_MODIFIED.page()).as("a 304 has no body").isEmpty();
    }

    @Test
    void theInternalErrorPageKeepsItsOwnHeading() {
        assertThat(SwiftError.INTERNAL_ERROR.page()).isEqualTo("<html><h1>Internal Server Error</h1>"
                + "<p>The server has either erred or is incapable of performing the requested operation.</p></html>");
    }

    @Test
    void aMessageReplacesThePage() {
        assertThat(SwiftError.BAD_REQUEST.exception("Invalid path").body()).isEqualTo("Invalid path");
        assertThat(SwiftError.BAD_REQUEST.exception("").body()).isEqualTo(SwiftError.BAD_REQUEST.page());
        assertThat(SwiftError.CONFLICT.exception().body()).isEqualTo(SwiftError.CONFLICT.page());
        assertThat(SwiftError.CONFLICT.exception().error()).isSameAs(SwiftError.CONFLICT);
    }
}
