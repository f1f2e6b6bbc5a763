package io.edgedistill.schemas.dlq;

import java.util.List;

/** Semantic checks a decoded record must pass; an empty list means valid. */
@FunctionalInterface
public interface RecordValidator<T> {
    List<String> violations(T record);

    static <T> RecordValidator<T> none() {
        return r -> List.of();
    }
}
