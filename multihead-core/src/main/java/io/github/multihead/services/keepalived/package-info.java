/**
 * Keepalived (phase 5): the floating VIP. Start here: {@link
 * io.github.multihead.services.keepalived.Keepalived}. Everything else is package-private: the
 * config ({@code KeepalivedConfig}, written by {@code KeepalivedFile}), the evidence ({@code
 * VipAddresses}), the phase and its handlers, the checks ({@code VipChecks}). Nothing is null.
 */
package io.github.multihead.services.keepalived;
