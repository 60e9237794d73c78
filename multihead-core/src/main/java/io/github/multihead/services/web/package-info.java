/**
 * The Web home (phase 6): nginx with one shared TLS certificate on every web controller, the
 * Slurm REST API behind {@code /api/jobs/}, a Slurm token gateway behind {@code /api/auth/token},
 * the dashboard files and the user services of {@code web.services[]}. Start here: {@link
 * io.github.multihead.services.web.Web}. Everything else is package-private: the files ({@code
 * WebFiles}, the nginx site written by {@code NginxFile}), the certificate evidence ({@code
 * Certificate}) and its chooser ({@code CertChooser}), the steps ({@code WebSteps}), the checks
 * ({@code WebChecks}). Nothing is null.
 */
package io.github.multihead.services.web;
