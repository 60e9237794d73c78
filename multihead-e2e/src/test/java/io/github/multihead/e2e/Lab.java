package io.github.multihead.e2e;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Boots a lab of real systemd nodes ({@code lab/lab up N}) once for the annotated test class and
 * tears it down after; test methods and constructors can take a {@link LabCluster}.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@ExtendWith(LabExtension.class)
public @interface Lab {
  /** How many nodes. */
  int nodes() default 3;
}
