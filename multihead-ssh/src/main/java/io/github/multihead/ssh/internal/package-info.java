/** Implementation of the SSH transport on Apache MINA SSHD. Not API: may change without notice. */
package io.github.multihead.ssh.internal;
