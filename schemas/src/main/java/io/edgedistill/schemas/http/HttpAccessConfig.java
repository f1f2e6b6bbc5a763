package io.edgedistill.schemas.http;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.bind.annotation.Bindable;

/**
 * Who may use a service's HTTP API, declared once for every service: {@code edgedistill.http.*}. Off, every endpoint is
 * open (the plain demo, a developer's machine); on, requests authenticate with HTTP basic auth against
 * {@link HttpUsers}: reading needs {@code observer} or {@code operator}, changing (POST) needs {@code operator}, and
 * {@code /health} stays open for probes. The switch also turns {@code micronaut.security.enabled} on (each service's
 * application.yml).
 *
 * @param enabled   authenticate every request but {@code /health}
 * @param usersFile the users file ({@link HttpUsers}); on a secured local stack {@code <data>/security/http-users.properties}
 */
@ConfigurationProperties("edgedistill.http")
public record HttpAccessConfig(
        @Bindable(defaultValue = "false") boolean enabled,
        @Bindable(defaultValue = "") String usersFile) {

    public HttpAccessConfig {
        usersFile = usersFile == null ? "" : usersFile.strip();
        if (enabled && usersFile.isEmpty()) {
            throw new IllegalArgumentException("edgedistill.http.enabled needs edgedistill.http.users-file");
        }
    }
}
