package io.tessera.server.config;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * Everything a user can set, as read from {@code conf/tessera.yaml} (snake_case keys; an unknown
 * key is an error, so a typo never silently falls back to a default). Environment variables
 * override the file: see {@link ConfigLoader}.
 */
public record TesseraConfig(@JsonProperty("server") Server server,
                            @JsonProperty("store") StoreSettings store,
                            @JsonProperty("auth") Auth auth) {

    public TesseraConfig {
        server = server != null ? server : new Server(null, null, null, null, null);
        store = store != null ? store : new StoreSettings(null, null, null, null);
        auth = auth != null ? auth : new Auth(null, null);
    }

    public record Server(@JsonProperty("host") String host,
                         @JsonProperty("port") Integer port,
                         @JsonProperty("public_url") String publicUrl,
                         @JsonProperty("idle_timeout_seconds") Integer idleTimeoutSeconds,
                         @JsonProperty("access_log") Boolean accessLog) {
        public Server {
            host = host != null ? host : "127.0.0.1";
            port = port != null ? port : 8080;
            idleTimeoutSeconds = idleTimeoutSeconds != null ? idleTimeoutSeconds : 60;
            accessLog = accessLog != null && accessLog;
        }
    }

    public record StoreSettings(@JsonProperty("backend") String backend,
                                @JsonProperty("data_dir") String dataDir,
                                @JsonProperty("block_size") Integer blockSize,
                                @JsonProperty("durability") String durability) {
        public StoreSettings {
            backend = backend != null ? backend : "embedded";
            dataDir = dataDir != null ? dataDir : "data";
            blockSize = blockSize != null ? blockSize : 4 * 1024 * 1024;
            durability = durability != null ? durability : "durable";
        }
    }

    public record Auth(@JsonProperty("users_file") String usersFile,
                       @JsonProperty("token_ttl_seconds") Integer tokenTtlSeconds) {
        public Auth {
            usersFile = usersFile != null ? usersFile : "users.yaml";
            tokenTtlSeconds = tokenTtlSeconds != null ? tokenTtlSeconds : 86_400;
        }
    }

    TesseraConfig withServer(Server s) {
        return new TesseraConfig(s, store, auth);
    }

    TesseraConfig withStore(StoreSettings s) {
        return new TesseraConfig(server, s, auth);
    }
}
