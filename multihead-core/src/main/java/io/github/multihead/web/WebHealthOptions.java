package io.github.multihead.web;

/**
 * What {@code Cluster.webHealth(WebHealthOptions)} asks: the VIP only ({@link #vipOnly()}, the
 * default) or also every web node on its own address ({@link #allNodes()}), and how many days of
 * certificate validity are enough before it warns (default {@value #DEFAULT_CERTIFICATE_WARNING_DAYS}).
 * Immutable.
 */
public final class WebHealthOptions {
  /** Fewer days left than this makes a certificate "expiring" (degraded). */
  public static final int DEFAULT_CERTIFICATE_WARNING_DAYS = 14;

  private final boolean allNodes;
  private final int certificateWarningDays;

  private WebHealthOptions(boolean allNodes, int certificateWarningDays) {
    if (certificateWarningDays < 0) {
      throw new IllegalArgumentException("certificate warning days must be >= 0, not " + certificateWarningDays);
    }
    this.allNodes = allNodes;
    this.certificateWarningDays = certificateWarningDays;
  }

  /**
   * The VIP only (what clients use). A cluster without a VIP (no keepalived controllers) has its
   * web nodes probed instead.
   */
  public static WebHealthOptions vipOnly() {
    return new WebHealthOptions(false, DEFAULT_CERTIFICATE_WARNING_DAYS);
  }

  /** The VIP and every web node on its own address. */
  public static WebHealthOptions allNodes() {
    return new WebHealthOptions(true, DEFAULT_CERTIFICATE_WARNING_DAYS);
  }

  /** These options with another warning threshold, in days. */
  public WebHealthOptions withCertificateWarningDays(int days) {
    return new WebHealthOptions(allNodes, days);
  }

  /** True when every web node is probed too, not only the VIP. */
  public boolean isAllNodes() {
    return allNodes;
  }

  public int certificateWarningDays() {
    return certificateWarningDays;
  }

  @Override
  public String toString() {
    return "WebHealthOptions[" + (allNodes ? "all nodes" : "VIP only") + ", warn under " + certificateWarningDays + " days]";
  }
}
