package io.github.multihead.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.multihead.spec.Secret;
import java.util.List;
import java.util.stream.Collectors;
import org.example.outside.UserCode;
import org.junit.jupiter.api.Test;

/** "A secret has no getter" holds for code outside the library, though SecretAccess is public. */
class SecretAccessTest {
  private static final Secret SECRET = Secret.of("outside-must-not-read-1");

  @Test
  void aClassOutsideTheLibraryCannotRevealASecret() {
    IllegalCallerException e = assertThrows(IllegalCallerException.class, () -> UserCode.readSecret(SECRET));
    assertTrue(e.getMessage().contains("org.example.outside.UserCode"), e.getMessage());
    assertFalse(e.getMessage().contains("outside-must-not-read-1"));
  }

  @Test
  void aClassOutsideTheLibraryCannotReplaceTheAccessor() {
    assertThrows(IllegalCallerException.class, UserCode::replaceAccessor);
    assertEquals("outside-must-not-read-1", SecretAccess.reveal(SECRET)); // still the real accessor
  }

  @Test
  void aMethodReferenceFromJdkCodeIsNotALibraryCaller() {
    // the direct caller is then a JDK stream class: refused, which is why the library calls reveal directly
    assertThrows(IllegalCallerException.class,
        () -> List.of(SECRET).stream().map(SecretAccess::reveal).collect(Collectors.toList()));
  }

  @Test
  void libraryClassesCanReveal() {
    assertEquals("outside-must-not-read-1", SecretAccess.reveal(SECRET));
  }
}
