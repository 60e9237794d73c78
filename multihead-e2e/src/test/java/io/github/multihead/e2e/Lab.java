package io.github.multihead.e2e;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Boots a lab of real systemd nodes ({@code lab/lab up N --compute C}) once for the annotated test class and
 * tears it down after; test methods and constructors can take a {@link LabCluster}.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@ExtendWith(LabExtension.class)
public @interface Lab {
  /** How many controllers (nodes 1..N). */
  int nodes() default 3;

  /** How many Slurm compute nodes, after the controllers (nodes N+1..N+C, {@code compute_nodes}). */
  int compute() default 0;
}
