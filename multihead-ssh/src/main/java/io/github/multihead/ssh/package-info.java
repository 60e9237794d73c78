/**
 * The SSH transport: {@link io.github.multihead.ssh.SshTransport} (start here), its
 * {@link io.github.multihead.ssh.SshExecutor}s and {@link io.github.multihead.ssh.PassphraseProvider}. No Apache MINA SSHD type appears in
 * this package's signatures. Nothing here accepts or returns null unless documented.
 */
package io.github.multihead.ssh;
