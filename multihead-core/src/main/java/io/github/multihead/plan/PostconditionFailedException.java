package io.github.multihead.plan;

import io.github.multihead.MultiheadException;

/** A phase's steps all succeeded but the cluster does not show the result the phase promises. */
public class PostconditionFailedException extends MultiheadException {
  private static final long serialVersionUID = 1L;

  public PostconditionFailedException(int phase, String phaseName, String check, String detail) {
    super(("phase " + phase + " '" + phaseName + "': postcondition '" + check + "' failed: " + detail).replace('\n', ' '));
  }
}
