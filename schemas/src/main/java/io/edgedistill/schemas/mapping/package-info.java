/**
 * Adapters between the wire contracts and the distillation core's types: the one place where a record on a topic
 * is read into (or written from) what the algorithms use, shared by the edges and the cloud services so that their
 * readings cannot drift apart. Needs {@code distill-core} on the class path (an optional dependency of this module).
 */
package io.edgedistill.schemas.mapping;
