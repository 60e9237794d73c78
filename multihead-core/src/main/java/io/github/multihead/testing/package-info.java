/**
 * Test doubles that ship with the library, for testing your own phases and tools without SSH or
 * servers: {@link io.github.multihead.testing.RecordingTransport} (scripted responses, an in-memory
 * file system per node, assertions on what ran where) and {@link
 * io.github.multihead.testing.FakeClock}.
 */
package io.github.multihead.testing;
