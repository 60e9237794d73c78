/**
 * Test doubles that ship with the library, for unit-testing your own phases and tools without SSH
 * or servers; they need no test framework.
 *
 * <p>Start here:
 *
 * <ul>
 *   <li>{@link io.github.multihead.testing.RecordingTransport} — a strict mock {@code Transport}:
 *       scripted answers per node or for all nodes, an in-memory file system per node that answers
 *       every file operation, a record of what ran where with {@link
 *       io.github.multihead.testing.RecordingTransport#mark() marks} per run, and an {@code
 *       AssertionError} naming node and command for anything unexpected ({@code lenient()} opts
 *       out);
 *   <li>{@link io.github.multihead.testing.DebianNode} — a small stateful Debian node (packages,
 *       systemd units with restart counters, files, users, host name) so a phase test needs stubs
 *       only for site facts;
 *   <li>{@link io.github.multihead.testing.CommandMatchers} — self-describing {@link
 *       io.github.multihead.testing.CommandMatcher}s for stubs and assertions;
 *   <li>{@link io.github.multihead.testing.FakeClock} — a clock and sleeper that moves only when
 *       told, so polled postconditions take no time.
 * </ul>
 *
 * <p>With JUnit 5, add the {@code multihead-testing} artifact (test scope) and annotate the test
 * class with {@code @ExtendWith(io.github.multihead.testing.junit.MockTransportExtension.class)}:
 * it injects a fresh mock and clock into fields and parameters and verifies the mock after each
 * test. The worked example is {@code NodeExporterPhaseTest} in multihead-examples.
 *
 * <p>Nothing here accepts or returns null; absent values are {@code Optional}.
 */
package io.github.multihead.testing;
