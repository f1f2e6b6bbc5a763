package io.edgedistill.schemas.http;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;

import io.micronaut.context.annotation.Requires;
import io.micronaut.http.HttpRequest;
import io.micronaut.security.authentication.AuthenticationFailureReason;
import io.micronaut.security.authentication.AuthenticationRequest;
import io.micronaut.security.authentication.AuthenticationResponse;
import io.micronaut.security.authentication.provider.HttpRequestAuthenticationProvider;
import jakarta.inject.Singleton;

/** HTTP basic auth of every EdgeDistill service against its {@link HttpUsers} file, when {@code edgedistill.http.enabled}. */
@Singleton
@Requires(property = "edgedistill.http.enabled", value = "true")
public class HttpUsersAuthentication<B> implements HttpRequestAuthenticationProvider<B> {

    private final HttpUsers users;

    public HttpUsersAuthentication(HttpAccessConfig config) {
        try {
            this.users = HttpUsers.read(Path.of(config.usersFile()));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read edgedistill.http.users-file " + config.usersFile(), e);
        }
    }

    @Override
    public AuthenticationResponse authenticate(HttpRequest<B> request, AuthenticationRequest<String, String> auth) {
        return users.authenticate(auth.getIdentity(), auth.getSecret())
                .map(role -> AuthenticationResponse.success(auth.getIdentity(), List.of(role)))
                .orElseGet(() -> AuthenticationResponse.failure(AuthenticationFailureReason.CREDENTIALS_DO_NOT_MATCH));
    }
}
