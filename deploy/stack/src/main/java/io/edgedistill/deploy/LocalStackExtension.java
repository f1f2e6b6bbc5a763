package io.edgedistill.deploy;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * JUnit 5 extension that starts one {@link LocalStack} (real broker + real registry) per test run and
 * shares it between all test classes that use it; it is stopped when the run ends. Test methods and
 * constructors may take a {@link LocalStack} parameter, or call {@link #stack(ExtensionContext)}.
 *
 * <pre>{@code
 * @ExtendWith(LocalStackExtension.class)
 * class MyIT {
 *     @Test void works(LocalStack stack) { ... stack.bootstrapServers() ... }
 * }
 * }</pre>
 */
public final class LocalStackExtension implements BeforeAllCallback, ParameterResolver {

    private static final String KEY = LocalStackExtension.class.getName();

    @Override
    public void beforeAll(ExtensionContext context) {
        stack(context);
    }

    /** The shared stack, started on first use. */
    public static LocalStack stack(ExtensionContext context) {
        return context.getRoot().getStore(ExtensionContext.Namespace.GLOBAL)
                .getOrComputeIfAbsent(KEY, k -> new Resource(), Resource.class).stack;
    }

    @Override
    public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        return parameterContext.getParameter().getType() == LocalStack.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        return stack(extensionContext);
    }

    /** Closed by JUnit when the root context closes, i.e. at the end of the run. */
    @SuppressWarnings("deprecation")
    static final class Resource implements ExtensionContext.Store.CloseableResource {
        final LocalStack stack;

        Resource() {
            try {
                Path dir = Files.createTempDirectory("edgedistill-it-");
                this.stack = LocalStack.builder().dataDir(dir).build().start();
            } catch (java.io.IOException e) {
                throw new StackException("Cannot create a data directory for the test stack", e);
            }
        }

        @Override
        public void close() {
            stack.close();
        }
    }
}
