/**
 * JUnit 5 support for the mock transport in {@code io.github.multihead.testing}: {@link
 * io.github.multihead.testing.junit.MockTransportExtension} injects a fresh strict {@code
 * RecordingTransport} and {@code FakeClock} into each test and fails it if an unexpected command
 * ran. A separate artifact ({@code multihead-testing}, test scope) so that multihead-core does not
 * depend on JUnit. Nothing here is null.
 */
package io.github.multihead.testing.junit;
