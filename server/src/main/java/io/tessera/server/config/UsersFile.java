package io.tessera.server.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/** {@code conf/users.yaml}: the users who may authenticate, with hashed keys (see {@code bin/tessera hash-key}). */
public record UsersFile(@JsonProperty("users") List<Entry> users) {
    public UsersFile {
        users = users != null ? users : List.of();
    }

    public record Entry(@JsonProperty("user") String user,
                        @JsonProperty("key_hash") String keyHash,
                        @JsonProperty("account") String account,
                        @JsonProperty("roles") List<String> roles) {
        public Entry {
            roles = roles != null ? roles : List.of();
        }
    }
}
