package io.tessera.swift.auth;

import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/** The configured users, by name. */
public final class UserDirectory {
    private final Map<String, User> users;

    public UserDirectory(Collection<User> users) {
        this.users = users.stream().collect(Collectors.toUnmodifiableMap(User::name, Function.identity()));
    }

    /** The first (by name) user whose account is {@code account}: the account's display name. */
    public Optional<User> firstOfAccount(String account) {
        return users.values().stream().filter(u -> u.account().equals(account))
                .min(java.util.Comparator.comparing(User::name));
    }

    /** The account's own spelling, compared without regard to case (Pithos sharing entries are lower-case). */
    public Optional<String> accountSpelled(String account) {
        return users.values().stream().map(User::account).filter(a -> a.equalsIgnoreCase(account)).min(String::compareTo);
    }

    public Optional<User> find(String name) {
        return Optional.ofNullable(users.get(name));
    }

    /** The user if {@code key} is theirs. Always runs the hash, so timing does not tell whether a name exists. */
    public Optional<User> authenticate(String name, String key) {
        User user = users.get(name);
        if (user == null) {
            KeyHasher.verify(key, DUMMY_HASH);
            return Optional.empty();
        }
        return KeyHasher.verify(key, user.keyHash()) ? Optional.of(user) : Optional.empty();
    }

    private static final String DUMMY_HASH = KeyHasher.hash("not a user");
}
