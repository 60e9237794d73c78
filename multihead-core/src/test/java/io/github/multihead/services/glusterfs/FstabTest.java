package io.github.multihead.services.glusterfs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.github.multihead.TestSpecs;
import io.github.multihead.spec.ClusterSpec;
import io.github.multihead.spec.GlusterSettings;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The volume's /etc/fstab line: golden output for the seed's spec, other lines kept, a fixed point. */
class FstabTest {
  static final String DEBIAN = "# /etc/fstab: static file system information.\n"
      + "#\n"
      + "# <file system> <mount point>   <type>  <options>       <dump>  <pass>\n"
      + "UUID=0a1b2c3d-1111-2222-3333-444455556666 /               ext4    errors=remount-ro 0       1\n"
      + "UUID=9f8e7d6c-aaaa-bbbb-cccc-ddddeeeeffff none            swap    sw              0       0\n";

  private static String golden(String name) throws IOException {
    try (InputStream in = FstabTest.class.getResourceAsStream("/golden/glusterfs/" + name)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  @Test
  void theSeedsVolumeIsAddedAsOneMarkedLineAndEveryOtherLineIsKept() throws IOException {
    GlusterSettings g = TestSpecs.seed().gluster();
    String edited = Fstab.edit(DEBIAN, g.volumeName(), g.mountPoint());
    assertEquals(golden("fstab"), edited);
    assertEquals(edited, Fstab.edit(edited, g.volumeName(), g.mountPoint()), "a second run changes nothing");
  }

  @Test
  void aChangedSettingRewritesTheMarkedLineInPlace() throws IOException {
    ClusterSpec spec = TestSpecs.seed();
    String edited = Fstab.edit(golden("fstab") + "tmpfs /scratch tmpfs defaults 0 0\n", "vol2", spec.gluster().mountPoint());
    assertEquals(DEBIAN + Fstab.MARKER + "\nlocalhost:/vol2 /mnt/gluster glusterfs defaults,_netdev 0 0\n"
        + "tmpfs /scratch tmpfs defaults 0 0\n", edited);
  }

  @Test
  void anEntryForTheSameMountPointIsKeptAsACommentNotDuplicated() {
    String old = DEBIAN + "server1:/gluster_volume /mnt/gluster glusterfs defaults,_netdev 0 0\n";
    String edited = Fstab.edit(old, "gluster_volume", "/mnt/gluster");
    assertEquals(DEBIAN + Fstab.REPLACED + "server1:/gluster_volume /mnt/gluster glusterfs defaults,_netdev 0 0\n"
        + Fstab.MARKER + "\nlocalhost:/gluster_volume /mnt/gluster glusterfs defaults,_netdev 0 0\n", edited);
    assertEquals(edited, Fstab.edit(edited, "gluster_volume", "/mnt/gluster"));
  }

  @Test
  void anEmptyOrMissingFstabGetsJustTheLine() {
    assertEquals(Fstab.MARKER + "\nlocalhost:/gv0 /mnt/gluster glusterfs defaults,_netdev 0 0\n",
        Fstab.edit("", "gv0", "/mnt/gluster"));
  }

  @Test
  void valuesThatWouldBreakTheFieldsAreRefused() {
    assertThrows(IllegalArgumentException.class, () -> Fstab.line("gv0", "/mnt/my gluster"));
    assertThrows(IllegalArgumentException.class, () -> Fstab.line("gv0\n/ / ext4", "/mnt/gluster"));
  }
}
